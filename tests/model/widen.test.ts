import { beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { LstmStepper, StepperWeights } from '../../model/generate/stepper.js';
import { type NetworkConfig, networkConfigSchema } from '../../model/lstm/config.js';
import { initParams } from '../../model/lstm/params.js';
import { widenParams, widensInPlace } from '../../model/lstm/widen.js';
import { TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

/** TINY_CONFIG with two more condition rows, a head feature appended for the instrument head and a copy path for the pitch head's second feature. */
const WIDER: NetworkConfig = networkConfigSchema.parse({
  ...TINY_CONFIG,
  conditionVocab: TINY_CONFIG.conditionVocab + 2,
  headContexts: [...TINY_CONFIG.headContexts, { field: 1, vocab: 4 }],
  copies: [...TINY_CONFIG.copies, { slot: 2, limit: 2 }],
});

describe('widening a trained network in place', () => {
  it('computes exactly what the old network did, whatever the new features say', async () => {
    const params = initParams(TINY_CONFIG, 11);
    const kernel = await compileMatvecKernel();
    const old = new LstmStepper(new StepperWeights(TINY_CONFIG, params), kernel);
    const wide = new LstmStepper(new StepperWeights(WIDER, widenParams(params, TINY_CONFIG, WIDER)), kernel);
    let previous: number[] | undefined;
    for (let step = 0; step < 12; step++) {
      const event = [step % 3, (step * 7) % 4, (step * 5) % 6];
      old.advance(previous, [step % 3]);
      // The new rows (conditions 3 and 4, the appended head feature) and the new copy gate are zero: they add nothing.
      wide.advance(previous, [step % 3, 3 + (step % 2)]);
      expect(Array.from(wide.fieldLogits(0, []))).toEqual(Array.from(old.fieldLogits(0, [])));
      expect(Array.from(wide.fieldLogits(1, event.slice(0, 1), [1, step % 4]))).toEqual(
        Array.from(old.fieldLogits(1, event.slice(0, 1), [1])),
      );
      expect(Array.from(wide.fieldLogits(2, event.slice(0, 2), [2, 1]))).toEqual(Array.from(old.fieldLogits(2, event.slice(0, 2), [2, 1])));
      previous = event;
    }
  });

  it('refuses a network that changed in any other way', () => {
    const params = initParams(TINY_CONFIG, 11);
    const bigger = networkConfigSchema.parse({ ...WIDER, hiddenSize: 6 });
    const reordered = networkConfigSchema.parse({ ...TINY_CONFIG, headContexts: [{ field: 1, vocab: 4 }, ...TINY_CONFIG.headContexts] });
    const copyMoved = networkConfigSchema.parse({ ...TINY_CONFIG, copies: [{ slot: 2, limit: 2 }] });
    expect(widensInPlace(TINY_CONFIG, WIDER)).toBe(true);
    expect(widensInPlace(TINY_CONFIG, bigger)).toBe(false);
    expect(widensInPlace(TINY_CONFIG, reordered)).toBe(false);
    expect(widensInPlace(TINY_CONFIG, copyMoved)).toBe(false);
    expect(() => widenParams(params, TINY_CONFIG, bigger)).toThrow(/features appended/);
  });
});
