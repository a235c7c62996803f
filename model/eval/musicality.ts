/**
 * Symbolic measures of how music-like a piece is, and a two-sample test over them.
 *
 * The likelihood of held-out data says how well a model predicts real music, not whether what
 * it writes sounds like music. These measures look at the written notes themselves: tonality
 * (MusPy's pitch-class entropy and scale consistency, plus the same over short windows, since a
 * piece that modulates or a model that wanders can keep a tidy overall pitch-class set), rhythm
 * (MusPy's groove consistency, share of onsets on eighth positions), melody (steps, repeated
 * notes, leaps and motif repetition of each part's top line) and texture (polyphony).
 *
 * The classifier two-sample test of Lopez-Paz & Oquab (2017), "Revisiting classifier two-sample
 * tests", turns a set of such measures into one number: a leave-one-out 1-nearest-neighbour
 * classifier tries to tell real pieces from generated ones; accuracy near 0.5 means it cannot.
 *
 * Every measure is finite for every piece, empty ones included (0 where there is nothing to
 * count), so that sets of measures can be z-scored and compared without NaN handling.
 */

/** Beats are quarter notes. */
export interface MeasuredNote {
  part: string;
  pitch: number;
  onsetBeats: number;
  durationBeats: number;
}

/** beatsPerBar counts quarter notes: 3/4 -> 3, 6/8 -> 3. */
export interface MeasuredPiece {
  notes: MeasuredNote[];
  beatsPerBar: number;
}

export const MEASURE_NAMES = [
  'pitchClassEntropy',
  'scaleConsistency',
  'localKeyClarity',
  'grooveConsistency',
  'onBeat',
  'steps',
  'repeats',
  'longestRun',
  'leaps',
  'repetition',
  'polyphony',
] as const;
export type MeasureName = (typeof MEASURE_NAMES)[number];
export type Measures = Record<MeasureName, number>;
export interface MeasureSummary {
  mean: number;
  std: number;
  median: number;
}

/** Long enough to hear a style, short enough that long and short pieces weigh alike. */
export const DEFAULT_CUT_BEATS = 64;
const KEY_WINDOW_BEATS = 8;
const KEY_WINDOW_MIN_NOTES = 4;
const GROOVE_GRID_PER_BEAT = 12;
const ON_BEAT_TOLERANCE = 1e-6;

export function cutToBeats(piece: MeasuredPiece, beats: number = DEFAULT_CUT_BEATS): MeasuredPiece {
  return { notes: piece.notes.filter((note) => note.onsetBeats < beats), beatsPerBar: piece.beatsPerBar };
}

function pitchClass(pitch: number): number {
  return ((Math.round(pitch) % 12) + 12) % 12;
}

function pitchClassCounts(notes: readonly MeasuredNote[]): number[] {
  const counts = new Array<number>(12).fill(0);
  for (const note of notes) {
    const pc = pitchClass(note.pitch);
    counts[pc] = (counts[pc] as number) + 1;
  }
  return counts;
}

