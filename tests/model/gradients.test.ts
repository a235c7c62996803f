import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { sliceChunkRows } from '../../model/lstm/chunk.js';
import { type Dropout, dropoutMask } from '../../model/lstm/dropout.js';
import { LstmNetwork, zeroState } from '../../model/lstm/network.js';
import { initParams, type ParamSet } from '../../model/lstm/params.js';
import { randomChunk, TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

type TinyChunk = ReturnType<typeof randomChunk>;

function meanOf(score: { nllPerField: number[]; events: number }): number {
  return score.nllPerField.reduce((a, b) => a + b, 0) / score.events;
}

/** The loss the training step minimises: with dropout, under the same masks (they are a function of the seed). */
function meanLoss(network: LstmNetwork, chunk: TinyChunk, dropout?: Dropout): number {
  const state = zeroState(TINY_CONFIG, chunk.rows);
  return meanOf(dropout ? network.trainStep(chunk, state, dropout).score : network.evaluate(chunk, state).score);
}

/** Checks each weight's three largest gradient entries against central differences; returns how many. */
function checkAgainstFiniteDifferences(dropout?: Dropout): number {
  const params: ParamSet = initParams(TINY_CONFIG, 7);
  // Head biases well above zero keep the ReLUs away from their kink, where finite differences
  // are meaningless; every other weight keeps its random value.
  for (const [name, param] of params) if (name.startsWith('head.c')) param.data.fill(2);
  const network = new LstmNetwork(TINY_CONFIG, params);
  const chunk = randomChunk(TINY_CONFIG, 6, 3, 11, [3]);
  const { grads } = network.trainStep(chunk, zeroState(TINY_CONFIG, chunk.rows), dropout);
  const epsilon = 1e-2;
  let checked = 0;
  for (const [name, param] of params) {
    const grad = grads.get(name) as Float32Array;
    // The entries with the largest gradients: where a wrong formula would show most.
    const indices = [...grad.keys()].sort((a, b) => Math.abs(grad[b] as number) - Math.abs(grad[a] as number)).slice(0, 3);
    for (const index of indices) {
      const original = param.data[index] as number;
      param.data[index] = original + epsilon;
      network.weightsChanged();
      const up = meanLoss(network, chunk, dropout);
      param.data[index] = original - epsilon;
      network.weightsChanged();
      const down = meanLoss(network, chunk, dropout);
      param.data[index] = original;
      network.weightsChanged();
      const numeric = (up - down) / (2 * epsilon);
      const analytic = grad[index] as number;
      expect(Math.abs(numeric - analytic), `${name}[${index}]: numeric ${numeric}, analytic ${analytic}`).toBeLessThan(
        2e-4 + 0.01 * Math.abs(numeric),
      );
      checked++;
    }
  }
  return checked;
}

describe('the hand-written backward pass', () => {
  it('matches finite differences for every kind of weight', () => {
    expect(checkAgainstFiniteDifferences()).toBeGreaterThan(100);
  });

  it('matches finite differences with dropout on every layer input and the top', () => {
    expect(checkAgainstFiniteDifferences({ rate: 0.3, seed: 5, rowOffset: 0 })).toBeGreaterThan(100);
  });
});

describe('dropout', () => {
  it('zeroes about its rate of units and scales the rest to keep the mean', () => {
    const mask = dropoutMask({ rate: 0.25, seed: 3, rowOffset: 0 }, 1, 4, 64, 256).dataSync();
    const zeroed = mask.filter((value) => value === 0).length / mask.length;
    expect(zeroed).toBeGreaterThan(0.23);
    expect(zeroed).toBeLessThan(0.27);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    // Different sites and steps draw different masks.
    const other = dropoutMask({ rate: 0.25, seed: 3, rowOffset: 0 }, 2, 4, 64, 256).dataSync();
    expect(other.some((value, index) => value !== mask[index])).toBe(true);
  });

  it('gives a row the same mask whichever worker computes it', () => {
    const network = new LstmNetwork(TINY_CONFIG, initParams(TINY_CONFIG, 7));
    const chunk = randomChunk(TINY_CONFIG, 6, 4, 12);
    const dropout = { rate: 0.3, seed: 9, rowOffset: 0 };
    const whole = network.trainStep(chunk, zeroState(TINY_CONFIG, 4), dropout).score;
    // Rows 0-1 and 2-3 as two workers would get them: their losses add up to the whole chunk's.
    const halves = [0, 2].map(
      (start) =>
        network.trainStep(sliceChunkRows(chunk, start, start + 2), zeroState(TINY_CONFIG, 2), { ...dropout, rowOffset: start }).score,
    );
    const summed = halves.reduce((sum, half) => sum + half.nllPerField.reduce((a, b) => a + b, 0), 0);
    expect(summed).toBeCloseTo(
      whole.nllPerField.reduce((a, b) => a + b, 0),
      3,
    );
    // Dropout changes what is learnt (here, the first layer's input gradient by far more than rounding).
    const gradient = (withDropout?: Dropout) =>
      network.trainStep(chunk, zeroState(TINY_CONFIG, 4), withDropout).grads.get('l0.wxi') as Float32Array;
    const plain = gradient();
    const dropped = gradient(dropout);
    const change = plain.reduce((sum, value, index) => sum + Math.abs(value - (dropped[index] as number)), 0);
    expect(change / plain.reduce((sum, value) => sum + Math.abs(value), 0)).toBeGreaterThan(0.1);
    expect(tf.memory().numTensors).toBeLessThan(10_000);
  });
});
