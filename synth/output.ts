/** PCM streams to audio files and buffers: WAV written here, Ogg/Opus and MP3 by ffmpeg, chosen by name. */
import { open, rename, rm } from 'node:fs/promises';
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
