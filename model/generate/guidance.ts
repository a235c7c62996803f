import type { NetworkConfig } from '../lstm/config.js';
import type { LstmStepper } from './stepper.js';

/** Where sampleEvent reads a field's logits from: a stepper, or steppers combined. */
export interface FieldLogitSource {
  readonly config: NetworkConfig;
  fieldLogits(field: number, chosen: readonly number[], contexts?: readonly number[]): Float32Array;
}

/** Head k's context features for the unconditioned stepper (they differ where they carry the condition). */
export type FreeContexts = (field: number, chosen: readonly number[]) => readonly number[];

/**
 * Classifier-free guidance (Ho & Salimans, 2022) on some fields: logits = free + w (conditioned -
 * free), where `conditioned` was told the piece's conditions and `free` other ones (no key, for
 * the pitch head: training hid the key for a share of pieces; the contrasting metre, for the
 * rhythm heads), both reading the same events. w = 1 is the conditioned model as it is; w > 1
 * leans further towards what the condition changes. Each guided field has its own w; the other
 * fields come from `conditioned` alone.
 */
export class GuidedLogits implements FieldLogitSource {
  readonly config: NetworkConfig;

  constructor(
    private readonly conditioned: LstmStepper,
    private readonly free: LstmStepper,
    private readonly freeContexts: FreeContexts,
    private readonly weights: ReadonlyMap<number, number>,
  ) {
    this.config = conditioned.config;
  }

  fieldLogits(field: number, chosen: readonly number[], contexts?: readonly number[]): Float32Array {
    const logits = this.conditioned.fieldLogits(field, chosen, contexts);
    const weight = this.weights.get(field);
    if (weight === undefined) return logits;
    const free = this.free.fieldLogits(field, chosen, this.freeContexts(field, chosen));
    for (let value = 0; value < logits.length; value++) {
      const base = free[value] as number;
      logits[value] = base + weight * ((logits[value] as number) - base);
    }
    return logits;
  }
}
