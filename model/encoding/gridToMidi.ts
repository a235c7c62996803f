import tonejsMidi from '@tonejs/midi';
import { INSTRUMENTS } from '../instruments.js';
import { binToVelocity, endNotesAtRestrike, type GridNote, STEPS_PER_BEAT } from './grid.js';

const { Midi } = tonejsMidi;

/** 480 ticks per beat: divisible by STEPS_PER_BEAT, and the most common PPQ in the wild. */
export const OUTPUT_TICKS_PER_BEAT = 480;
const TICKS_PER_STEP = OUTPUT_TICKS_PER_BEAT / STEPS_PER_BEAT;
const PERCUSSION_CHANNEL = 9;

export interface MidiWriteOptions {
  bpm: number;
  timeSignature?: [number, number];
  title?: string;
  /** Parts that get a track even if silent, with their names; by default only those that play, named by instrument. */
  parts?: readonly TrackPart[];
}

/** A track's part: instrument index, player slot and the track's name. */
export interface TrackPart {
  instrument: number;
  slot: number;
  name: string;
}

function partKey(instrument: number, slot: number): number {
  return instrument * 16 + slot;
}

/**
 * Writes grid notes as a Standard MIDI File: one named track (and channel) per part, with its
 * instrument's GM program, so violin 1 and violin 2 stay apart for any reader. Same-pitch notes
 * of one part that overlap are ended at the re-strike (endNotesAtRestrike).
 */
export function gridToMidi(gridNotes: readonly GridNote[], options: MidiWriteOptions): Uint8Array {
  const { notes } = endNotesAtRestrike(gridNotes);
  const midi = new Midi();
  midi.header.setTempo(options.bpm);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: options.timeSignature ?? [4, 4] });
  if (options.title) midi.header.name = options.title;
  midi.header.update();
  const tracks = new Map<number, TrackPart>();
  for (const part of options.parts ?? []) tracks.set(partKey(part.instrument, part.slot), part);
  for (const note of notes) {
    const key = partKey(note.instrument, note.part ?? 0);
    if (!tracks.has(key))
      tracks.set(key, { instrument: note.instrument, slot: note.part ?? 0, name: INSTRUMENTS[note.instrument]?.name ?? '' });
  }
  [...tracks.entries()]
    .sort(([a], [b]) => a - b)
    .forEach(([key, part], trackIndex) => {
      const spec = INSTRUMENTS[part.instrument];
      if (!spec) throw new RangeError(`instrument index ${part.instrument} is not one of partita's instruments`);
      const track = midi.addTrack();
      track.name = part.name;
      track.channel = trackIndex >= PERCUSSION_CHANNEL ? trackIndex + 1 : trackIndex;
      track.instrument.number = spec.program;
      for (const note of notes) {
        if (partKey(note.instrument, note.part ?? 0) !== key) continue;
        track.addNote({
          midi: note.pitch,
          ticks: note.startStep * TICKS_PER_STEP,
          durationTicks: note.durationSteps * TICKS_PER_STEP,
          velocity: binToVelocity(note.velocityBin) / 127,
        });
      }
    });
  return midi.toArray();
}
