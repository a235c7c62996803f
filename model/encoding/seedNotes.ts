import type { Score } from '../score.js';

/**
 * The seed baseline's encoding, as the original Keras demo had it: each note is
 * (pitch, step, duration) with step and duration in seconds, the notes of all instruments
 * merged and sorted by start time; the model reads windows of SEED_WINDOW_NOTES notes.
 */
export const SEED_WINDOW_NOTES = 25;
export const SEED_WIDTH = 3;

/** (pitch, step seconds, duration seconds) row by row. */
export type SeedArray = Float32Array;

export interface TimedNote {
  pitch: number;
  startSeconds: number;
  durationSeconds: number;
}

export function timedNotesToSeed(notes: readonly TimedNote[]): SeedArray {
  const sorted = [...notes].sort((a, b) => a.startSeconds - b.startSeconds || a.pitch - b.pitch);
  const rows = new Float32Array(sorted.length * SEED_WIDTH);
  let previousStart = sorted[0]?.startSeconds ?? 0;
  sorted.forEach((note, index) => {
    rows[index * SEED_WIDTH] = note.pitch;
    rows[index * SEED_WIDTH + 1] = note.startSeconds - previousStart;
    rows[index * SEED_WIDTH + 2] = note.durationSeconds;
    previousStart = note.startSeconds;
  });
  return rows;
}

export function scoreToSeed(score: Score): SeedArray {
  return timedNotesToSeed(score.notes);
}

/** Decodes seed rows to notes, the first starting at `firstStartSeconds`. */
export function seedToTimedNotes(rows: SeedArray, firstStartSeconds = 0): TimedNote[] {
  const notes: TimedNote[] = [];
  let start = firstStartSeconds;
  for (let row = 0; row < rows.length; row += SEED_WIDTH) {
    start += rows[row + 1] ?? 0;
    notes.push({ pitch: rows[row] ?? 0, startSeconds: start, durationSeconds: rows[row + 2] ?? 0 });
  }
  return notes;
}

/** Number of training windows (SEED_WINDOW_NOTES inputs and the note after them) in a sequence. */
export function seedWindowCount(rows: SeedArray): number {
  return Math.max(0, rows.length / SEED_WIDTH - SEED_WINDOW_NOTES);
}
