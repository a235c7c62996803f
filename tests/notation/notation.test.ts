import { describe, expect, it } from 'vitest';
import { parseKeyName } from '../../model/analysis/keys.js';
import { writeMeasure } from '../../notation/rhythm.js';
import { keySignature, spellPitch, transposeSignature } from '../../notation/spelling.js';
import { layoutStaves, snapNote } from '../../notation/voices.js';

const key = (name: string) => keySignature(parseKeyName(name) as number);
const spelled = (pitch: number, name: string) => {
  const { step, alter, octave } = spellPitch(pitch, key(name));
  return `${step}${alter > 0 ? '#'.repeat(alter) : 'b'.repeat(-alter)}${octave}`;
};

describe('key signatures and spelling', () => {
  it('gives each key its usual signature', () => {
    const table = {
      'c-major': 0,
      'g-major': 1,
      'f-major': -1,
      'd-flat-major': -5,
      'b-major': 5,
      'f-sharp-major': -6,
      'a-minor': 0,
      'd-minor': -1,
      'c-sharp-minor': 4,
      'e-flat-minor': -6,
      'g-sharp-minor': 5,
    };
    for (const [name, fifths] of Object.entries(table)) expect(key(name).fifths, name).toBe(fifths);
  });

  it('spells chromatic notes for the key: leading tones sharp in minor, E-flat not D-sharp in C major', () => {
    expect(spelled(61, 'd-minor')).toBe('C#4');
    expect(spelled(68, 'a-minor')).toBe('G#4');
    expect(spelled(63, 'c-major')).toBe('Eb4');
    expect(spelled(66, 'c-major')).toBe('F#4');
    expect(spelled(65, 'f-sharp-major')).toBe('F4');
    expect(spelled(65, 'c-sharp-minor')).toBe('E#4');
    // B-sharp belongs to the octave below the C it sounds as; C-flat to the one above.
    expect(spelled(60, 'c-sharp-minor')).toBe('B#3');
    expect(spelled(71, 'e-flat-minor')).toBe('Cb5');
  });

  it('moves the signature with the instrument: horn in F a fifth up, clarinet in B-flat a tone up', () => {
    expect(transposeSignature(key('f-major'), 7).fifths).toBe(0);
    expect(transposeSignature(key('b-flat-major'), 2).fifths).toBe(0);
    expect(transposeSignature(key('a-major'), 3).fifths).toBe(0);
    expect(transposeSignature(key('d-minor'), 12).fifths).toBe(-1);
  });
});

describe('rhythm', () => {
  const note = (start: number, end: number) => ({ start, end, pitches: [60], tieIn: false, tieOut: false });
  const rest = (start: number, end: number) => ({ start, end, pitches: [], tieIn: false, tieOut: false });

  it('writes plain values, dotted where they fit, and ties where a value would hide the beat', () => {
    const values = writeMeasure([note(0, 36), note(36, 48), note(48, 96)], 96, 24);
    expect(values.map((value) => `${value.type}${'.'.repeat(value.dots)}`)).toEqual(['quarter.', 'eighth', 'half']);
    // An eighth on the off-beat held over beat 2 is an eighth tied to an eighth, not a quarter.
    const syncopated = writeMeasure([rest(0, 12), note(12, 36), rest(36, 96)], 96, 24);
    expect(syncopated.filter((value) => value.pitches.length).map((value) => [value.type, value.tieOut])).toEqual([
      ['eighth', true],
      ['eighth', false],
    ]);
  });

  it('writes eighth-note triplets as 3:2 tuplets, bracketed over their beat', () => {
    const values = writeMeasure([note(0, 8), note(8, 16), note(16, 24), rest(24, 96)], 96, 24);
    const triplet = values.slice(0, 3);
    expect(triplet.map((value) => [value.type, value.steps, value.triplet?.bracket])).toEqual([
      ['eighth', 8, 'start'],
      ['eighth', 8, undefined],
      ['eighth', 8, 'stop'],
    ]);
    expect(values.slice(0, 3).map((value) => value.beam)).toEqual(['begin', 'continue', 'end']);
  });

  it('keeps dotted quarters whole in 6/8', () => {
    const values = writeMeasure([note(0, 36), note(36, 72)], 72, 36);
    expect(values.map((value) => `${value.type}${'.'.repeat(value.dots)}`)).toEqual(['quarter.', 'quarter.']);
  });
});

describe('voices', () => {
  it('snaps note ends onto the onset grid and never to nothing', () => {
    expect(snapNote({ pitch: 60, start: 24, end: 29 })).toEqual({ pitch: 60, start: 24, end: 30 });
    expect(snapNote({ pitch: 60, start: 24, end: 25 })).toEqual({ pitch: 60, start: 24, end: 30 });
  });

  it('gives overlapping notes their own voices and chords one voice, top line first', () => {
    const { staves, altered } = layoutStaves([
      [
        { pitch: 72, start: 0, end: 24 },
        { pitch: 64, start: 0, end: 96 },
        { pitch: 67, start: 0, end: 96 },
        { pitch: 74, start: 24, end: 48 },
      ],
    ]);
    expect(altered).toBe(0);
    expect(staves[0]?.map((voice) => voice.map((chord) => chord.pitches))).toEqual([[[72], [74]], [[64, 67]]]);
  });
});
