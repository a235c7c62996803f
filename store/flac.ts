/**
 * The WAV kept losslessly as FLAC (through the system's ffmpeg) where its bytes travel over a network:
 * PostgreSQL stores a piece's WAV as FLAC and writes it back as the same WAV, byte for byte (ffmpeg's
 * bit-exact WAV header is the canonical 44 bytes synth/wav.ts writes, and FLAC keeps every sample).
 */
import { spawn } from 'node:child_process';

/** How much of ffmpeg's stderr to keep for an error message. */
const STDERR_KEPT = 2000;
const QUIET = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];

function runFfmpeg(args: readonly string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', [...QUIET, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('ffmpeg not found: it keeps the WAV as FLAC in the database; install it (Debian: apt-get install ffmpeg)')
          : error,
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(output));
      else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`));
    });
    // ffmpeg may stop reading early when it fails; its exit status says why.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The WAV file at `wavPath` as FLAC bytes. */
export function wavToFlac(wavPath: string): Promise<Buffer> {
  return runFfmpeg(['-i', wavPath, '-c:a', 'flac', '-f', 'flac', 'pipe:1']);
}

/**
 * Writes FLAC bytes back as a 16-bit PCM WAV at `wavPath`, at the rate and channels they hold. ffmpeg
 * writes the file itself (not a pipe) so it can fill in the header's sizes; bit-exact, so it adds no
 * encoder tag and the header is the canonical one.
 */
export async function flacToWav(flac: Buffer, wavPath: string): Promise<void> {
  const input = ['-f', 'flac', '-i', 'pipe:0'];
  const bitExact = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact'];
  await runFfmpeg([...input, ...bitExact, '-c:a', 'pcm_s16le', '-f', 'wav', wavPath], flac);
}
