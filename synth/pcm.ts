/** The one output format: 48 kHz, stereo, interleaved signed 16-bit (what Discord voice and the encoders take). */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 2;
/** Discord sends 20 ms Opus frames (960 frames at 48 kHz): every chunk we emit is a whole number of them. */
export const FRAME_QUANTUM = 960;

/** Below this level samples pass untouched; above it they bend smoothly towards full scale instead of clipping. */
const KNEE = 0.8;
const HEADROOM = 1 - KNEE;

/**
 * A memoryless soft limiter: linear up to the knee, then a tanh curve that approaches (never reaches)
 * full scale. The synth's gain is set so that ordinary pieces stay below the knee; this only catches
 * the rare fortissimo chord instead of letting it wrap or clip hard.
 */
export function softLimit(sample: number): number {
  const magnitude = Math.abs(sample);
  if (magnitude <= KNEE) return sample;
  const bent = KNEE + HEADROOM * Math.tanh((magnitude - KNEE) / HEADROOM);
  return sample < 0 ? -bent : bent;
}

/** Interleaves two float channels into 16-bit PCM through the soft limiter. */
export function toInt16Interleaved(left: Float32Array, right: Float32Array, frames: number): Int16Array {
  const out = new Int16Array(frames * CHANNELS);
  for (let frame = 0; frame < frames; frame++) {
    out[2 * frame] = Math.round(softLimit(left[frame] as number) * 32767);
    out[2 * frame + 1] = Math.round(softLimit(right[frame] as number) * 32767);
  }
  return out;
}

/** Joins PCM chunks into one array (for WAV files and tests). */
export function concatPcm(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Seconds of audio in interleaved stereo PCM of this many samples. */
export function pcmSeconds(samples: number): number {
  return samples / CHANNELS / SAMPLE_RATE;
}
