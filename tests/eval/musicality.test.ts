import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tonejsMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import {
  cutToBeats,
  MEASURE_NAMES,
  type MeasuredNote,
  type MeasuredPiece,
  type Measures,
  measurePiece,
  oneNearestNeighbourAccuracy,
  shufflePitchesWithinParts,
  summarizeMeasures,
} from '../../model/eval/musicality.js';
import { seededRandom } from '../../model/lstm/params.js';
import { MUSICNET, MUSICNET_MIDIS } from '../helpers/paths.js';

const { Midi } = tonejsMidi;

/** Local, so these tests do not move when the model's own random helpers change. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One part, one note per beat unless onsets are given. */
function line(pitches: number[], onsets?: number[], beatsPerBar = 4, part = 'a'): MeasuredPiece {
  return {
    notes: pitches.map((pitch, i) => ({ part, pitch, onsetBeats: onsets ? (onsets[i] as number) : i, durationBeats: 1 })),
    beatsPerBar,
  };
}

function note(part: string, pitch: number, onsetBeats: number, durationBeats = 1): MeasuredNote {
  return { part, pitch, onsetBeats, durationBeats };
}

const C_MAJOR_UP = [60, 62, 64, 65, 67, 69, 71, 72];

describe('measurePiece on hand-made pieces', () => {
  it('a C major scale up: all steps, no leaps, one key, one note per onset', () => {
    const measures = measurePiece(line(C_MAJOR_UP));
    expect(measures.steps).toBe(1);
    expect(measures.leaps).toBe(0);
    expect(measures.scaleConsistency).toBe(1);
    expect(measures.localKeyClarity).toBe(1);
    // C twice, six other pitch classes once: 2/8 * 2 bits + 6 * 1/8 * 3 bits.
    expect(measures.pitchClassEntropy).toBeCloseTo(2.75, 12);
    expect(measures.onBeat).toBe(1);
    expect(measures.polyphony).toBe(1);
    expect(measures.grooveConsistency).toBe(1);
    // Five 4-note patterns; G-A-B-C repeats C-D-E-F's intervals (2, 2, 1) and rhythm.
    expect(measures.repetition).toBeCloseTo(1 / 5, 12);
  });

  it('the chromatic scale spreads pitch classes evenly and fits no key well', () => {
    const measures = measurePiece(line(Array.from({ length: 12 }, (_, i) => 60 + i)));
    expect(measures.pitchClassEntropy).toBeCloseTo(Math.log2(12), 12);
    expect(measures.scaleConsistency).toBeCloseTo(7 / 12, 12);
    expect(measures.steps).toBe(1);
  });

  it('counts moves of more than an octave as leaps and a repeated note as a step', () => {
    const measures = measurePiece(line([60, 84, 60, 60, 72]));
    // Moves: 24, 24, 0, 12.
    expect(measures.leaps).toBe(2 / 4);
    expect(measures.steps).toBe(1 / 4);
    expect(measures.repeats).toBe(1 / 4);
    expect(measures.longestRun).toBe(1);
  });

  it('repeats is the share of moves to the same pitch, longestRun the most of them in a row', () => {
    // Moves: 0, 0, 0, 2, 0, 1, 0, 0: six repeats of eight moves, in runs of 3, 1 and 2.
    const measures = measurePiece(line([60, 60, 60, 60, 62, 62, 63, 63, 63]));
    expect(measures.repeats).toBe(6 / 8);
    expect(measures.longestRun).toBe(3);
    // A repeat is still a step, as DESIGN.md defines steps.
    expect(measures.steps).toBe(1);
    const scale = measurePiece(line(C_MAJOR_UP));
    expect(scale.repeats).toBe(0);
    expect(scale.longestRun).toBe(0);
    expect(measurePiece(line([60])).longestRun).toBe(0);
  });

  it('repeats follow the top line of each part, and a run never carries from one part to the next', () => {
    const piece: MeasuredPiece = {
      // Part a's top line is 67, 67, 67 over a moving inner voice; part b plays 48 twice.
      notes: [
        note('a', 67, 0),
        note('a', 60, 0),
        note('a', 67, 1),
        note('a', 62, 1),
        note('a', 67, 2),
        note('a', 64, 2),
        note('b', 48, 0),
        note('b', 48, 1),
      ],
      beatsPerBar: 4,
    };
    const measures = measurePiece(piece);
    expect(measures.repeats).toBe(3 / 3);
    expect(measures.longestRun).toBe(2);
    // The inner voice alone would have repeated nothing; a's 67 then b's 48 is no move at all.
    expect(measurePiece({ notes: piece.notes.filter((played) => played.pitch < 67), beatsPerBar: 4 }).repeats).toBe(1 / 3);
  });

  it('a repeated motif repeats, the same pitches in a new rhythm do not', () => {
    const motif = [60, 62, 64, 60];
    const thrice = [...motif, ...motif, ...motif];
    // Nine patterns; the first four are new, every later one restates one of them.
    expect(measurePiece(line(thrice)).repetition).toBeCloseTo(5 / 9, 12);
    const lengths = [1, 0.5, 0.5, 2, 1, 1, 1, 1, 0.5, 1.5, 0.25, 0.75];
    const onsets = lengths.map((_, i) => lengths.slice(0, i).reduce((sum, length) => sum + length, 0));
    expect(measurePiece(line(thrice, onsets)).repetition).toBe(0);
    expect(measurePiece(line([60, 67, 61, 70, 59, 64, 72, 65])).repetition).toBe(0);
  });

  it('onBeat counts onsets on eighth positions within the bar', () => {
    expect(measurePiece(line([60, 60, 60, 60, 60], [0, 0.5, 0.25, 1 / 3, 3.5])).onBeat).toBe(3 / 5);
    // 3/4: 3.5 is half a beat into bar two; 1e-7 off is float noise, 1e-3 is not.
    expect(measurePiece(line([60, 60, 60, 60], [3.5, 2.75, 5 + 1e-7, 1.001], 3)).onBeat).toBe(2 / 4);
  });

  it('grooveConsistency compares onset positions of consecutive bars on a 1/12-beat grid', () => {
    expect(measurePiece(line([60, 60, 60, 60, 60, 60], [0, 1, 2, 3, 4, 6])).grooveConsistency).toBeCloseTo(1 - 2 / 48, 12);
    // Rounding to the grid: 5.001 is position 12 of bar two, like 1 in bar one.
    expect(measurePiece(line([60, 60, 60, 60], [0, 1, 4, 5.001])).grooveConsistency).toBe(1);
    // An empty bar in between differs from both neighbours.
    expect(measurePiece(line([60, 60], [0, 8])).grooveConsistency).toBeCloseTo(1 - 2 / 96, 12);
    // 6/8 is three quarter-note beats, 36 positions: a dotted-quarter pulse holds, a quarter pulse shifts.
    expect(measurePiece(line([60, 60, 60, 60], [0, 1.5, 3, 4.5], 3)).grooveConsistency).toBe(1);
    expect(measurePiece(line([60, 60, 60, 60], [0, 1.5, 3, 4], 3)).grooveConsistency).toBeCloseTo(1 - 2 / 36, 12);
    expect(measurePiece(line([60, 62], [0, 1])).grooveConsistency).toBe(1);
  });

  it('polyphony is notes per distinct onset across all parts', () => {
    const piece: MeasuredPiece = {
      notes: [note('a', 60, 0), note('a', 64, 0), note('b', 48, 0), note('b', 50, 1), note('a', 67, 2), note('b', 43, 2)],
      beatsPerBar: 4,
    };
    expect(measurePiece(piece).polyphony).toBe(2);
  });

  it('follows each part by its highest note and pools the moves of all parts', () => {
    const chords: MeasuredPiece = {
      notes: [note('a', 60, 0), note('a', 64, 0), note('a', 67, 0), note('a', 50, 1), note('a', 53, 1), note('a', 69, 1)],
      beatsPerBar: 4,
    };
    expect(measurePiece(chords).steps).toBe(1);
    // Read as one line across parts the notes would jump between registers at every beat.
    const twoParts: MeasuredPiece = {
      notes: [note('a', 72, 0), note('b', 36, 0), note('a', 74, 1), note('b', 38, 1), note('a', 76, 2), note('b', 60, 2)],
      beatsPerBar: 4,
    };
    const measures = measurePiece(twoParts);
    expect(measures.steps).toBe(3 / 4);
    expect(measures.leaps).toBe(1 / 4);
  });

  it('localKeyClarity sees two clear keys where the whole piece sees a muddle', () => {
    const fSharpMajorUp = [66, 68, 70, 71, 73, 75, 77, 78];
    const piece = line([...C_MAJOR_UP, ...fSharpMajorUp, 61], [...C_MAJOR_UP.map((_, i) => i), ...fSharpMajorUp.map((_, i) => 8 + i), 17]);
    const measures = measurePiece(piece);
    expect(measures.localKeyClarity).toBe(1);
    // Best is F# major: its own eight notes, C major's B, and the stray C#.
    expect(measures.scaleConsistency).toBeCloseTo(11 / 17, 12);
    // Too few notes for any window: falls back to the whole piece.
    expect(measurePiece(line([60, 61, 62])).localKeyClarity).toBeCloseTo(2 / 3, 12);
  });

  it('an empty piece measures 0 or 1, never NaN', () => {
    const measures = measurePiece({ notes: [], beatsPerBar: 4 });
    for (const name of MEASURE_NAMES) expect(Number.isFinite(measures[name])).toBe(true);
  });

  it('cutToBeats keeps notes that start before the cut', () => {
    const cut = cutToBeats(line([60, 62, 64, 65], [0, 63.5, 64, 70]));
    expect(cut.notes.map((kept) => kept.onsetBeats)).toEqual([0, 63.5]);
    expect(cutToBeats(line([60, 62, 64], [0, 3, 4]), 4).notes).toHaveLength(2);
  });
});

