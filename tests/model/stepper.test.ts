import { beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { canonicalBound } from '../../model/generate/sampleEvents.js';
import { logSoftmax } from '../../model/generate/sampling.js';
import { LstmStepper, StepperWeights } from '../../model/generate/stepper.js';
import { headContextSlots } from '../../model/lstm/config.js';
import { LstmNetwork, zeroState } from '../../model/lstm/network.js';
import { initParams } from '../../model/lstm/params.js';
import { randomChunk, TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

describe('stepping one event at a time', () => {
  it('gives the same likelihood as one batched forward pass over the sequence', async () => {
    const params = initParams(TINY_CONFIG, 3);
    const chunk = randomChunk(TINY_CONFIG, 40, 1, 5);
    const network = new LstmNetwork(TINY_CONFIG, params);
    const { score } = network.evaluate(chunk, zeroState(TINY_CONFIG, 1));

    const stepper = new LstmStepper(new StepperWeights(TINY_CONFIG, params), await compileMatvecKernel());
    const fields = TINY_CONFIG.fields.length;
    const stepped = TINY_CONFIG.fields.map(() => 0);
    let previous: number[] | undefined;
    for (let step = 0; step < chunk.steps; step++) {
      const event = Array.from(chunk.targets.subarray(step * fields, (step + 1) * fields));
      const conditions = Array.from(chunk.conditions.subarray(step * chunk.conditionSlots, (step + 1) * chunk.conditionSlots)).filter(
        (row) => row >= 0,
      );
      stepper.advance(previous, conditions);
      for (let field = 0; field < fields; field++) {
        const contexts = headContextSlots(TINY_CONFIG, field).map((slot) => chunk.contexts[step * chunk.contextSlots + slot] as number);
        const logits = stepper.fieldLogits(field, event.slice(0, field), contexts);
        const bound = canonicalBound(TINY_CONFIG, previous, event, field);
        for (let value = 0; value < bound; value++) logits[value] = Number.NEGATIVE_INFINITY;
        stepped[field] = (stepped[field] as number) - (logSoftmax(logits)[event[field] as number] as number);
      }
      previous = event;
    }
    stepped.forEach((nll, field) => {
      expect(nll).toBeCloseTo(score.nllPerField[field] as number, 3);
    });
  });

  it('carries state across chunks exactly as one long chunk does', () => {
    const params = initParams(TINY_CONFIG, 4);
    const network = new LstmNetwork(TINY_CONFIG, params);
    const whole = randomChunk(TINY_CONFIG, 24, 2, 9);
    const total = network.evaluate(whole, zeroState(TINY_CONFIG, 2)).score;
    let state = zeroState(TINY_CONFIG, 2);
    const parts = TINY_CONFIG.fields.map(() => 0);
    for (const [start, end] of [
      [0, 10],
      [10, 11],
      [11, 24],
    ] as const) {
      const slice = sliceSteps(whole, start, end);
      const { score, next } = network.evaluate(slice, state);
      state = next;
      score.nllPerField.forEach((value, k) => {
        parts[k] = (parts[k] as number) + value;
      });
    }
    parts.forEach((value, k) => {
      expect(value).toBeCloseTo(total.nllPerField[k] as number, 3);
    });
  });
});

describe('steppers sharing one copy of the weights', () => {
  it('give, interleaved, exactly what each gives alone, in one memory or the next', async () => {
    const params = initParams(TINY_CONFIG, 5);
    const kernel = await compileMatvecKernel();
    const fields = TINY_CONFIG.fields.length;
    /** Steps a stepper through its own random events, one step per call, returning every logit it saw. */
    const walker = (stepper: LstmStepper, seed: number) => {
      const chunk = randomChunk(TINY_CONFIG, 12, 1, seed);
      let previous: number[] | undefined;
      let step = 0;
      const seen: number[] = [];
      return {
        seen,
        step() {
          const event = Array.from(chunk.targets.subarray(step * fields, (step + 1) * fields));
          stepper.advance(previous, [0]);
          for (let field = 0; field < fields; field++) seen.push(...stepper.fieldLogits(field, event.slice(0, field)));
          previous = event;
          step++;
        },
      };
    };
    // Nine steppers on one StepperWeights: eight fill its first memory, the ninth starts another.
    const shared = new StepperWeights(TINY_CONFIG, params);
    const walkers = Array.from({ length: 9 }, (_, index) => walker(new LstmStepper(shared, kernel), index + 1));
    for (let step = 0; step < 12; step++) for (const walk of walkers) walk.step();
    walkers.forEach((walk, index) => {
      const alone = walker(new LstmStepper(new StepperWeights(TINY_CONFIG, params), kernel), index + 1);
      for (let step = 0; step < 12; step++) alone.step();
      expect(walk.seen).toEqual(alone.seen);
    });
  });
});

function sliceSteps(chunk: ReturnType<typeof randomChunk>, start: number, end: number): ReturnType<typeof randomChunk> {
  const perStep = (width: number) => [start * chunk.rows * width, end * chunk.rows * width] as const;
  return {
    ...chunk,
    steps: end - start,
    inputs: chunk.inputs.slice(...perStep(chunk.fields)),
    targets: chunk.targets.slice(...perStep(chunk.fields)),
    weights: chunk.weights.slice(...perStep(chunk.fields)),
    lowerBounds: chunk.lowerBounds.slice(...perStep(chunk.fields)),
    conditions: chunk.conditions.slice(...perStep(chunk.conditionSlots)),
    resets: chunk.resets.slice(...perStep(1)),
    contexts: chunk.contexts.slice(...perStep(chunk.contextSlots)),
  };
}
