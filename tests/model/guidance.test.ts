import { beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { GuidedLogits } from '../../model/generate/guidance.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { LstmStepper, StepperWeights } from '../../model/generate/stepper.js';
import { initParams } from '../../model/lstm/params.js';
import { TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

/** Two steppers over one network: one told condition 1, the other condition 2 (the "unknown" row). */
async function pair() {
  const weights = new StepperWeights(TINY_CONFIG, initParams(TINY_CONFIG, 5));
  const kernel = await compileMatvecKernel();
  const conditioned = new LstmStepper(weights, kernel);
  const free = new LstmStepper(weights, kernel);
  const event = [1, 2, 3];
  conditioned.advance(undefined, [1]);
  free.advance(undefined, [2]);
  conditioned.advance(event, [1]);
  free.advance(event, [2]);
  return { conditioned, free };
}

describe('classifier-free guidance', () => {
  it('is the conditioned model at weight 1, the free one at 0, and extrapolates past 1, on the guided field only', async () => {
    const { conditioned, free } = await pair();
    const chosen = [0, 1];
    const contexts = [2, 1];
    const freeContexts = [3, 0];
    const keyed = Array.from(conditioned.fieldLogits(2, chosen, contexts));
    const unkeyed = Array.from(free.fieldLogits(2, chosen, freeContexts));
    expect(keyed).not.toEqual(unkeyed);
    const guided = (weight: number) => new GuidedLogits(conditioned, free, () => freeContexts, new Map([[2, weight]]));
    expect(Array.from(guided(1).fieldLogits(2, chosen, contexts))).toEqual(keyed);
    guided(0)
      .fieldLogits(2, chosen, contexts)
      .forEach((value, index) => {
        expect(value).toBeCloseTo(unkeyed[index] as number, 5);
      });
    guided(2.5)
      .fieldLogits(2, chosen, contexts)
      .forEach((value, index) => {
        const base = unkeyed[index] as number;
        expect(value).toBeCloseTo(base + 2.5 * ((keyed[index] as number) - base), 5);
      });
    // Fields not guided come from the conditioned stepper alone.
    expect(Array.from(guided(3).fieldLogits(1, [0], [1]))).toEqual(Array.from(conditioned.fieldLogits(1, [0], [1])));
  });
});

describe('stepping the keyed and the key-free readings together', () => {
  it('gives the bits two separate steps give, for both steppers, at every event', async () => {
    const weights = new StepperWeights(TINY_CONFIG, initParams(TINY_CONFIG, 7));
    const kernel = await compileMatvecKernel();
    const make = () => new LstmStepper(weights, kernel);
    const apart = make();
    const apartFree = make();
    const together = make();
    const togetherFree = make();
    const logits = (stepper: LstmStepper, field: number) => Array.from(stepper.fieldLogits(field, [0, 1, 2].slice(0, field)));
    for (const event of [undefined, [1, 2, 3], [0, 4, 1], [2, 0, 5]]) {
      apart.advance(event, [1]);
      apartFree.advance(event, [2]);
      together.advanceWith(togetherFree, event, [1], [2]);
      for (let field = 0; field < TINY_CONFIG.fields.length; field++) {
        expect(logits(together, field)).toEqual(logits(apart, field));
        expect(logits(togetherFree, field)).toEqual(logits(apartFree, field));
      }
    }
    expect(logits(together, 0)).not.toEqual(logits(togetherFree, 0));
  });
});