function measuresWith(values: Partial<Measures>): Measures {
  const measures = Object.fromEntries(MEASURE_NAMES.map((name) => [name, 0])) as Measures;
  return { ...measures, ...values };
}

describe('summarizeMeasures and oneNearestNeighbourAccuracy', () => {
  it('summarizes with mean, population standard deviation and median', () => {
    const summary = summarizeMeasures([measuresWith({ steps: 0.2, polyphony: 1 }), measuresWith({ steps: 0.6, polyphony: 3 })]);
    expect(summary.steps.mean).toBeCloseTo(0.4, 12);
    expect(summary.steps.std).toBeCloseTo(0.2, 12);
    expect(summary.polyphony).toEqual({ mean: 2, std: 1, median: 2 });
    expect(summary.leaps).toEqual({ mean: 0, std: 0, median: 0 });
    // One long run carries the mean, not the median.
    const runs = summarizeMeasures([1, 40, 2].map((longestRun) => measuresWith({ longestRun })));
    expect(runs.longestRun.median).toBe(2);
    expect(runs.longestRun.mean).toBeCloseTo(43 / 3, 12);
    expect(summarizeMeasures([]).repeats.median).toBeNaN();
  });

  it('separates two clusters and z-scores so one large measure cannot drown the rest', () => {
    const real = [0.9, 0.85, 0.95].map((steps, i) => measuresWith({ steps, polyphony: 100 + i * 50 }));
    const generated = [0.3, 0.35, 0.25].map((steps, i) => measuresWith({ steps, polyphony: 125 + i * 50 }));
    expect(oneNearestNeighbourAccuracy(real, generated)).toBe(1);
  });

  it('cannot tell copies apart and breaks ties by lowest index', () => {
    const a = measuresWith({ steps: 0.5 });
    const b = measuresWith({ steps: 0.9, leaps: 0.1 });
    expect(oneNearestNeighbourAccuracy([a, b], [a, b])).toBe(0);
    // All equal: pieces 1 and 2 pick piece 0, piece 0 picks piece 1: both real pieces right, the generated one wrong.
    expect(oneNearestNeighbourAccuracy([a, a], [a])).toBeCloseTo(0.5, 12);
    expect(oneNearestNeighbourAccuracy([a], [a, a])).toBe(0);
  });

  it('reads about 0.5 for two sets from one distribution, also when one set is twice the other', () => {
    const random = seededRandom(5);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const draw = (count: number) =>
      Array.from({ length: count }, () => measuresWith({ steps: gaussian(), leaps: gaussian(), polyphony: gaussian() }));
    const accuracies = Array.from({ length: 20 }, () => oneNearestNeighbourAccuracy(draw(30), draw(60)));
    const mean = accuracies.reduce((sum, value) => sum + value, 0) / accuracies.length;
    // Plain accuracy would centre on (30 * 29 + 60 * 59) / (90 * 89) = 0.55 here.
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.53);
  });
});

