/**
 * Comparing a recording of a signal with the signal: find the delay, then measure how alike they are.
 * Works on interleaved stereo 16-bit PCM at one sample rate; the recording may start and end anywhere.
 */

/** The mean of both channels, as a fraction of full scale. */
export function monoOf(pcm: Int16Array): Float32Array {
  const mono = new Float32Array(Math.floor(pcm.length / 2));
  for (let frame = 0; frame < mono.length; frame++) mono[frame] = ((pcm[2 * frame] as number) + (pcm[2 * frame + 1] as number)) / 65536;
  return mono;
}

/** RMS of consecutive windows of `window` samples, starting at sample `from` (frames before 0 count as silence). */
export function rmsEnvelope(mono: Float32Array, window: number, from = 0): Float64Array {
  const count = Math.max(0, Math.floor((mono.length - from) / window));
  const envelope = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    let sum = 0;
    for (let offset = 0; offset < window; offset++) {
      const value = mono[from + index * window + offset] ?? 0;
      sum += value * value;
    }
    envelope[index] = Math.sqrt(sum / window);
  }
  return envelope;
}

/** Pearson correlation of a[i] and b[i + lag] over where both exist (0 when either is constant). */
export function correlationAt(a: ArrayLike<number>, b: ArrayLike<number>, lag: number, from = 0, to = a.length): number {
  const start = Math.max(from, -lag);
  const end = Math.min(to, b.length - lag);
  const count = end - start;
  if (count < 2) return 0;
  let sumA = 0;
  let sumB = 0;
  for (let i = start; i < end; i++) {
    sumA += a[i] as number;
    sumB += b[i + lag] as number;
  }
  const meanA = sumA / count;
  const meanB = sumB / count;
  let cross = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let i = start; i < end; i++) {
    const x = (a[i] as number) - meanA;
    const y = (b[i + lag] as number) - meanB;
    cross += x * y;
    squaresA += x * x;
    squaresB += y * y;
  }
  return squaresA === 0 || squaresB === 0 ? 0 : cross / Math.sqrt(squaresA * squaresB);
}

/** The lag in [lowest, highest] at which b[i + lag] correlates best with a[i], and that correlation. */
export function bestLag(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  lowest: number,
  highest: number,
  from = 0,
  to = a.length,
): { lag: number; correlation: number } {
  let best = { lag: lowest, correlation: Number.NEGATIVE_INFINITY };
  for (let lag = lowest; lag <= highest; lag++) {
    const correlation = correlationAt(a, b, lag, from, to);
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}

export interface Alignment {
  /** recording frame = reference frame + lag. */
  lagFrames: number;
  /** Pearson correlation of the two mono waveforms at that lag, over the stretch used to find it. */
  waveformCorrelation: number;
}

/**
 * Aligns `recording` to `reference` (both mono): coarsely by cross-correlating RMS envelopes of
 * `window` frames within ±`maxLagFrames`, then to the frame by cross-correlating the waveforms
 * over `fineSpan` frames of the reference's loudest stretch, within one window of the coarse lag.
 */
export function align(reference: Float32Array, recording: Float32Array, maxLagFrames: number, window = 480, fineSpan = 96_000): Alignment {
  const maxLagWindows = Math.ceil(maxLagFrames / window);
  const coarse = bestLag(rmsEnvelope(reference, window), rmsEnvelope(recording, window), -maxLagWindows, maxLagWindows);
  const spans = rmsEnvelope(reference, fineSpan);
  const loudest = spans.indexOf(Math.max(...spans));
  const from = Math.max(0, loudest) * fineSpan;
  const fine = bestLag(reference, recording, coarse.lag * window - window, coarse.lag * window + window, from, from + fineSpan);
  return { lagFrames: fine.lag, waveformCorrelation: fine.correlation };
}

export interface Comparison {
  /** Frames of the reference the recording covers. */
  overlapFrames: number;
  /** 10·log10(reference energy / energy of recording − reference), both channels, unity gain. */
  snrDb: number;
  /** The lowest SNR over blocks of `blockFrames` whose reference is louder than `quietRms`. */
  worstBlockSnrDb: number;
  worstBlockAtSeconds: number;
  /** Pearson correlation of the RMS envelopes (windows of `window` frames) of the aligned mono signals. */
  envelopeCorrelation: number;
}

/** Compares interleaved stereo `recording` with `reference` at a known lag (recording frame = reference frame + lag). */
export function compareAligned(
  reference: Int16Array,
  recording: Int16Array,
  lagFrames: number,
  options: { rate: number; blockFrames: number; quietRms: number; window: number },
): Comparison {
  const start = Math.max(0, -lagFrames);
  const end = Math.min(reference.length / 2, recording.length / 2 - lagFrames);
  let signal = 0;
  let noise = 0;
  let worst = { snrDb: Number.POSITIVE_INFINITY, at: 0 };
  for (let block = start; block < end; block += options.blockFrames) {
    let blockSignal = 0;
    let blockNoise = 0;
    const blockEnd = Math.min(end, block + options.blockFrames);
    for (let index = 2 * block; index < 2 * blockEnd; index++) {
      const expected = (reference[index] as number) / 32768;
      const heard = (recording[index + 2 * lagFrames] as number) / 32768;
      blockSignal += expected * expected;
      blockNoise += (heard - expected) * (heard - expected);
    }
    signal += blockSignal;
    noise += blockNoise;
    const loud = Math.sqrt(blockSignal / (2 * (blockEnd - block))) > options.quietRms;
    const blockSnr = 10 * Math.log10(blockSignal / Math.max(blockNoise, 1e-12));
    if (loud && blockSnr < worst.snrDb) worst = { snrDb: blockSnr, at: block / options.rate };
  }
  const referenceEnvelope = rmsEnvelope(monoOf(reference), options.window);
  const recordingEnvelope = rmsEnvelope(monoOf(recording), options.window, lagFrames);
  return {
    overlapFrames: Math.max(0, end - start),
    snrDb: 10 * Math.log10(signal / Math.max(noise, 1e-12)),
    worstBlockSnrDb: worst.snrDb,
    worstBlockAtSeconds: worst.at,
    envelopeCorrelation: correlationAt(referenceEnvelope, recordingEnvelope, 0),
  };
}
