import type { SplitName } from '../ingest/jsb.js';
import type { IngestReport } from '../ingest/report.js';
import { INSTRUMENTS } from '../instruments.js';
import type { PieceInfo } from '../score.js';

export interface Tally {
  pieces: number;
  notes: number;
}

/** What round-tripping every score through the main encoding kept, and what it lost. */
export interface RoundTripFigures {
  /** Notes of our instruments read from the files (before quantizing). */
  notes: number;
  /** Of those, notes that come back from MIDI -> grid -> events -> grid identical on the grid. */
  exact: number;
  exactShare: number;
  lost: { durationClamped: number; merged: number };
  /** Shares of source onsets and durations that already sat exactly on the grid. */
  onsetsOnGrid: number;
  durationsOnGrid: number;
}

export interface ScoreDatasetSummary {
  kind: 'musicnet' | 'midi';
  pieces: number;
  listed: number;
  missing: { count: number; ids: string[] };
  notes: number;
  events: number;
  splits: Record<SplitName, Tally>;
  composers: Record<string, Tally>;
  ensembles: Record<string, Tally>;
  instruments: Record<string, Tally & { outsideRange: number }>;
  roundTrip: RoundTripFigures;
  report: Omit<IngestReport, 'missing'>;
}

export interface JsbSummary {
  kind: 'jsb';
  pieces: number;
  splits: Record<SplitName, { pieces: number; frames: number }>;
  frames: number;
  notes: number;
  pitchRange: [number, number];
}

export type DatasetSummary = ScoreDatasetSummary | JsbSummary;

export function addTally(tallies: Record<string, Tally>, key: string, notes: number): void {
  const tally = tallies[key] ?? { pieces: 0, notes: 0 };
  tally.pieces++;
  tally.notes += notes;
  tallies[key] = tally;
}

export function emptySplitTallies(): Record<SplitName, Tally> {
  return { train: { pieces: 0, notes: 0 }, valid: { pieces: 0, notes: 0 }, test: { pieces: 0, notes: 0 } };
}

/** Per-instrument tallies, with notes outside the instrument table's playable range. */
export function emptyInstrumentTallies(): Record<string, Tally & { outsideRange: number }> {
  return Object.fromEntries(INSTRUMENTS.map((spec) => [spec.name, { pieces: 0, notes: 0, outsideRange: 0 }]));
}

export function composerKey(piece: PieceInfo): string {
  return piece.composer ?? 'unknown';
}