describe('shufflePitchesWithinParts', () => {
  it('permutes pitches inside each part and keeps every onset and length', () => {
    const piece: MeasuredPiece = {
      notes: Array.from({ length: 40 }, (_, i) =>
        note(i % 2 === 0 ? 'high' : 'low', (i % 2 === 0 ? 70 : 40) + (i % 7), i / 2, 0.5 + (i % 3)),
      ),
      beatsPerBar: 3,
    };
    const shuffled = shufflePitchesWithinParts(piece, mulberry32(7));
    expect(shuffled.beatsPerBar).toBe(3);
    expect(shuffled.notes.map(({ part, onsetBeats, durationBeats }) => ({ part, onsetBeats, durationBeats }))).toEqual(
      piece.notes.map(({ part, onsetBeats, durationBeats }) => ({ part, onsetBeats, durationBeats })),
    );
    for (const part of ['high', 'low']) {
      const pitches = (p: MeasuredPiece) =>
        p.notes
          .filter((n) => n.part === part)
          .map((n) => n.pitch)
          .sort((x, y) => x - y);
      expect(pitches(shuffled)).toEqual(pitches(piece));
    }
    expect(shuffled.notes.map((n) => n.pitch)).not.toEqual(piece.notes.map((n) => n.pitch));
    expect(shufflePitchesWithinParts(piece, mulberry32(7))).toEqual(shuffled);
    expect(piece.notes[0]?.pitch).toBe(70);
  });
});

