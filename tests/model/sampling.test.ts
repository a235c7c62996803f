import { describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { compareSets, overlappingArea, pieceFeatures } from '../../model/eval/musicStats.js';
import { compileMatvecKernel } from '../../model/generate/matvecKernel.js';
import { sampleEvent } from '../../model/generate/sampleEvents.js';
import { draw, MASKED_LOGIT, nucleus, softmaxWithTemperature } from '../../model/generate/sampling.js';
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
