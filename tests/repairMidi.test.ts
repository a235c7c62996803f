import { readFileSync } from 'node:fs';
import tonejsMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { MidiFormatError, repairTrackLengths } from '../model/ingest/repairMidi.js';
import { readMidiIndependently } from './helpers/independentMidi.js';
import { BROKEN_BACH, MUSICNET_MIDIS } from './helpers/paths.js';

const { Midi } = tonejsMidi;

describe('repairTrackLengths on the seven broken MusicNet Bach files', () => {
  it.each(BROKEN_BACH)('%s: a strict parser rejects it, the repaired bytes parse and agree with a second reader', (path) => {
    const original = new Uint8Array(readFileSync(path));
    expect(() => new Midi(original)).toThrow();
    const { bytes, fixes } = repairTrackLengths(original);
    expect(fixes).toHaveLength(1);
    expect(bytes.length).toBe(original.length);
    const ours = new Midi(bytes);
    const independent = readMidiIndependently(bytes);
    const ourNotes = ours.tracks.flatMap((track) => track.notes);
    expect(ourNotes.length).toBeGreaterThan(400);
    expect(ourNotes.length).toBe(independent.notes.length);
    const ourOnsets = ourNotes.map((note) => `${note.ticks}:${note.midi}`).sort();
    const theirOnsets = independent.notes.map((note) => `${note.startTick}:${note.pitch}`).sort();
    expect(ourOnsets).toEqual(theirOnsets);
  });
});

describe('repairTrackLengths on healthy and hopeless input', () => {
  it('returns a healthy file untouched', () => {
    const healthy = new Uint8Array(readFileSync(`${MUSICNET_MIDIS}/Bach/2186_vs6_1.mid`));
    const { bytes, fixes } = repairTrackLengths(healthy);
    expect(fixes).toEqual([]);
    expect(bytes).toBe(healthy);
  });

  it('rejects bytes that are not MIDI', () => {
    expect(() => repairTrackLengths(new TextEncoder().encode('RIFF....WAVEfmt this is not midi'))).toThrow(MidiFormatError);
  });

  it('rejects a file cut off in the middle of a track instead of inventing its end', () => {
    const broken = new Uint8Array(readFileSync(BROKEN_BACH[0] as string));
    expect(() => repairTrackLengths(broken.slice(0, 2000))).toThrow(MidiFormatError);
  });
});
