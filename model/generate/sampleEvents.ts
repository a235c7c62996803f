import type { NetworkConfig } from '../lstm/config.js';
import type { FieldLogitSource } from './guidance.js';
import { draw, MASKED_LOGIT, nucleus, penalize, softmaxWithTemperature } from './sampling.js';

/** How sharply one field's distribution is drawn from: softmax temperature, then nucleus (top-p) truncation. */
export interface FieldSampling {
  temperature: number;
  topP: number;
}

export interface SamplingOptions extends FieldSampling {
  /** Uniform numbers in [0, 1): a seeded generator makes generation repeatable. */
  random: () => number;
  /** Settings of their own for some fields, by field index; the others use temperature and topP. */
  byField?: readonly (FieldSampling | undefined)[];
  /** A value to make less likely, given the fields chosen so far (see FieldPenalty). */
  penalty?: FieldPenalty;
}

/**
 * One value of field `field` to draw less often given the fields chosen so far (say the pitch
 * the chosen part played last): its probability, after temperature and before top-p, is divided
 * by e^nats. Undefined: the field is drawn as it is.
 */
export type FieldPenalty = (field: number, chosen: readonly number[]) => { value: number; nats: number } | undefined;

/**
 * Rules an event must obey beyond the model's own preferences: a mask per field given the
 * values chosen so far (e.g. only the chosen instruments, each inside its range). Returning
 * A rule sets forbidden entries of `logits` to -Infinity; it may leave them all as they are.
 */
export type FieldRule = (field: number, chosen: readonly number[], logits: Float32Array, previous: readonly number[] | undefined) => void;

/** Head k's context features given the fields chosen so far (see NetworkConfig.headContexts). */
export type HeadContexts = (field: number, chosen: readonly number[]) => readonly number[];

/**
 * The canonical order of events sharing an onset (see model/lstm/chunk.ts): the smallest value
 * field `field` may take given the previous event and the fields chosen so far.
 */
export function canonicalBound(
  config: NetworkConfig,
  previous: readonly number[] | undefined,
  chosen: readonly number[],
  field: number,
): number {
  if (!previous || chosen[0] !== 0) return 0;
  const keys = config.orderKeyFields;
  for (let p = 0; p < keys.length; p++) {
    const key = keys[p] as number;
    if (key === field) return (previous[field] as number) + (p === keys.length - 1 ? 1 : 0);
    if (chosen[key] !== previous[key]) return 0;
  }
  return 0;
}

function allMasked(logits: Float32Array): boolean {
  for (let value = 0; value < logits.length; value++) if ((logits[value] as number) !== MASKED_LOGIT) return false;
  return true;
}

/**
 * Samples the next event field by field from a stepper (or guided steppers) that has just read the previous event.
 * Masks apply before temperature and top-p, so a forbidden value can never be drawn; a penalty
 * (options.penalty) applies to the tempered distribution, before top-p. When a
 * choice leaves a later field nothing allowed (say pitch 108 on a piano that must now play a
 * higher note at the same onset), that choice is excluded and the earlier field drawn again.
 */
export function sampleEvent(
  stepper: FieldLogitSource,
  previous: readonly number[] | undefined,
  options: SamplingOptions,
  rule?: FieldRule,
  contexts?: HeadContexts,
): number[] {
  const { config } = stepper;
  const chosen: number[] = [];
  const excluded = config.fields.map(() => new Set<number>());
  let field = 0;
  while (field < config.fields.length) {
    const logits = stepper.fieldLogits(field, chosen, contexts?.(field, chosen));
    const bound = canonicalBound(config, previous, chosen, field);
    for (let value = 0; value < bound && value < logits.length; value++) logits[value] = MASKED_LOGIT;
    rule?.(field, chosen, logits, previous);
    for (const value of excluded[field] ?? []) logits[value] = MASKED_LOGIT;
    if (allMasked(logits)) {
      if (field === 0) throw new Error(`no event is possible after ${previous?.join(',') ?? 'the start'} under these rules`);
      excluded[field]?.clear();
      field--;
      excluded[field]?.add(chosen.pop() as number);
      continue;
    }
    const { temperature, topP } = options.byField?.[field] ?? options;
    let probabilities = softmaxWithTemperature(logits, temperature);
    const penalty = options.penalty?.(field, chosen);
    if (penalty) probabilities = penalize(probabilities, penalty.value, penalty.nats);
    chosen.push(draw(nucleus(probabilities, topP), options.random()));
    field++;
  }
  return chosen;
}
