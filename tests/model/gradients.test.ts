import { beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';
import { LstmNetwork, zeroState } from '../../model/lstm/network.js';
import { initParams, type ParamSet } from '../../model/lstm/params.js';
import { randomChunk, TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

function meanLoss(network: LstmNetwork, chunk: ReturnType<typeof randomChunk>): number {
  const state = zeroState(TINY_CONFIG, chunk.rows);
  const { score } = network.evaluate(chunk, state);
  return score.nllPerField.reduce((a, b) => a + b, 0) / score.events;
}

describe('the hand-written backward pass', () => {
  it('matches finite differences for every kind of weight', () => {
    const params: ParamSet = initParams(TINY_CONFIG, 7);
    // Head biases well above zero keep the ReLUs away from their kink, where finite differences
    // are meaningless; every other weight keeps its random value.
    for (const [name, param] of params) if (name.startsWith('head.c')) param.data.fill(2);
    const network = new LstmNetwork(TINY_CONFIG, params);
    const chunk = randomChunk(TINY_CONFIG, 6, 3, 11, [3]);
    const { grads } = network.trainStep(chunk, zeroState(TINY_CONFIG, chunk.rows));
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
        const up = meanLoss(network, chunk);
        param.data[index] = original - epsilon;
        network.weightsChanged();
        const down = meanLoss(network, chunk);
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
    expect(checked).toBeGreaterThan(100);
  });
});
