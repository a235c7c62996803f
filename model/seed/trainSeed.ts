import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { commitCheckpoint, latestCheckpoint, loadCheckpoint, writeModel } from '../checkpoint.js';
import type { SeedArray } from '../encoding/seedNotes.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import { curvesSvg } from '../train/curves.js';
import { buildSeedModel, loadSeedParams, PITCH_CLASSES, type SeedNetwork, seedModelParams } from './seedModel.js';
import { type SeedBatch, seedBatch, shuffledOrder, windowStarts } from './seedWindows.js';

export interface SeedTrainJob {
  out: string;
  seed: SeedArray;
  train: PreparedPiece[];
  valid: PreparedPiece[];
  maxMinutes?: number;
  maxEpochs: number;
  shuffleSeed: number;
  resume: boolean;
  shape: SeedNetwork;
  about: Record<string, unknown>;
  onProgress?: (done: number, total: number, label: string) => void;
  log?: (line: string) => void;
}

const BATCH_SIZE = 64;
const VALID_WINDOWS = 1024;
const CHECKPOINT_MINUTES = 5;

interface SeedProgress {
  epoch: number;
  batch: number;
  batchesDone: number;
  trainSeconds: number;
  history: { batchesDone: number; trainLoss: number; validLoss?: number }[];
}

function batchTensors(batch: SeedBatch, windowNotes: number): { x: tf.Tensor; ys: tf.Tensor[] } {
  return {
    x: tf.tensor3d(batch.inputs, [batch.size, windowNotes, 3]),
    ys: [
      tf.oneHot(tf.tensor1d(batch.pitches, 'int32'), PITCH_CLASSES),
      tf.tensor2d(batch.steps, [batch.size, 1]),
      tf.tensor2d(batch.durations, [batch.size, 1]),
    ],
  };
}