function entropyBits(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  let entropy = 0;
  for (const count of counts) {
    if (count > 0) entropy -= (count / total) * Math.log2(count / total);
  }
  return entropy;
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const NATURAL_MINOR = [0, 2, 3, 5, 7, 8, 10];
/** The 24 scales as 12-entry membership masks (relative keys repeat; harmless for a maximum). */
const SCALES: boolean[][] = [MAJOR, NATURAL_MINOR].flatMap((steps) =>
  Array.from({ length: 12 }, (_, root) => {
    const mask = new Array<boolean>(12).fill(false);
    for (const step of steps) mask[(root + step) % 12] = true;
    return mask;
  }),
);

function scaleConsistencyOfCounts(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  let best = 0;
  for (const mask of SCALES) {
    let inScale = 0;
    for (let pc = 0; pc < 12; pc++) if (mask[pc]) inScale += counts[pc] as number;
    best = Math.max(best, inScale);
  }
  return best / total;
}

function localKeyClarity(notes: readonly MeasuredNote[]): number {
  const windows = new Map<number, MeasuredNote[]>();
  for (const note of notes) {
    const index = Math.floor(note.onsetBeats / KEY_WINDOW_BEATS);
    const window = windows.get(index);
    if (window) window.push(note);
    else windows.set(index, [note]);
  }
  let sum = 0;
  let counted = 0;
  for (const window of windows.values()) {
    if (window.length < KEY_WINDOW_MIN_NOTES) continue;
    sum += scaleConsistencyOfCounts(pitchClassCounts(window));
    counted++;
  }
  return counted > 0 ? sum / counted : scaleConsistencyOfCounts(pitchClassCounts(notes));
}

function grooveConsistency(notes: readonly MeasuredNote[], beatsPerBar: number): number {
  const positionsPerBar = Math.max(1, Math.round(beatsPerBar * GROOVE_GRID_PER_BEAT));
  const used = new Map<number, Set<number>>();
  let lastBar = -1;
  for (const note of notes) {
    const tick = Math.round(note.onsetBeats * GROOVE_GRID_PER_BEAT);
    const bar = Math.floor(tick / positionsPerBar);
    const position = tick - bar * positionsPerBar;
    let positions = used.get(bar);
    if (!positions) {
      positions = new Set();
      used.set(bar, positions);
    }
    positions.add(position);
    lastBar = Math.max(lastBar, bar);
  }
  // One bar (or none) has nothing to be inconsistent with.
  if (lastBar < 1) return 1;
  const empty = new Set<number>();
  let distance = 0;
  // Empty bars between played ones count, as in MusPy: a rest bar breaks the groove.
  for (let bar = 1; bar <= lastBar; bar++) {
    const previous = used.get(bar - 1) ?? empty;
    const current = used.get(bar) ?? empty;
    for (const position of previous) if (!current.has(position)) distance++;
    for (const position of current) if (!previous.has(position)) distance++;
  }
  return 1 - distance / (positionsPerBar * lastBar);
}

function onBeat(notes: readonly MeasuredNote[], beatsPerBar: number): number {
  if (notes.length === 0) return 0;
  let on = 0;
  for (const note of notes) {
    const inBar = beatsPerBar > 0 ? ((note.onsetBeats % beatsPerBar) + beatsPerBar) % beatsPerBar : note.onsetBeats;
    if (Math.abs(inBar - Math.round(inBar * 2) / 2) <= ON_BEAT_TOLERANCE) on++;
  }
  return on / notes.length;
}

interface TopLineNote {
  pitch: number;
  onset: number;
  duration: number;
}

/** Per part, the highest note at each of its distinct onsets, in time order. */
function topLines(notes: readonly MeasuredNote[]): TopLineNote[][] {
  const parts = new Map<string, Map<number, TopLineNote>>();
  for (const note of notes) {
    let byOnset = parts.get(note.part);
    if (!byOnset) {
      byOnset = new Map();
      parts.set(note.part, byOnset);
    }
    const held = byOnset.get(note.onsetBeats);
    if (!held || note.pitch > held.pitch)
      byOnset.set(note.onsetBeats, { pitch: note.pitch, onset: note.onsetBeats, duration: note.durationBeats });
  }
  return [...parts.values()].map((byOnset) => [...byOnset.values()].sort((a, b) => a.onset - b.onset));
}

/**
 * Over the moves of every part's top line: steps (<= 2 semitones, a repeated pitch included, as
 * DESIGN.md defines them), repeats (the same pitch again, the part of steps that goes nowhere),
 * leaps (> 12); longestRun is the most repeats in a row in any one line (a note struck 4 times
 * in a row is a run of 3).
 */
function melodicMeasures(lines: readonly TopLineNote[][]): Pick<Measures, 'steps' | 'repeats' | 'longestRun' | 'leaps' | 'repetition'> {
  let moves = 0;
  let steps = 0;
  let repeats = 0;
  let longestRun = 0;
  let leaps = 0;
  let patterns = 0;
  let repeated = 0;
  for (const line of lines) {
    let run = 0;
    for (let i = 1; i < line.length; i++) {
      const interval = Math.abs((line[i] as TopLineNote).pitch - (line[i - 1] as TopLineNote).pitch);
      moves++;
      if (interval <= 2) steps++;
      if (interval > 12) leaps++;
      run = interval === 0 ? run + 1 : 0;
      if (run > 0) repeats++;
      longestRun = Math.max(longestRun, run);
    }
    // Each note lasts until the next onset of its line, so rests and overlaps do not change the
    // rhythm a listener follows; the last note has no next onset and keeps its written length.
    const spans = line.map((note, i) => {
      const next = line[i + 1];
      return next ? next.onset - note.onset : note.duration;
    });
    const seen = new Set<string>();
    for (let i = 0; i + 3 < line.length; i++) {
      const parts: string[] = [];
      for (let k = i + 1; k <= i + 3; k++) parts.push(String((line[k] as TopLineNote).pitch - (line[k - 1] as TopLineNote).pitch));
      for (let k = i + 1; k <= i + 3; k++) {
        const before = spans[k - 1] as number;
        parts.push(before > 0 ? ((spans[k] as number) / before).toFixed(2) : 'x');
      }
      const key = parts.join(',');
      patterns++;
      if (seen.has(key)) repeated++;
      else seen.add(key);
    }
  }
  return {
    steps: moves > 0 ? steps / moves : 0,
    repeats: moves > 0 ? repeats / moves : 0,
    longestRun,
    leaps: moves > 0 ? leaps / moves : 0,
    repetition: patterns > 0 ? repeated / patterns : 0,
  };
}

function polyphony(notes: readonly MeasuredNote[]): number {
  if (notes.length === 0) return 0;
  return notes.length / new Set(notes.map((note) => note.onsetBeats)).size;
}

export function measurePiece(piece: MeasuredPiece): Measures {
  const counts = pitchClassCounts(piece.notes);
  return {
    pitchClassEntropy: entropyBits(counts),
    scaleConsistency: scaleConsistencyOfCounts(counts),
    localKeyClarity: localKeyClarity(piece.notes),
    grooveConsistency: grooveConsistency(piece.notes, piece.beatsPerBar),
    onBeat: onBeat(piece.notes, piece.beatsPerBar),
    ...melodicMeasures(topLines(piece.notes)),
    polyphony: polyphony(piece.notes),
  };
}

/**
 * Mean, population standard deviation and median (the middle value, or the mean of the two middle
 * ones) of each measure; NaN for an empty set. The median is for heavy-tailed measures such as
 * longestRun, where one piece of repeated-note accompaniment can carry the mean.
 */
export function summarizeMeasures(all: readonly Measures[]): Record<MeasureName, MeasureSummary> {
  const summary = {} as Record<MeasureName, MeasureSummary>;
  for (const name of MEASURE_NAMES) {
    const values = all.map((measures) => measures[name]);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median =
      sorted.length === 0
        ? Number.NaN
        : sorted.length % 2 === 1
          ? (sorted[middle] as number)
          : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    summary[name] = { mean, std: Math.sqrt(variance), median };
  }
  return summary;
}

/**
 * Leave-one-out 1-NN accuracy at telling the two sets apart, on measures z-scored over both
 * together so that no measure dominates by its units. 0.5: indistinguishable; 1: separable.
 * Balanced (the mean of the two sets' own accuracies): eval writes two pieces per real one, and
 * with plain accuracy two sets from one distribution in that ratio score 0.55, not 0.5, since
 * most pieces' nearest neighbour is then of the larger set whatever they are.
 */
export function oneNearestNeighbourAccuracy(real: readonly Measures[], generated: readonly Measures[]): number {
  const pooled = [...real, ...generated];
  if (real.length === 0 || generated.length === 0) throw new Error('oneNearestNeighbourAccuracy needs pieces in both sets');
  const summary = summarizeMeasures(pooled);
  const points = pooled.map((measures) =>
    MEASURE_NAMES.map((name) => {
      const { mean, std } = summary[name];
      return std > 0 ? (measures[name] - mean) / std : 0;
    }),
  );
  const correct = [0, 0];
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as number[];
    let nearest = -1;
    let nearestDistance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < points.length; j++) {
      if (j === i) continue;
      const other = points[j] as number[];
      let distance = 0;
      for (let k = 0; k < point.length; k++) distance += ((point[k] as number) - (other[k] as number)) ** 2;
      // Strictly less: among equally near pieces the lowest index wins.
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = j;
      }
    }
    const isReal = i < real.length;
    if (nearest < real.length === isReal) correct[isReal ? 0 : 1]++;
  }
  return ((correct[0] as number) / real.length + (correct[1] as number) / generated.length) / 2;
}

/**
 * The same notes with each part's pitches permuted among its notes: rhythm, texture and each
 * part's pitch-class set survive, melodic and local tonal order do not. A baseline the measures
 * must tell from real music.
 */
export function shufflePitchesWithinParts(piece: MeasuredPiece, random: () => number): MeasuredPiece {
  const indicesByPart = new Map<string, number[]>();
  piece.notes.forEach((note, index) => {
    const indices = indicesByPart.get(note.part);
    if (indices) indices.push(index);
    else indicesByPart.set(note.part, [index]);
  });
  const pitches = piece.notes.map((note) => note.pitch);
  for (const indices of indicesByPart.values()) {
    const partPitches = indices.map((index) => pitches[index] as number);
    for (let i = partPitches.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = partPitches[i] as number;
      partPitches[i] = partPitches[j] as number;
      partPitches[j] = swap;
    }
    indices.forEach((index, k) => {
      pitches[index] = partPitches[k] as number;
    });
  }
  return { notes: piece.notes.map((note, index) => ({ ...note, pitch: pitches[index] as number })), beatsPerBar: piece.beatsPerBar };
}