/** Every note struck twice: two notes of half its length, the second where the first ends. */
function struckTwice(piece: MeasuredPiece): MeasuredPiece {
  return {
    notes: piece.notes.flatMap((played) => {
      const half = played.durationBeats / 2;
      return [
        { ...played, durationBeats: half },
        { ...played, onsetBeats: played.onsetBeats + half, durationBeats: half },
      ];
    }),
    beatsPerBar: piece.beatsPerBar,
  };
}

/** The MusicNet id of each file, for looking up its ensemble in the metadata. */
function ensembleIds(ensemble: string): string[] {
  const rows = readFileSync(join(MUSICNET, 'musicnet_metadata.csv'), 'utf8').trim().split('\n').slice(1);
  return rows.filter((row) => row.includes(`,"${ensemble}",`)).map((row) => row.slice(0, row.indexOf(',')));
}

function readPiece(path: string): MeasuredPiece | undefined {
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(new Uint8Array(readFileSync(path)));
  } catch {
    // Some MusicNet Bach files are broken on purpose; the repair step has its own tests.
    return undefined;
  }
  const ppq = midi.header.ppq;
  const signature = midi.header.timeSignatures[0]?.timeSignature ?? [4, 4];
  const beatsPerBar = ((signature[0] as number) * 4) / (signature[1] as number);
  const notes: MeasuredNote[] = [];
  midi.tracks.forEach((track, i) => {
    for (const played of track.notes) {
      notes.push({ part: `track${i}`, pitch: played.midi, onsetBeats: played.ticks / ppq, durationBeats: played.durationTicks / ppq });
    }
  });
  return notes.length > 0 ? { notes, beatsPerBar } : undefined;
}

/**
 * The first four readable files of each of three ensembles: fixed but not hand-picked, and
 * enough that the 1-NN test has six pieces a side.
 */
