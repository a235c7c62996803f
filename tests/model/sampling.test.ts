import { describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { compareSets, overlappingArea, pieceFeatures } from '../../model/eval/musicStats.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { sampleEvent } from '../../model/generate/sampleEvents.js';
import { draw, MASKED_LOGIT, nucleus, penalize, softmaxWithTemperature } from '../../model/generate/sampling.js';
import { LstmStepper, StepperWeights } from '../../model/generate/stepper.js';
import { initParams, seededRandom } from '../../model/lstm/params.js';
import { TINY_CONFIG } from '../helpers/tinyNetwork.js';

describe('sampling filters', () => {
  it('sharpens with low temperature and flattens with high', () => {
    const logits = [2, 1, 0];
    const cold = softmaxWithTemperature(logits, 0.1);
    const hot = softmaxWithTemperature(logits, 10);
    expect(cold[0]).toBeGreaterThan(0.99);
    expect(Math.max(...hot) - Math.min(...hot)).toBeLessThan(0.1);
    expect(softmaxWithTemperature(logits, 0)[0]).toBe(1);
  });

  it('keeps only the nucleus and never draws a masked value', () => {
    const probabilities = softmaxWithTemperature([3, 2, MASKED_LOGIT, -5], 1);
    expect(probabilities[2]).toBe(0);
    const kept = nucleus(probabilities, 0.7);
    expect(kept[0]).toBe(1);
    for (let i = 0; i < 100; i++) expect(draw(probabilities, i / 100)).not.toBe(2);
  });

  it('penalizes one value by exactly e^nats against every other, and leaves the others as they were', () => {
    const probabilities = softmaxWithTemperature([1.5, 0.2, -0.7, 2.1, MASKED_LOGIT], 0.6);
    const nats = 1.3;
    const penalized = penalize(probabilities, 3, nats);
    expect(penalized.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < 4; i++) {
      if (i === 3) continue;
      // The repeat's odds against each other value fall by e^nats ...
      expect((penalized[3] as number) / (penalized[i] as number)).toBeCloseTo(
        (probabilities[3] as number) / (probabilities[i] as number) / Math.exp(nats),
        12,
      );
      // ... and the other values keep their odds against each other.
      for (let j = 0; j < 4; j++)
        if (j !== 3 && j !== i)
          expect((penalized[i] as number) / (penalized[j] as number)).toBeCloseTo(
            (probabilities[i] as number) / (probabilities[j] as number),
            12,
          );
    }
    expect(penalized[4]).toBe(0);
    // Nothing to change: the very same array, so a zero penalty changes no bit of a draw.
    expect(penalize(probabilities, 3, 0)).toBe(probabilities);
    expect(penalize(probabilities, 4, nats)).toBe(probabilities);
  });

  it('refuses to sample when everything is masked', () => {
    expect(() => softmaxWithTemperature([MASKED_LOGIT, MASKED_LOGIT], 1)).toThrow(/masked/);
  });
});

describe('sampling events from the LSTM', () => {
  it('is the same event for event with the same seed, and follows the rules it is given', async () => {
    await startEngine();
    const params = initParams(TINY_CONFIG, 2);
    const kernel = await compileMatvecKernel();
    const run = (seed: number) => {
      const stepper = new LstmStepper(new StepperWeights(TINY_CONFIG, params), kernel);
      const random = seededRandom(seed);
      const events: number[][] = [];
      let previous: number[] | undefined;
      for (let i = 0; i < 30; i++) {
        stepper.advance(previous, [1]);
        // Only instrument 2 may play.
        previous = sampleEvent(stepper, previous, { temperature: 1, topP: 0.95, random }, (field, _chosen, logits) => {
          if (field !== 1) return;
          for (let value = 0; value < logits.length; value++) if (value !== 2) logits[value] = MASKED_LOGIT;
        });
        events.push(previous);
      }
      return events;
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
    expect(first.every((event) => event[1] === 2)).toBe(true);
  });

  it('samples a field with its own settings when given', async () => {
    await startEngine();
    const params = initParams(TINY_CONFIG, 2);
    const kernel = await compileMatvecKernel();
    // Shift and instrument are fixed by the rule; pitch is drawn at the options' temperature or its own.
    const pitches = (seed: number, byField?: { temperature: number; topP: number }[]) => {
      const stepper = new LstmStepper(new StepperWeights(TINY_CONFIG, params), kernel);
      const random = seededRandom(seed);
      const drawn: number[] = [];
      let previous: number[] | undefined;
      for (let i = 0; i < 30; i++) {
        stepper.advance(previous, [1]);
        previous = sampleEvent(
          stepper,
          previous,
          { temperature: 1, topP: 1, random, ...(byField && { byField }) },
          (field, _chosen, logits) => {
            const only = [1, 2][field];
            if (only === undefined) return;
            for (let value = 0; value < logits.length; value++) if (value !== only) logits[value] = MASKED_LOGIT;
          },
        );
        drawn.push(previous[2] as number);
      }
      return drawn;
    };
    expect(pitches(7)).not.toEqual(pitches(8));
    // Temperature 0 for pitch alone: the most likely pitch every time, whatever the seed.
    const greedy = [
      { temperature: 1, topP: 1 },
      { temperature: 1, topP: 1 },
      { temperature: 0, topP: 1 },
    ];
    expect(pitches(7, greedy)).toEqual(pitches(8, greedy));
  });
});

describe('a penalty on one value of a field', () => {
  // Shift 1 and instrument 2 fixed by the rule; pitch drawn freely among the six.
  const onlyShiftAndInstrument = (field: number, _chosen: readonly number[], logits: Float32Array) => {
    const only = [1, 2][field];
    if (only === undefined) return;
    for (let value = 0; value < logits.length; value++) if (value !== only) logits[value] = MASKED_LOGIT;
  };
  const run = async (seed: number, penalty?: (field: number, chosen: readonly number[]) => { value: number; nats: number } | undefined) => {
    await startEngine();
    const stepper = new LstmStepper(new StepperWeights(TINY_CONFIG, initParams(TINY_CONFIG, 2)), await compileMatvecKernel());
    const random = seededRandom(seed);
    const events: number[][] = [];
    let previous: number[] | undefined;
    for (let i = 0; i < 60; i++) {
      stepper.advance(previous, [1]);
      previous = sampleEvent(stepper, previous, { temperature: 0.6, topP: 1, random, ...(penalty && { penalty }) }, onlyShiftAndInstrument);
      events.push(previous);
    }
    return events;
  };

  it('at 0 nats draws exactly what sampling without one draws', async () => {
    for (const seed of [3, 4, 5]) expect(await run(seed, () => ({ value: 2, nats: 0 }))).toEqual(await run(seed));
    // While 2 nats on the same pitch does change the draws.
    expect(await run(3, (field) => (field === 2 ? { value: 2, nats: 2 } : undefined))).not.toEqual(await run(3));
  });

  it('applies to the field it names, given the fields chosen before it', async () => {
    const asked: [number, number[]][] = [];
    const events = await run(7, (field, chosen) => {
      asked.push([field, [...chosen]]);
      return field === 2 ? { value: 4, nats: 40 } : undefined;
    });
    expect(events.some((event) => event[2] === 4)).toBe(false);
    expect(asked.filter(([field]) => field === 2).every(([, chosen]) => chosen[0] === 1 && chosen[1] === 2)).toBe(true);
    // A penalty on another field than the one asked about changes nothing.
    expect(await run(7, (field) => (field === 0 ? { value: 4, nats: 40 } : undefined))).toEqual(await run(7));
  });
});

describe('musical statistics', () => {
  const scale = (offset: number, step: number) =>
    Array.from({ length: 40 }, (_, i) => ({ pitch: 60 + offset + (i % 8), start: i * step, duration: step }));

  it('measures a piece', () => {
    const features = pieceFeatures([...scale(0, 0.5), ...scale(12, 0.5)]);
    expect(features.pitchRange).toBe(19);
    expect(features.polyphony).toBeCloseTo(2);
    expect(features.interOnsetInterval).toBeCloseTo(0.5);
    expect(features.noteDensity).toBeCloseTo(4);
  });

  it('gives a high overlap for sets alike and a low one for sets apart', () => {
    const like = [0, 1, 2, 3, 4].map((offset) => pieceFeatures(scale(offset, 0.5)));
    const alike = [0, 2, 4, 1].map((offset) => pieceFeatures(scale(offset, 0.5)));
    const apart = [0, 2, 4, 1].map((offset) => pieceFeatures(scale(offset * 10, 0.05)));
    expect(compareSets(like, alike).noteDensity).toBeGreaterThan(compareSets(like, apart).noteDensity);
    expect(overlappingArea([1, 2, 3, 4], [1, 2, 3, 4])).toBeCloseTo(1, 2);
  });
});
