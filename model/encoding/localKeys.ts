import { keyCorrelations } from '../analysis/keys.js';
import { STEPS_PER_BEAT } from './grid.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, REST_INSTRUMENT } from './noteEvents.js';

/**
 * The key the music is in around each event: Krumhansl-Schmuckler over the notes starting
 * within LOCAL_KEY_HALF_WINDOW steps either side of the event's onset. The model's key feature
 * is trained on this, not on the whole piece's key: a piece labelled D minor spends much of its
 * time in F major and A minor (a real piece's first 20 seconds are in its whole-piece key only
 * 59% of the time), so a whole-piece label taught "D minor" to mean "D minor, or where D minor
 * goes", and asked keys came out 69-76% of the time however hard guidance pushed. Asked for a
 * key, generation holds the feature at it throughout: every window in that key.
 */
export const LOCAL_KEY_HALF_WINDOW = 16 * STEPS_PER_BEAT;

function bestKey(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((score, key) => {
    if (score > (scores[best] as number)) best = key;
  });
  return best;
}

/** Each event's local key (rests included); `fallback` where no note is near. */
export function eventLocalKeys(
  events: ArrayLike<number>,
  fields: number,
  fallback: number,
  halfWindow = LOCAL_KEY_HALF_WINDOW,
): Uint8Array {
  const count = events.length / fields;
  const onsets = new Float64Array(count);
  let time = 0;
  for (let index = 0; index < count; index++) {
    time += events[index * fields + FIELD_SHIFT] as number;
    onsets[index] = time;
  }
  const keys = new Uint8Array(count);
  const histogram = new Array<number>(12).fill(0);
  const weigh = (index: number, sign: number) => {
    const row = index * fields;
    if (events[row + FIELD_INSTRUMENT] === REST_INSTRUMENT) return;
    const pitchClass = (events[row + FIELD_PITCH] as number) % 12;
    histogram[pitchClass] = (histogram[pitchClass] as number) + sign * (events[row + FIELD_DURATION] as number);
  };
  // Onsets never decrease, so the window's two ends only move forward.
  let enter = 0;
  let leave = 0;
  for (let index = 0; index < count; index++) {
    const onset = onsets[index] as number;
    while (enter < count && (onsets[enter] as number) <= onset + halfWindow) weigh(enter++, 1);
    while ((onsets[leave] as number) < onset - halfWindow) weigh(leave++, -1);
    keys[index] = histogram.some((weight) => weight > 1e-9) ? bestKey(keyCorrelations(histogram)) : fallback;
  }
  return keys;
}
