import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../model/engine.js';

describe('engine selection', () => {
  it('runs the fastest backend that loads and says why it passed over the others', async () => {
    const engine = await startEngine();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(engine.name);
    expect(tf.getBackend()).toBe(engine.name);
    if (engine.name !== 'tensorflow') expect(engine.notes.join(' ')).toMatch(/tensorflow/);
    expect(await startEngine()).toBe(engine);
  });
});
