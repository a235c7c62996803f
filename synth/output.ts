/** PCM streams to audio files and buffers: WAV written here, Ogg/Opus and MP3 by ffmpeg, chosen by name. */
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { type CompressedFormat, encodeFileWithFfmpeg, encodeWithFfmpeg } from './ffmpeg.js';
import { concatPcm, pcmSeconds } from './pcm.js';
import { encodeWav, pcmBytes, WAV_HEADER_BYTES, wavHeader } from './wav.js';

export type AudioFormat = 'wav' | CompressedFormat;
export const AUDIO_FORMATS: readonly AudioFormat[] = ['wav', 'ogg', 'mp3'];

type PcmSource = AsyncIterable<Int16Array> | Iterable<Int16Array>;

/** The format a file name asks for, by its extension. */
export function formatForPath(path: string): AudioFormat {
  const extension = extname(path).slice(1).toLowerCase();
  const format = AUDIO_FORMATS.find((candidate) => candidate === extension);
  if (!format) throw new Error(`cannot tell the audio format of ${path}: use .wav, .ogg (Opus) or .mp3`);
  return format;
}

/** The whole encoded file in memory. */
export async function encodeAudio(pcm: PcmSource, format: AudioFormat, ffmpeg?: string): Promise<Buffer> {
  if (format === 'wav') {
    const chunks: Int16Array[] = [];
    for await (const chunk of pcm) chunks.push(chunk);
    return encodeWav(concatPcm(chunks));
  }
  const parts: Buffer[] = [];
  for await (const part of encodeWithFfmpeg(pcm, format, ffmpeg)) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * Streams the PCM into a file, encoded by the file's extension, and returns the seconds of audio written.
 * The file is written under a temporary name and renamed at the end: nobody sees half a file.
 */
export async function writeAudioFile(pcm: PcmSource, path: string, ffmpeg?: string): Promise<number> {
  const format = formatForPath(path);
  const partial = `${path}.partial`;
  let samples = 0;
  const counted = async function* (): AsyncGenerator<Int16Array> {
    for await (const chunk of pcm) {
      samples += chunk.length;
      yield chunk;
    }
  };
  try {
    if (format === 'wav') await writeWav(counted(), partial);
    else await encodeFileWithFfmpeg(counted(), format, partial, ffmpeg);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return pcmSeconds(samples);
}

/** WAV streamed to disk: a placeholder header first, the real one (which needs the length) at the end. */
async function writeWav(pcm: AsyncIterable<Int16Array>, path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    let dataBytes = 0;
    await file.write(Buffer.alloc(WAV_HEADER_BYTES), 0, WAV_HEADER_BYTES, 0);
    for await (const chunk of pcm) {
      await file.write(pcmBytes(chunk), 0, chunk.byteLength, WAV_HEADER_BYTES + dataBytes);
      dataBytes += chunk.byteLength;
    }
    await file.write(wavHeader(dataBytes), 0, WAV_HEADER_BYTES, 0);
  } finally {
    await file.close();
  }
}

/** PCM gathered before each write to a WAV being written as it renders: 1 MB, 5.5 s of audio. */
const WAV_WRITE_BYTES = 1 << 20;

/**
 * A WAV file written while its PCM is rendered, so that the PCM is never all in memory (57.6 MB for
 * five minutes): `append` chunks in order as they come, then `finish` (the header, which needs the
 * length, and the rename from `NAME.partial`) or `abort` (the partial file removed). Writes go out
 * a megabyte at a time, one after another; a failed write surfaces at `finish`.
 */
export class WavFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dataBytes = 0;
  private writing: Promise<void>;
  private failed = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
  ) {
    this.writing = file.write(Buffer.alloc(WAV_HEADER_BYTES), 0, WAV_HEADER_BYTES, 0).then(() => {});
    this.watch();
  }

  static async open(path: string): Promise<WavFileWriter> {
    return new WavFileWriter(await open(`${path}.partial`, 'w'), path);
  }

  append(chunk: Int16Array): void {
    this.pending.push(pcmBytes(chunk));
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= WAV_WRITE_BYTES) this.flush();
  }

  /** Writes the rest and the header, renames the file to its name; resolves to the seconds of audio. */
  async finish(): Promise<number> {
    this.flush();
    try {
      await this.writing;
      await this.file.write(wavHeader(this.dataBytes), 0, WAV_HEADER_BYTES, 0);
      await this.file.close();
      await rename(`${this.path}.partial`, this.path);
    } catch (error) {
      await this.abort();
      throw error;
    }
    return pcmSeconds(this.dataBytes / 2);
  }

  /** Stops writing and removes the partial file. */
  async abort(): Promise<void> {
    this.pending = [];
    await this.writing.catch(() => {});
    await this.file.close().catch(() => {});
    await rm(`${this.path}.partial`, { force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.failed) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    const position = WAV_HEADER_BYTES + this.dataBytes;
    this.dataBytes += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(() => this.file.write(bytes, 0, bytes.length, position).then(() => {}));
    this.watch();
  }

  /** A failed write stops the others; `finish` reports it (until then it is not an unhandled rejection). */
  private watch(): void {
    this.writing.catch(() => {
      this.failed = true;
    });
  }
}

/** Bytes read at a time by readWavPcm. */
const WAV_READ_BYTES = 1 << 20;

/** The PCM of a WAV file this module wrote (the canonical 44-byte header), read back a megabyte at a time. */
export async function* readWavPcm(path: string): AsyncGenerator<Int16Array> {
  const file = await open(path, 'r');
  try {
    for (let position = WAV_HEADER_BYTES; ; ) {
      const chunk = new Int16Array(WAV_READ_BYTES / 2);
      const { bytesRead } = await file.read(new Uint8Array(chunk.buffer), 0, WAV_READ_BYTES, position);
      if (bytesRead === 0) return;
      if (bytesRead % 2 !== 0) throw new Error(`${path}: the PCM ends in half a sample`);
      position += bytesRead;
      yield chunk.subarray(0, bytesRead / 2);
    }
  } finally {
    await file.close();
  }
}
