import { STEPS_PER_BEAT } from '../encoding/grid.js';

/**
 * Metres the model is conditioned on: MusicNet's common time signatures, each a row of its own;
 * anything else shares the "other" row (its bar positions are still exact).
 */
export const METRES = ['4/4', '3/4', '2/4', '2/2', '6/8', '3/8', '9/8', '12/8', '6/4', '3/2'] as const;
export const METRE_COUNT = METRES.length + 1;

export type TimeSignaturePair = [number, number];

/** Row of a time signature among METRES, or the "other" row. */
export function metreIndex([numerator, denominator]: TimeSignaturePair): number {
  const index = (METRES as readonly string[]).indexOf(`${numerator}/${denominator}`);
  return index >= 0 ? index : METRES.length;
}

/** Grid steps in one bar of a time signature. */
export function barSteps([numerator, denominator]: TimeSignaturePair): number {
  return Math.max(1, Math.round((numerator * 4 * STEPS_PER_BEAT) / denominator));
}

/** Parses "3/4"; undefined unless numerator 1-16 and denominator 1, 2, 4, 8 or 16. */
export function parseMetre(text: string): TimeSignaturePair | undefined {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(text);
  if (!match) return undefined;
  const numerator = Number(match[1]);
  const denominator = Number(match[2]);
  if (numerator < 1 || numerator > 16 || ![1, 2, 4, 8, 16].includes(denominator)) return undefined;
  return [numerator, denominator];
}

/**
 * A metre's beat in grid steps: the dotted quarter (three eighths) of 6/8, 9/8 and 12/8
 * (compound), otherwise one note of the denominator (a quarter in 3/4, a half in 2/2).
 */
export function beatSteps([numerator, denominator]: TimeSignaturePair): { steps: number; compound: boolean } {
  const unit = Math.max(1, Math.round((4 * STEPS_PER_BEAT) / denominator));
  if (denominator === 8 && numerator % 3 === 0 && numerator > 3) return { steps: 3 * unit, compound: true };
  return { steps: unit, compound: false };
}

/**
 * How strong a bar position (in grid steps) is in a metre, in the metrical hierarchy: 4 the
 * downbeat, 3 the middle of a bar of four or more beats (beat 3 of 4/4, the third dotted quarter
 * of 12/8), 2 any other beat (quarters of 3/4, dotted quarters of 6/8), 1 other eighths, 0 finer.
 */
export function metricalWeight(signature: TimeSignaturePair, position: number): number {
  const bar = barSteps(signature);
  const beat = beatSteps(signature).steps;
  const at = ((position % bar) + bar) % bar;
  const beats = Math.round(bar / beat);
  if (at === 0) return 4;
  if (beats >= 4 && beats % 2 === 0 && at === bar / 2) return 3;
  if (at % beat === 0) return 2;
  return at % (STEPS_PER_BEAT / 2) === 0 ? 1 : 0;
}

/**
 * The simple metre whose bar is as long as a compound metre's, the beats grouped the other way
 * (6/8 and 3/4: two dotted quarters or three quarters; 12/8 and 3/2), or undefined. Metre
 * guidance (PiecePlan.metreGuidance) leans a compound metre's rhythm away from it: with the
 * same bar positions, the model wrote 6/8 as 3/4.
 */
export function contrastingMetre(signature: TimeSignaturePair): TimeSignaturePair | undefined {
  if (!beatSteps(signature).compound) return undefined;
  const bar = barSteps(signature);
  return (
    [
      [3, 4],
      [3, 2],
    ] as TimeSignaturePair[]
  ).find((simple) => barSteps(simple) === bar);
}