/** Trains the seed baseline with model.fit, one batch at a time, checkpointing like the LSTM trainer. */
export async function trainSeed(job: SeedTrainJob): Promise<{ out: string; progress: SeedProgress }> {
  const { shape } = job;
  const log = job.log ?? (() => {});
  mkdirSync(job.out, { recursive: true });
  const model = buildSeedModel(shape);
  let progress: SeedProgress = { epoch: 0, batch: 0, batchesDone: 0, trainSeconds: 0, history: [] };
  const resumeFrom = job.resume ? latestCheckpoint(job.out) : undefined;
  if (resumeFrom) {
    loadSeedParams(model, loadCheckpoint(resumeFrom).params);
    progress = JSON.parse(readFileSync(join(resumeFrom, 'training.json'), 'utf8')) as SeedProgress;
    const optimizerFile = join(resumeFrom, 'optimizer.json');
    if (existsSync(optimizerFile)) {
      const saved = JSON.parse(readFileSync(optimizerFile, 'utf8')) as { name: string; shape: number[]; values: number[] }[];
      await model.optimizer.setWeights(saved.map((entry) => ({ name: entry.name, tensor: tf.tensor(entry.values, entry.shape) })));
    }
    log(`resuming seed training from ${resumeFrom} at epoch ${progress.epoch + 1}, batch ${progress.batch}`);
  } else {
    writeFileSync(join(job.out, 'log.csv'), 'train_seconds,epoch,batches_done,train_loss,valid_loss\n');
  }
  const starts = windowStarts(job.train, shape.windowNotes);
  const validStarts = windowStarts(job.valid, shape.windowNotes);
  const validBatch = seedBatch(job.seed, validStarts, shape.windowNotes, VALID_WINDOWS, job.shuffleSeed, 0, 0);
  const batchesPerEpoch = Math.ceil(starts.length / BATCH_SIZE);
  const started = performance.now();
  let lastCheckpoint = performance.now();
  let smoothed = Number.NaN;

  const validate = (): number => {
    const { x, ys } = batchTensors(validBatch, shape.windowNotes);
    const losses = model.evaluate(x, ys, { batchSize: 256 }) as tf.Scalar[];
    const total = losses[0]?.dataSync()[0] ?? Number.NaN;
    tf.dispose([x, ...ys, ...losses]);
    return total;
  };
  const checkpoint = async () => {
    const validLoss = validate();
    progress.history.push({ batchesDone: progress.batchesDone, trainLoss: smoothed, validLoss });
    appendFileSync(
      join(job.out, 'log.csv'),
      `${progress.trainSeconds.toFixed(1)},${progress.epoch},${progress.batchesDone},${smoothed},${validLoss}\n`,
    );
    const optimizerWeights = await model.optimizer.getWeights();
    commitCheckpoint(job.out, `checkpoint-${String(progress.batchesDone).padStart(7, '0')}`, (folder) => {
      writeModel(folder, { arch: 'seed', codec: 'seed', seedNetwork: shape }, seedModelParams(model), {
        ...job.about,
        batchesDone: progress.batchesDone,
        windowsTrained: progress.batchesDone * BATCH_SIZE,
        trainSeconds: Math.round(progress.trainSeconds),
        validLoss,
      });
      writeFileSync(join(folder, 'training.json'), `${JSON.stringify(progress)}\n`);
      writeFileSync(
        join(folder, 'optimizer.json'),
        JSON.stringify(
          optimizerWeights.map((entry) => ({ name: entry.name, shape: entry.tensor.shape, values: Array.from(entry.tensor.dataSync()) })),
        ),
      );
    });
    writeFileSync(
      join(job.out, 'curves.svg'),
      curvesSvg('seed baseline training', 'batches trained', 'weighted loss', [
        { label: 'train', color: '#1f77b4', points: progress.history.map((h) => ({ x: h.batchesDone, y: h.trainLoss })) },
        {
          label: 'validation',
          color: '#d62728',
          points: progress.history.map((h) => ({ x: h.batchesDone, y: h.validLoss ?? h.trainLoss })),
        },
      ]),
    );
    lastCheckpoint = performance.now();
    log(`seed checkpoint after ${progress.batchesDone} batches: validation loss ${validLoss.toFixed(4)}`);
  };

  outer: while (progress.epoch < job.maxEpochs) {
    const order = shuffledOrder(starts.length, job.shuffleSeed, progress.epoch);
    while (progress.batch < batchesPerEpoch) {
      if (job.maxMinutes !== undefined && (performance.now() - started) / 60000 >= job.maxMinutes) break outer;
      const stepStarted = performance.now();
      const { x, ys } = batchTensors(
        seedBatch(job.seed, starts, shape.windowNotes, BATCH_SIZE, job.shuffleSeed, progress.epoch, progress.batch, order),
        shape.windowNotes,
      );
      const history = await model.fit(x, ys, { batchSize: BATCH_SIZE, epochs: 1, verbose: 0, shuffle: false });
      tf.dispose([x, ...ys]);
      const loss = Number(history.history.loss?.[0] ?? Number.NaN);
      smoothed = Number.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
      progress.batch++;
      progress.batchesDone++;
      progress.trainSeconds += (performance.now() - stepStarted) / 1000;
      job.onProgress?.(progress.batch, batchesPerEpoch, `epoch ${progress.epoch + 1} loss ${smoothed.toFixed(4)}`);
      if ((performance.now() - lastCheckpoint) / 60000 >= CHECKPOINT_MINUTES) await checkpoint();
    }
    progress.epoch++;
    progress.batch = 0;
  }
  await checkpoint();
  mkdirSync(join(job.out, 'best'), { recursive: true });
  const latest = latestCheckpoint(job.out);
  if (latest) {
    const loaded = loadCheckpoint(latest);
    writeModel(join(job.out, 'best'), { arch: 'seed', codec: 'seed', seedNetwork: shape }, loaded.params, loaded.model.about);
  }
  model.dispose();
  return { out: job.out, progress };
}
