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

/** Steps of a bar's strong beats for a metre: where its accents fall (the downbeat and, in compound or long bars, the middle). */
export function strongBeatSteps(signature: TimeSignaturePair): number[] {
  const bar = barSteps(signature);
  const [numerator, denominator] = signature;
  if (denominator === 8 && numerator % 3 === 0) {
    const group = (3 * 4 * STEPS_PER_BEAT) / 8;
    return Array.from({ length: numerator / 3 }, (_, index) => index * group);
  }
  if (numerator === 4 || numerator === 2) return [0, bar / 2];
  return [0];
}