function realPieces(): MeasuredPiece[] {
  const files = readdirSync(MUSICNET_MIDIS).flatMap((composer) =>
    readdirSync(join(MUSICNET_MIDIS, composer)).map((file) => join(MUSICNET_MIDIS, composer, file)),
  );
  const pieces: MeasuredPiece[] = [];
  for (const ensemble of ['String Quartet', 'Solo Piano', 'Solo Violin']) {
    let taken = 0;
    for (const id of ensembleIds(ensemble)) {
      if (taken === 4) break;
      const path = files.find((file) => file.split('/').at(-1)?.startsWith(`${id}_`));
      const piece = path ? readPiece(path) : undefined;
      if (!piece) continue;
      pieces.push(piece);
      taken++;
    }
  }
  return pieces;
}

describe('musicality of real MusicNet pieces against their pitch-shuffled copies', () => {
  const pieces = realPieces().map((piece) => cutToBeats(piece, 64));
  const random = mulberry32(2024);
  const real = pieces.map(measurePiece);
  const shuffled = pieces.map((piece) => measurePiece(shufflePitchesWithinParts(piece, random)));

  it('reads twelve pieces', () => {
    expect(pieces).toHaveLength(12);
  });

  it('real melodies move by step, shuffled ones leap, and real ones repeat themselves', () => {
    const realSummary = summarizeMeasures(real);
    const shuffledSummary = summarizeMeasures(shuffled);
    expect(realSummary.steps.mean).toBeGreaterThan(shuffledSummary.steps.mean + 0.15);
    expect(realSummary.leaps.mean).toBeLessThan(shuffledSummary.leaps.mean);
    expect(realSummary.localKeyClarity.mean).toBeGreaterThanOrEqual(shuffledSummary.localKeyClarity.mean - 0.01);
    expect(realSummary.repetition.mean).toBeGreaterThan(shuffledSummary.repetition.mean);
    // Shuffling keeps rhythm, texture and, within a part, the pitch-class counts.
    for (const name of ['grooveConsistency', 'onBeat', 'polyphony', 'pitchClassEntropy', 'scaleConsistency'] as const) {
      expect(shuffledSummary[name].mean).toBeCloseTo(realSummary[name].mean, 12);
    }
  });

  it('real top lines repeat a pitch now and then, far less often than the same pieces struck twice', () => {
    const stuttered = pieces.map((piece) => measurePiece(struckTwice(piece)));
    for (const measures of real) {
      expect(measures.repeats).toBeGreaterThan(0.03);
      expect(measures.repeats).toBeLessThan(0.4);
    }
    const realSummary = summarizeMeasures(real);
    const stutteredSummary = summarizeMeasures(stuttered);
    expect(realSummary.repeats.mean).toBeGreaterThan(0.1);
    expect(realSummary.repeats.mean).toBeLessThan(0.3);
    // Each note struck twice: at least every other move repeats, in every piece.
    expect(Math.min(...stuttered.map((measures) => measures.repeats))).toBeGreaterThan(0.5);
    expect(Math.min(...stuttered.map((measures) => measures.repeats))).toBeGreaterThan(
      Math.max(...real.map((measures) => measures.repeats)) + 0.15,
    );
    expect(stutteredSummary.longestRun.median).toBeGreaterThan(realSummary.longestRun.median * 1.5);
    // What repeats is for: steps counts the repeats as steps and calls the stutter smoother.
    expect(stutteredSummary.steps.mean).toBeGreaterThan(realSummary.steps.mean);
    // Real lines repeat more than chance (the shuffle); the target is theirs, not zero.
    expect(realSummary.repeats.mean).toBeGreaterThan(summarizeMeasures(shuffled).repeats.mean + 0.05);
  });

  it('a 1-NN classifier tells real pieces from shuffled other pieces, but not real from real', () => {
    // Disjoint pieces on the two sides: a shuffled copy of the same piece matches its original on
    // every measure shuffling keeps, so pairing them would test that, not the measures.
    const even = <T>(_: T, i: number) => i % 2 === 0;
    const odd = <T>(_: T, i: number) => i % 2 === 1;
    const realVersusShuffled = oneNearestNeighbourAccuracy(real.filter(even), shuffled.filter(odd));
    const realVersusReal = oneNearestNeighbourAccuracy(real.filter(even), real.filter(odd));
    expect(realVersusShuffled).toBeGreaterThanOrEqual(0.75);
    expect(realVersusReal).toBeLessThan(realVersusShuffled);
  });
});
