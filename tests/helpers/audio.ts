/**
 * Reading audio back independently of synth/: ffmpeg decodes every file we write (its own WAV, Opus and
 * MP3 decoders), and the measurements below work on what it returns.
 */
import { spawnSync } from 'node:child_process';

export const RATE = 48_000;

/**
 * Decodes any audio file to 48 kHz stereo 16-bit PCM with ffmpeg; `decoder` picks one of its decoders
 * (e.g. `opus`, its own Opus decoder, rather than `libopus`).
 */
export function decodeWithFfmpeg(path: string, decoder?: string): Int16Array {
  const input = [...(decoder ? ['-c:a', decoder] : []), '-i', path];
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...input, '-f', 's16le', '-ac', '2', '-ar', String(RATE), '-'], {
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${run.stderr.toString()}`);
  const bytes = run.stdout;
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Chords that change every 250 ms, each with its own envelope, different in each channel: music-like, and nothing repeats at a short lag. */
export function chordSignal(seconds: number): Int16Array {
  const frames = seconds * RATE;
  const pcm = new Int16Array(frames * 2);
  for (let frame = 0; frame < frames; frame++) {
    const t = frame / RATE;
    const step = Math.floor(t / 0.25);
    const envelope = Math.exp(-4 * (t - step * 0.25));
    const root = 220 * 2 ** (((step * 5) % 12) / 12);
    const left = Math.sin(2 * Math.PI * root * t) + 0.5 * Math.sin(2 * Math.PI * root * 1.5 * t);
    const right = Math.sin(2 * Math.PI * root * 1.26 * t) + 0.3 * Math.sin(2 * Math.PI * root * 2 * t);
    pcm[2 * frame] = Math.round(8000 * envelope * left);
    pcm[2 * frame + 1] = Math.round(8000 * envelope * right);
  }
  return pcm;
}

export interface AudioStats {
  seconds: number;
  /** Root mean square over both channels, as a fraction of full scale. */
  rms: number;
  /** Largest magnitude, as a fraction of full scale. */
  peak: number;
  /** Samples at (or within one step of) full scale: clipping. */
  fullScale: number;
}

/** Statistics of interleaved stereo PCM, optionally of the frames in [fromSeconds, toSeconds). */
export function audioStats(pcm: Int16Array, fromSeconds = 0, toSeconds = Number.POSITIVE_INFINITY): AudioStats {
  const start = Math.min(pcm.length, 2 * Math.round(fromSeconds * RATE));
  const end = Math.min(pcm.length, 2 * Math.round(toSeconds * RATE));
  let sumOfSquares = 0;
  let peak = 0;
  let fullScale = 0;
  for (let index = start; index < end; index++) {
    const magnitude = Math.abs(pcm[index] as number);
    sumOfSquares += magnitude * magnitude;
    peak = Math.max(peak, magnitude);
    if (magnitude >= 32766) fullScale++;
  }
  const count = Math.max(1, end - start);
  return { seconds: pcm.length / 2 / RATE, rms: Math.sqrt(sumOfSquares / count) / 32768, peak: peak / 32768, fullScale };
}

/** Frames per analysis window: about 43 ms, wide enough (23 Hz) that vibrato and slight detuning stay in one band. */
const WINDOW = 2048;

/**
 * The amplitudes of the first `count` harmonics of `fundamentalHz` in the mono mix of
 * [fromSeconds, toSeconds), relative to the strongest: an instrument's tone colour, roughly. Goertzel
 * filters on Hann-windowed 43 ms frames, averaged over the frames.
 */
export function harmonicProfile(pcm: Int16Array, fundamentalHz: number, count: number, fromSeconds: number, toSeconds: number): number[] {
  const start = Math.round(fromSeconds * RATE);
  const end = Math.min(pcm.length / 2, Math.round(toSeconds * RATE));
  const amplitudes = new Array<number>(count).fill(0);
  for (let first = start; first + WINDOW <= end; first += WINDOW) {
    for (let harmonic = 1; harmonic <= count; harmonic++) {
      const coefficient = 2 * Math.cos((2 * Math.PI * harmonic * fundamentalHz) / RATE);
      let previous = 0;
      let beforePrevious = 0;
      for (let index = 0; index < WINDOW; index++) {
        const frame = first + index;
        const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / (WINDOW - 1));
        const mono = (hann * ((pcm[2 * frame] as number) + (pcm[2 * frame + 1] as number))) / 2;
        const current = mono + coefficient * previous - beforePrevious;
        beforePrevious = previous;
        previous = current;
      }
      const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
      amplitudes[harmonic - 1] = (amplitudes[harmonic - 1] as number) + Math.sqrt(Math.max(0, power));
    }
  }
  const strongest = Math.max(...amplitudes);
  return amplitudes.map((amplitude) => amplitude / strongest);
}
