import { describe, expect, it } from 'vitest';
import { findKey, parseKeyName } from '../../model/analysis/keys.js';
import { STEPS_PER_BEAT } from '../../model/encoding/grid.js';
import { eventLocalKeys, LOCAL_KEY_HALF_WINDOW } from '../../model/encoding/localKeys.js';
import { EVENT_WIDTH, REST_INSTRUMENT } from '../../model/encoding/noteEvents.js';
import { partIndex } from '../../model/instruments.js';

const violin = partIndex(2, 0);
/** A figure that names its key: the tonic triad, the leading note, the fourth and second (major or minor third). */
const figure = (tonic: number, minor: boolean) => [0, minor ? 3 : 4, 7, 12, 11, 7, 2, 5].map((step) => tonic + step);

/** Quarter notes repeating a figure for `bars` bars of 4/4, as events [shift, part, pitch, duration, velocity]. */
function repeatFigure(pitches: number[], bars: number, first: boolean): number[][] {
  return Array.from({ length: bars * 4 }, (_, index) => [
    index === 0 && first ? 0 : STEPS_PER_BEAT,
    violin,
    pitches[index % pitches.length] as number,
    STEPS_PER_BEAT,
    4,
  ]);
}

describe("local keys: the key around each note, not the whole piece's", () => {
  it('follows a modulation that the whole-piece key averages away', () => {
    // Sixteen bars of D minor, then sixteen of E-flat major.
    const events = [...repeatFigure(figure(62, true), 16, true), ...repeatFigure(figure(63, false), 16, false)];
    const flat = events.flat();
    const keys = eventLocalKeys(flat, EVENT_WIDTH, 0);
    const dMinor = parseKeyName('d-minor');
    const eFlatMajor = parseKeyName('e-flat-major');
    expect(keys[0]).toBe(dMinor);
    expect(keys[20]).toBe(dMinor);
    expect(keys[events.length - 1]).toBe(eFlatMajor);
    expect(keys[events.length - 20]).toBe(eFlatMajor);
    // The sliding window gives what findKey gives on the same notes.
    const at = 64;
    const onset = at * STEPS_PER_BEAT;
    const near = events.filter((_, index) => Math.abs(index * STEPS_PER_BEAT - onset) <= LOCAL_KEY_HALF_WINDOW);
    expect(keys[at]).toBe(findKey(near.map((event) => ({ pitch: event[2] as number, duration: event[3] as number }))));
  });

  it('gives a rest far from any note the fallback', () => {
    const farRest = [LOCAL_KEY_HALF_WINDOW, REST_INSTRUMENT, 0, 0, 0];
    const events = [[0, violin, 60, 24, 4], farRest, farRest, farRest].flat();
    expect(Array.from(eventLocalKeys(events, EVENT_WIDTH, 7))).toEqual([0, 0, 7, 7]);
  });
});
