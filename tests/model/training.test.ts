import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, writeModel } from '../../model/checkpoint.js';
import { scoreNetworkConfig } from '../../model/codecs/scoreCodec.js';
import { startEngine } from '../../model/engine.js';
import { adamStep, DEFAULT_ADAM, initAdam } from '../../model/lstm/adam.js';
import { LstmNetwork, zeroState } from '../../model/lstm/network.js';
import { initParams, paramShapes } from '../../model/lstm/params.js';
import { LocalGradientEngine } from '../../model/train/gradientEngine.js';
import { WorkerGradientEngine } from '../../model/train/workerEngine.js';
import { temporaryFolder } from '../helpers/paths.js';
import { randomChunk, TINY_CONFIG } from '../helpers/tinyNetwork.js';

beforeAll(async () => {
  await startEngine();
});

const meanNll = (score: { nllPerField: number[]; events: number }) => score.nllPerField.reduce((a, b) => a + b, 0) / score.events;

describe('the shipped architecture', () => {
  it('has at least three LSTM layers, conditioning rows and a head per field, and fits the size budget', () => {
    const config = scoreNetworkConfig();
    const shapes = new Map(paramShapes(config));
    expect(config.layers).toBeGreaterThanOrEqual(3);
    expect(shapes.get('l2.ui')).toEqual([256, 256]);
    expect(shapes.get('embed')?.[0]).toBe(config.fields.reduce((sum, field) => sum + field.vocab + 1, 0) + config.conditionVocab);
    expect(config.fields.map((field) => shapes.get(`head.w${config.fields.indexOf(field)}`)?.[1])).toEqual(
      config.fields.map((field) => field.vocab),
    );
    const parameters = [...shapes.values()].reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
    expect(parameters * 4).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('training the LSTM', () => {
  it('overfits a single batch', () => {
    const config = { ...TINY_CONFIG, hiddenSize: 32, embedSize: 16, headSize: 32 };
    const params = initParams(config, 1);
    const network = new LstmNetwork(config, params);
    const adam = initAdam(params);
    const chunk = randomChunk(config, 12, 4, 2);
    const first = meanNll(network.evaluate(chunk, zeroState(config, 4)).score);
    for (let step = 0; step < 150; step++) {
      const { grads } = network.trainStep(chunk, zeroState(config, 4));
      adamStep(params, grads, adam, DEFAULT_ADAM, 2e-2);
      network.weightsChanged();
    }
    const last = meanNll(network.evaluate(chunk, zeroState(config, 4)).score);
    expect(last).toBeLessThan(first * 0.25);
  });

  it('computes the same gradients on worker threads as on one thread', async () => {
    const chunk = randomChunk(TINY_CONFIG, 8, 6, 4, [5]);
    const local = new LocalGradientEngine(TINY_CONFIG, initParams(TINY_CONFIG, 6), 6);
    const expected = await local.trainStep(chunk);
    const workers = await WorkerGradientEngine.start(TINY_CONFIG, initParams(TINY_CONFIG, 6), 6, 2);
    const actual = await workers.trainStep(chunk);
    await workers.close();
    expect(actual.score.events).toBe(expected.score.events);
    for (const [name, grad] of expected.grads) {
      const other = actual.grads.get(name) as Float32Array;
      grad.forEach((value, index) => {
        expect(other[index], name).toBeCloseTo(value, 4);
      });
    }
  });

  it('saves and loads a checkpoint that rebuilds the same network', () => {
    const params = initParams(TINY_CONFIG, 8);
    const folder = join(temporaryFolder('checkpoint'), 'model');
    mkdirSync(folder);
    writeModel(folder, { arch: 'lstm', codec: 'score', network: TINY_CONFIG }, params, { note: 'test' });
    const loaded = loadCheckpoint(folder);
    expect(loaded.model.network).toEqual(TINY_CONFIG);
    expect([...loaded.params.keys()]).toEqual([...params.keys()]);
    const chunk = randomChunk(TINY_CONFIG, 6, 2, 3);
    const before = new LstmNetwork(TINY_CONFIG, params).evaluate(chunk, zeroState(TINY_CONFIG, 2)).score;
    const after = new LstmNetwork(TINY_CONFIG, loaded.params).evaluate(chunk, zeroState(TINY_CONFIG, 2)).score;
    expect(after.nllPerField).toEqual(before.nllPerField);
  });
});
