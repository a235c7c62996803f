import type { ComposedNote, PieceHeader } from '../compose/note.js';
import { STEPS_PER_BEAT } from '../encoding/grid.js';
import { EVENT_WIDTH, eventsToGrid } from '../encoding/noteEvents.js';
import { INSTRUMENTS } from '../instruments.js';
import { seededRandom } from '../lstm/params.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import {
  cutToBeats,
  DEFAULT_CUT_BEATS,
  type MeasuredPiece,
  type Measures,
  measurePiece,
  oneNearestNeighbourAccuracy,
  shufflePitchesWithinParts,
  summarizeMeasures,
} from './musicality.js';
import type { TimedNote } from './musicStats.js';

/** Quarter-note beats in a bar of this time signature. */
export function beatsPerBar([numerator, denominator]: [number, number]): number {
  return (numerator * 4) / denominator;
}

/** A real piece's first `beats` beats, each part (violin 1, violin 2, ...) apart. */
export function preparedPieceMeasured(piece: PreparedPiece, events: Uint16Array, beats = DEFAULT_CUT_BEATS): MeasuredPiece {
  const grid = eventsToGrid(events.subarray(piece.eventOffset * EVENT_WIDTH, (piece.eventOffset + piece.eventCount) * EVENT_WIDTH));
  const notes = grid
    .filter((note) => note.startStep < beats * STEPS_PER_BEAT)
    .map((note) => ({
      part: `${INSTRUMENTS[note.instrument]?.name ?? note.instrument} ${note.part ?? 0}`,
      pitch: note.pitch,
      onsetBeats: note.startStep / STEPS_PER_BEAT,
      durationBeats: note.durationSteps / STEPS_PER_BEAT,
    }));
  return { notes, beatsPerBar: beatsPerBar(piece.timeSignature) };
}

/** A composed piece in beats, by part. */
export function composedMeasured(header: PieceHeader, notes: readonly ComposedNote[]): MeasuredPiece {
  const beatsPerSecond = header.tempo / 60;
  return cutToBeats({
    notes: notes.map((note) => ({
      part: note.part ?? note.instrument,
      pitch: note.pitch,
      onsetBeats: note.startSeconds * beatsPerSecond,
      durationBeats: note.durationSeconds * beatsPerSecond,
    })),
    beatsPerBar: beatsPerBar(header.timeSignature),
  });
}

/** The seed baseline's notes (one merged stream, times in seconds) in beats at the real piece's tempo. */
export function seedMeasured(notes: readonly TimedNote[], like: PreparedPiece): MeasuredPiece {
  const beatsPerSecond = like.bpm / 60;
  return cutToBeats({
    notes: notes.map((note) => ({
      part: 'all',
      pitch: note.pitch,
      onsetBeats: note.start * beatsPerSecond,
      durationBeats: note.duration * beatsPerSecond,
    })),
    beatsPerBar: beatsPerBar(like.timeSignature),
  });
}

export interface MusicalitySets {
  real: readonly MeasuredPiece[];
  /** Generated sets by name (partita, seed, ...). */
  generated: Readonly<Record<string, readonly MeasuredPiece[]>>;
}

/**
 * The musicality report: each set's measures (mean and spread) beside the real pieces' and a
 * pitch-shuffled copy of them (what "random notes, right rhythm" scores), and the leave-one-out
 * 1-nearest-neighbour accuracy telling each set from the real one (0.5: indistinguishable).
 */
export function musicalityReport(sets: MusicalitySets) {
  const random = seededRandom(64);
  const shuffled = sets.real.map((piece) => shufflePitchesWithinParts(piece, random));
  const real = sets.real.map(measurePiece);
  const measured: Record<string, Measures[]> = { shuffled: shuffled.map(measurePiece) };
  for (const [name, pieces] of Object.entries(sets.generated)) measured[name] = pieces.map(measurePiece);
  return {
    beats: DEFAULT_CUT_BEATS,
    pieces: Object.fromEntries([['real', real.length], ...Object.entries(measured).map(([name, values]) => [name, values.length])]),
    real: summarizeMeasures(real),
    ...Object.fromEntries(Object.entries(measured).map(([name, values]) => [name, summarizeMeasures(values)])),
    one_nn_accuracy: Object.fromEntries(
      Object.entries(measured).map(([name, values]) => [name, oneNearestNeighbourAccuracy(real, values)]),
    ),
  };
}
