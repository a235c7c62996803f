/**
 * Ogg/Opus and MP3 through Debian's ffmpeg: our PCM goes in on stdin as it is rendered and the encoded
 * file comes out of stdout as it is written, so a piece can be encoded (and sent) while it is composed.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CHANNELS, SAMPLE_RATE } from './pcm.js';
import { pcmBytes } from './wav.js';

export type CompressedFormat = 'ogg' | 'mp3';

/** Opus at 96 kb/s is transparent for most music; MP3 needs more (160 kb/s) for strings to stay clean. */
const CODEC_ARGUMENTS: Record<CompressedFormat, string[]> = {
  ogg: ['-c:a', 'libopus', '-b:a', '96k', '-application', 'audio', '-f', 'ogg'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '160k', '-f', 'mp3'],
};

/** How much of ffmpeg's stderr to keep for an error message. */
const STDERR_KEPT = 2000;

export class FfmpegMissingError extends Error {
  constructor(command: string) {
    super(`ffmpeg not found (tried "${command}"): it encodes .ogg and .mp3; install it (Debian: apt-get install ffmpeg) or write .wav`);
    this.name = 'FfmpegMissingError';
  }
}

async function* asBuffers(pcm: AsyncIterable<Int16Array> | Iterable<Int16Array>): AsyncGenerator<Buffer> {
  for await (const chunk of pcm) yield pcmBytes(chunk);
}

/**
 * Encodes 48 kHz stereo 16-bit PCM to `format`, yielding the file's bytes as ffmpeg writes them. Stopping
 * the iteration early kills ffmpeg and stops the PCM source.
 */
export function encodeWithFfmpeg(
  pcm: AsyncIterable<Int16Array> | Iterable<Int16Array>,
  format: CompressedFormat,
  ffmpeg = 'ffmpeg',
): AsyncGenerator<Buffer> {
  return runFfmpeg(pcm, format, 'pipe:1', ffmpeg);
}

/**
 * Encodes into a file that ffmpeg writes itself: unlike a pipe, a file lets it go back and fill in the
 * MP3's Xing header (length and encoder delay), so players and decoders trim the padding exactly.
 */
export async function encodeFileWithFfmpeg(
  pcm: AsyncIterable<Int16Array> | Iterable<Int16Array>,
  format: CompressedFormat,
  path: string,
  ffmpeg = 'ffmpeg',
): Promise<void> {
  for await (const _ of runFfmpeg(pcm, format, path, ffmpeg)) {
    // ffmpeg writes nothing on stdout when it writes a file.
  }
}

async function* runFfmpeg(
  pcm: AsyncIterable<Int16Array> | Iterable<Int16Array>,
  format: CompressedFormat,
  output: string,
  ffmpeg: string,
): AsyncGenerator<Buffer> {
  const input = ['-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', String(CHANNELS), '-i', 'pipe:0'];
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...input, ...CODEC_ARGUMENTS[format], output], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new FfmpegMissingError(ffmpeg) : error));
  });
  // Errors after start-up (a failed kill) surface through the exit status instead.
  child.on('error', () => {});
  // Settles with the error, if any, so that it is never an unhandled rejection while stdout is read.
  const fed = pipeline(Readable.from(asBuffers(pcm)), child.stdin).then(
    () => undefined,
    (error: unknown) => error,
  );
  let done = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const feedError = await fed;
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed to encode ${format} (exit status ${code}): ${stderr.trim()}`);
    if (feedError) throw feedError;
    done = true;
  } finally {
    if (!done) child.kill('SIGKILL');
  }
}
