import type { InstrumentName } from './instruments.js';

/** One note as read from a score, in the file's own ticks and in seconds. */
export interface ScoreNote {
  instrument: InstrumentName;
  /** The player of that instrument: 0 = first (the higher), 1 = second (see PARTS_PER_INSTRUMENT). */
  part?: number;
  pitch: number;
  startTick: number;
  durationTicks: number;
  /** 1-127 */
  velocity: number;
  startSeconds: number;
  durationSeconds: number;
}

export interface TimeSignature {
  tick: number;
  numerator: number;
  denominator: number;
}

export interface Tempo {
  tick: number;
  bpm: number;
}

/** Everything known about a piece, independent of where it came from. */
export interface PieceInfo {
  id: string;
  title: string;
  /** Lower-case composer name, or undefined when the source does not say. */
  composer?: string;
  ensemble?: string;
  composition?: string;
  movement?: string;
  catalogName?: string;
  /** Path of the source file relative to the data set root. */
  source: string;
}

export interface Score extends PieceInfo {
  ticksPerBeat: number;
  timeSignatures: TimeSignature[];
  tempos: Tempo[];
  /** Sorted by start tick, then instrument, then pitch. */
  notes: ScoreNote[];
}
