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
  /** Instruments (indices) that get a track even if silent; by default only those that play. */
  instruments?: readonly number[];
}

/**
 * Writes grid notes as a Standard MIDI File: one named track per instrument, with its GM program.
 * Same-pitch notes of one instrument that overlap are ended at the re-strike (endNotesAtRestrike).
 */
export function gridToMidi(gridNotes: readonly GridNote[], options: MidiWriteOptions): Uint8Array {
  const { notes } = endNotesAtRestrike(gridNotes);
  const midi = new Midi();
  midi.header.setTempo(options.bpm);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: options.timeSignature ?? [4, 4] });
  if (options.title) midi.header.name = options.title;
  midi.header.update();
  const used = [...new Set([...(options.instruments ?? []), ...notes.map((note) => note.instrument)])].sort((a, b) => a - b);
  used.forEach((instrument, trackIndex) => {
    const spec = INSTRUMENTS[instrument];
    if (!spec) throw new RangeError(`instrument index ${instrument} is not one of partita's instruments`);
    const track = midi.addTrack();
    track.name = spec.name;
    track.channel = trackIndex >= PERCUSSION_CHANNEL ? trackIndex + 1 : trackIndex;
    track.instrument.number = spec.program;
    for (const note of notes) {
      if (note.instrument !== instrument) continue;
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
