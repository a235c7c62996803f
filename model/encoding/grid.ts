import { INSTRUMENT_COUNT, instrumentIndex } from '../instruments.js';
import type { Score } from '../score.js';

/**
 * The musical grid: 24 steps per quarter-note beat hold 32nd notes (3 steps), 16th-note
 * triplets (2) and 8th-note triplets (4). On MusicNet 94.6% of onsets sit exactly on it; most of
 * the rest come from a handful of performance-timed files (e.g. Brahms op. 120, Mozart K. 581),
 * where rounding is the right reading anyway.
 */
export const STEPS_PER_BEAT = 24;
/** Longest note the encoding holds: four 4/4 bars. Longer notes are shortened (and counted). */
export const MAX_DURATION_STEPS = 16 * STEPS_PER_BEAT;
export const VELOCITY_BINS = 8;
const VELOCITY_BIN_WIDTH = 128 / VELOCITY_BINS;

/** A note on the grid: what the main encoding represents. */
export interface GridNote {
  /** Index into INSTRUMENTS. */
  instrument: number;
  /** The player of that instrument (0 when absent: the first). */
  part?: number;
  pitch: number;
  startStep: number;
  durationSteps: number;
  velocityBin: number;
}

/** What quantizing a score changed beyond moving notes onto the grid. */
export interface QuantizeLoss {
  /** Notes longer than MAX_DURATION_STEPS, shortened to it. */
  durationClamped: number;
  /** Notes that landed on the same part, pitch and step as another (the longer is kept). */
  merged: number;
}

export function velocityToBin(velocity: number): number {
  return Math.min(VELOCITY_BINS - 1, Math.floor(velocity / VELOCITY_BIN_WIDTH));
}

/** The velocity in the middle of a bin. */
export function binToVelocity(bin: number): number {
  return Math.min(127, Math.round((bin + 0.5) * VELOCITY_BIN_WIDTH));
}

export function ticksToSteps(ticks: number, ticksPerBeat: number): number {
  return Math.round((ticks * STEPS_PER_BEAT) / ticksPerBeat);
}

/** The canonical order of notes: by onset, then instrument, then part, then pitch. */
export function compareGridNotes(a: GridNote, b: GridNote): number {
  return a.startStep - b.startStep || a.instrument - b.instrument || (a.part ?? 0) - (b.part ?? 0) || a.pitch - b.pitch;
}

/** Puts a score's notes on the grid, in canonical order. */
export function scoreToGrid(score: Score): { notes: GridNote[]; loss: QuantizeLoss } {
  const loss: QuantizeLoss = { durationClamped: 0, merged: 0 };
  const quantized: GridNote[] = [];
  for (const note of score.notes) {
    const instrument = instrumentIndex(note.instrument);
    if (instrument === undefined || instrument >= INSTRUMENT_COUNT) continue;
    let durationSteps = Math.max(1, ticksToSteps(note.durationTicks, score.ticksPerBeat));
    if (durationSteps > MAX_DURATION_STEPS) {
      durationSteps = MAX_DURATION_STEPS;
      loss.durationClamped++;
    }
    quantized.push({
      instrument,
      part: note.part ?? 0,
      pitch: note.pitch,
      startStep: ticksToSteps(note.startTick, score.ticksPerBeat),
      durationSteps,
      velocityBin: velocityToBin(note.velocity),
    });
  }
  quantized.sort(compareGridNotes);
  const notes: GridNote[] = [];
  for (const note of quantized) {
    const previous = notes[notes.length - 1];
    if (previous && compareGridNotes(previous, note) === 0) {
      previous.durationSteps = Math.max(previous.durationSteps, note.durationSteps);
      loss.merged++;
    } else {
      notes.push(note);
    }
  }
  return { notes, loss };
}

/**
 * One MIDI channel cannot hold two sounding notes of the same pitch: a note-off would end
 * whichever a reader pairs it with. So a note still sounding when the same part strikes
 * the same pitch again is ended at that moment, which is also how it sounds on one channel.
 * Returns new notes in canonical order and how many were shortened.
 */
export function endNotesAtRestrike(notes: readonly GridNote[]): { notes: GridNote[]; shortened: number } {
  const sorted = notes.map((note) => ({ ...note })).sort(compareGridNotes);
  const sounding = new Map<number, GridNote>();
  let shortened = 0;
  for (const note of sorted) {
    const key = (note.instrument * 8 + (note.part ?? 0)) * 128 + note.pitch;
    const previous = sounding.get(key);
    if (previous && previous.startStep + previous.durationSteps > note.startStep) {
      previous.durationSteps = Math.max(1, note.startStep - previous.startStep);
      shortened++;
    }
    sounding.set(key, note);
  }
  return { notes: sorted, shortened };
}
