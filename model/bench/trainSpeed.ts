import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { median } from '../arrays.js';
import { adamStep, DEFAULT_ADAM, initAdam } from '../lstm/adam.js';
import { InputEmbedding } from '../lstm/embed.js';
import { getParam, initParams } from '../lstm/params.js';
import type { CodedData } from '../train/dataForTraining.js';
import { type GradientEngine, LocalGradientEngine } from '../train/gradientEngine.js';
import { StreamBatcher } from '../train/streams.js';
import { WorkerGradientEngine } from '../train/workerEngine.js';
import { fitOneBatch, stockLstmModel } from './stockLstm.js';

export interface TrainSpeedOptions {
  rows: number;
  steps: number;
  /** Timed chunks per contender, after one untimed warm-up chunk. */
  chunks: number;
  threads: number;
}

export const DEFAULT_TRAIN_SPEED: TrainSpeedOptions = { rows: 32, steps: 64, chunks: 4, threads: Math.min(2, availableParallelism()) };

async function timeOurs(
  data: CodedData,
  batcher: StreamBatcher,
  options: TrainSpeedOptions,
  makeEngine: (params: ReturnType<typeof initParams>) => Promise<GradientEngine>,
): Promise<number[]> {
  const params = initParams(data.network, 1);
  const adam = initAdam(params);
  const engine = await makeEngine(params);
  const seconds: number[] = [];
  for (let index = 0; index <= options.chunks; index++) {
    const chunk = batcher.chunk(0, index);
    const started = performance.now();
    const { grads } = await engine.trainStep(chunk);
    adamStep(params, grads, adam, DEFAULT_ADAM);
    engine.weightsChanged();
    if (index > 0) seconds.push((performance.now() - started) / 1000);
  }
  await engine.close();
  return seconds;
}

/**
 * Tokens per second training the same 3x256 LSTM on the same MusicNet chunks three ways, in
 * one run: ours on worker threads, ours on one thread, and stock tf.layers.lstm + model.fit
 * (fed our embedded inputs and a pitch softmax, so it does at most the work ours does).
 */
export async function measureTrainSpeed(data: CodedData, options: TrainSpeedOptions = DEFAULT_TRAIN_SPEED) {
  const batcher = new StreamBatcher(data.split('train'), data.codec, options.rows, options.steps, 1);
  const tokens = options.rows * options.steps;
  const oursThreads = await timeOurs(data, batcher, options, (params) =>
    WorkerGradientEngine.start(data.network, params, options.rows, options.threads),
  );
  const oursSingle = await timeOurs(data, batcher, options, async (params) => new LocalGradientEngine(data.network, params, options.rows));

  const { embedSize, hiddenSize, layers } = data.network;
  const embedding = new InputEmbedding(data.network, getParam(initParams(data.network, 1), 'embed').data);
  const model = stockLstmModel(options.steps, embedSize, hiddenSize, layers, data.network.fields[2]?.vocab ?? 128);
  const stock: number[] = [];
  for (let index = 0; index <= Math.max(2, Math.ceil(options.chunks / 2)); index++) {
    const chunk = batcher.chunk(0, index);
    const inputs = new Float32Array(options.rows * options.steps * embedSize);
    const targets = new Float32Array(options.rows * options.steps * (data.network.fields[2]?.vocab ?? 128));
    for (let step = 0; step < options.steps; step++) {
      const stepInputs = embedding.lookup(chunk, step);
      for (let row = 0; row < options.rows; row++) {
        inputs.set(stepInputs.subarray(row * embedSize, (row + 1) * embedSize), (row * options.steps + step) * embedSize);
        const pitch = chunk.targets[(step * options.rows + row) * chunk.fields + 2] as number;
        targets[(row * options.steps + step) * 128 + pitch] = 1;
      }
    }
    const x = tf.tensor3d(inputs, [options.rows, options.steps, embedSize]);
    const y = tf.tensor3d(targets, [options.rows, options.steps, 128]);
    const seconds = await fitOneBatch(model, x, y);
    if (index > 0) stock.push(seconds);
    x.dispose();
    y.dispose();
  }
  model.dispose();

  const rate = (seconds: number[]) => tokens / median(seconds);
  const ours = rate(oursThreads);
  const single = rate(oursSingle);
  const stockRate = rate(stock);
  return {
    backend: tf.getBackend(),
    network: `${layers}x${hiddenSize} LSTM`,
    rows: options.rows,
    steps: options.steps,
    threads: options.threads,
    ours_tokens_per_second: Math.round(ours),
    ours_single_thread_tokens_per_second: Math.round(single),
    stock_tokens_per_second: Math.round(stockRate),
    speedup: Number((ours / stockRate).toFixed(2)),
    speedup_single_thread: Number((single / stockRate).toFixed(2)),
    seconds_per_chunk: { ours: oursThreads, ours_single_thread: oursSingle, stock },
  };
}
