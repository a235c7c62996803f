/** Notes from and to Standard MIDI Files, for the synthesis benchmark (the same music for both synths). */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import tonejsMidi from '@tonejs/midi';
import type { ComposedNote } from '../model/compose/note.js';
import { readMidi } from '../model/ingest/readMidi.js';
import { INSTRUMENTS } from '../model/instruments.js';

const { Midi } = tonejsMidi;
const PERCUSSION_CHANNEL = 9;

/** The notes of a MIDI file that start before `seconds`, cut off at `seconds`, in start order. */
export async function readMidiNotes(path: string, seconds = Number.POSITIVE_INFINITY): Promise<ComposedNote[]> {
  const { score } = readMidi(new Uint8Array(await readFile(path)), { id: basename(path), title: basename(path), source: path });
  return score.notes
    .filter((note) => note.startSeconds < seconds)
    .map((note) => ({
      instrument: note.instrument,
      pitch: note.pitch,
      velocity: note.velocity,
      startSeconds: note.startSeconds,
      durationSeconds: Math.min(note.durationSeconds, seconds - note.startSeconds),
    }))
    .sort((a, b) => a.startSeconds - b.startSeconds);
}

/** A MIDI file playing the notes with our channel layout: one track and channel per instrument, General MIDI programs. */
export function notesToMidi(notes: readonly ComposedNote[]): Uint8Array {
  const midi = new Midi();
  const tracks = new Map<string, ReturnType<typeof midi.addTrack>>();
  for (const note of notes) {
    let track = tracks.get(note.instrument);
    if (!track) {
      track = midi.addTrack();
      track.channel = tracks.size >= PERCUSSION_CHANNEL ? tracks.size + 1 : tracks.size;
      track.instrument.number = INSTRUMENTS.find((spec) => spec.name === note.instrument)?.program ?? 0;
      tracks.set(note.instrument, track);
    }
    track.addNote({ midi: note.pitch, time: note.startSeconds, duration: note.durationSeconds, velocity: note.velocity / 127 });
  }
  return midi.toArray();
}
