import { PART_COUNT, partIndex, partOfIndex } from '../instruments.js';
import { compareGridNotes, type GridNote, STEPS_PER_BEAT } from './grid.js';

/**
 * partita's main encoding: one event per note, a compound of five categorical fields
 *
 *     shift      steps since the previous event's onset (0 = a chord), 0..MAX_SHIFT_STEPS
 *     part       instrument * PARTS_PER_INSTRUMENT + player slot (violin 1, violin 2, ...), or
 *                REST_INSTRUMENT for a time-only event
 *     pitch      MIDI pitch 0..127
 *     duration   steps, 1..MAX_DURATION_STEPS
 *     velocity   bin 0..VELOCITY_BINS-1
 *
 * One LSTM step per note keeps sequences short (fast training and streaming), and factoring the
 * note as p(shift) p(instrument | shift) p(pitch | ...) p(duration | ...) gives an exact
 * likelihood. A gap longer than MAX_SHIFT_STEPS is bridged by rest events so every onset is
 * exact. See model/README.md for why this design.
 */

export const MAX_SHIFT_STEPS = 8 * STEPS_PER_BEAT;
/** The part field's value for a rest event (the field keeps its old name: it is the voice). */
export const REST_INSTRUMENT = PART_COUNT;

export const FIELD_SHIFT = 0;
export const FIELD_INSTRUMENT = 1;
export const FIELD_PITCH = 2;
export const FIELD_DURATION = 3;
export const FIELD_VELOCITY = 4;
/** Numbers per event in an EventArray. */
export const EVENT_WIDTH = 5;

/** Events stored row by row, EVENT_WIDTH numbers each. */
export type EventArray = Uint16Array;

export function eventCount(events: EventArray): number {
  return events.length / EVENT_WIDTH;
}

/** Encodes grid notes (in any order) as events. */
export function gridToEvents(notes: readonly GridNote[]): EventArray {
  const sorted = [...notes].sort(compareGridNotes);
  const rows: number[] = [];
  let time = 0;
  for (const note of sorted) {
    let gap = note.startStep - time;
    while (gap > MAX_SHIFT_STEPS) {
      rows.push(MAX_SHIFT_STEPS, REST_INSTRUMENT, 0, 0, 0);
      gap -= MAX_SHIFT_STEPS;
    }
    rows.push(gap, partIndex(note.instrument, note.part ?? 0), note.pitch, note.durationSteps, note.velocityBin);
    time = note.startStep;
  }
  return Uint16Array.from(rows);
}

/** Decodes events back to grid notes. */
export function eventsToGrid(events: EventArray): GridNote[] {
  const notes: GridNote[] = [];
  let time = 0;
  for (let row = 0; row < events.length; row += EVENT_WIDTH) {
    time += events[row + FIELD_SHIFT] ?? 0;
    const part = events[row + FIELD_INSTRUMENT] ?? REST_INSTRUMENT;
    if (part === REST_INSTRUMENT) continue;
    const { instrument, slot } = partOfIndex(part);
    notes.push({
      instrument,
      part: slot,
      pitch: events[row + FIELD_PITCH] ?? 0,
      startStep: time,
      durationSteps: events[row + FIELD_DURATION] ?? 1,
      velocityBin: events[row + FIELD_VELOCITY] ?? 0,
    });
  }
  return notes;
}
