/**
 * Musical statistics of pieces and the overlapping-area comparison of Yang & Lerch (2018), "On
 * the evaluation of generative models in music": for each feature, the distribution of
 * distances between real pieces (intra-set) is compared with the distribution of distances
 * between real and generated pieces (inter-set); the area where their smoothed densities
 * overlap is 1 when the generated set is statistically indistinguishable from the real one.
 */
export interface TimedNote {
  pitch: number;
  start: number;
  duration: number;
}

export interface PieceFeatures {
  pitchClassHistogram: number[];
  pitchRange: number;
  /** Mean seconds between successive distinct onsets. */
  interOnsetInterval: number;
  /** Mean note length, seconds. */
  noteLength: number;
  /** Mean notes sounding at each onset. */
  polyphony: number;
  /** Notes per second. */
  noteDensity: number;
}

export const FEATURE_NAMES = ['pitchClassHistogram', 'pitchRange', 'interOnsetInterval', 'noteLength', 'polyphony', 'noteDensity'] as const;

export function pieceFeatures(notes: readonly TimedNote[]): PieceFeatures {
  const histogram = new Array<number>(12).fill(0);
  let low = 127;
  let high = 0;
  let totalLength = 0;
  let end = 0;
  for (const note of notes) {
    histogram[note.pitch % 12] = (histogram[note.pitch % 12] as number) + 1 / Math.max(1, notes.length);
    low = Math.min(low, note.pitch);
    high = Math.max(high, note.pitch);
    totalLength += note.duration;
    end = Math.max(end, note.start + note.duration);
  }
  const onsets = [...new Set(notes.map((note) => Math.round(note.start * 1000) / 1000))].sort((a, b) => a - b);
  const gaps = onsets.slice(1).map((onset, index) => onset - (onsets[index] as number));
  const sounding = onsets.map(
    (onset) => notes.filter((note) => note.start <= onset + 1e-6 && note.start + note.duration > onset + 1e-6).length,
  );
  const start = onsets[0] ?? 0;
  return {
    pitchClassHistogram: histogram,
    pitchRange: notes.length ? high - low : 0,
    interOnsetInterval: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
    noteLength: notes.length ? totalLength / notes.length : 0,
    polyphony: sounding.length ? sounding.reduce((a, b) => a + b, 0) / sounding.length : 0,
    noteDensity: end > start ? notes.length / (end - start) : 0,
  };
}

function distance(a: number | number[], b: number | number[]): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  const va = a as number[];
  const vb = b as number[];
  return Math.sqrt(va.reduce((sum, value, i) => sum + (value - (vb[i] as number)) ** 2, 0));
}

/** Silverman's rule-of-thumb bandwidth for a Gaussian kernel. */
function bandwidth(samples: number[]): number {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, n - 1));
  return Math.max(1e-6, 1.06 * (sd || 1e-3) * n ** -0.2);
}

function density(samples: number[], width: number, grid: number[]): number[] {
  const n = samples.length;
  return grid.map(
    (x) => samples.reduce((sum, sample) => sum + Math.exp(-0.5 * ((x - sample) / width) ** 2), 0) / (n * width * Math.sqrt(2 * Math.PI)),
  );
}

/** Area under min(p, q) of two sample sets' smoothed densities (1: the same distribution). */
export function overlappingArea(a: number[], b: number[]): number {
  if (a.length < 2 || b.length < 2) return Number.NaN;
  const [widthA, widthB] = [bandwidth(a), bandwidth(b)];
  // The grid reaches five bandwidths past the extremes, so no density mass falls outside it.
  const low = Math.min(...a, ...b) - 5 * Math.max(widthA, widthB);
  const high = Math.max(...a, ...b) + 5 * Math.max(widthA, widthB);
  const points = 600;
  const step = (high - low) / (points - 1);
  const grid = Array.from({ length: points }, (_, i) => low + i * step);
  const p = density(a, widthA, grid);
  const q = density(b, widthB, grid);
  return p.reduce((sum, value, i) => sum + Math.min(value, q[i] as number) * step, 0);
}

/** Overlapping area per feature between real pieces and generated ones. */
export function compareSets(
  real: readonly PieceFeatures[],
  generated: readonly PieceFeatures[],
): Record<(typeof FEATURE_NAMES)[number], number> {
  const result = {} as Record<(typeof FEATURE_NAMES)[number], number>;
  for (const name of FEATURE_NAMES) {
    const intra: number[] = [];
    for (let i = 0; i < real.length; i++)
      for (let j = i + 1; j < real.length; j++) intra.push(distance((real[i] as PieceFeatures)[name], (real[j] as PieceFeatures)[name]));
    const inter: number[] = [];
    for (const r of real) for (const g of generated) inter.push(distance(r[name], g[name]));
    result[name] = Number(overlappingArea(intra, inter).toFixed(4));
  }
  return result;
}
