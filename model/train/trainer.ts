import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  commitCheckpoint,
  latestCheckpoint,
  loadCheckpoint,
  type ModelFile,
  packFloatArrays,
  readFloats,
  writeModel,
} from '../checkpoint.js';
import { sequenceLikelihood } from '../eval/likelihood.js';
import { type AdamState, adamStep, DEFAULT_ADAM, initAdam } from '../lstm/adam.js';
import type { NetworkConfig } from '../lstm/config.js';
import { chunkDropoutSeed } from '../lstm/dropout.js';
import { initParams, type ParamSet } from '../lstm/params.js';
import { curvesSvg } from './curves.js';
import type { GradientEngine } from './gradientEngine.js';
import type { EventSequence, SequenceCodec } from './sequences.js';
import { StreamBatcher } from './streams.js';
import { readWarmStart } from './warmStart.js';

export const trainSettingsSchema = z.object({
  rows: z.number().int().positive().default(64),
  steps: z.number().int().positive().default(64),
  learningRate: z.number().positive().default(2e-3),
  /** Dropout on the LSTM's non-recurrent connections while training (`lstm/dropout.ts`); 0 = none. */
  dropout: z.number().min(0).lt(1).default(0),
  /** The learning rate halves when validation stops improving, down to this. */
  minLearningRate: z.number().positive().default(1e-4),
  seed: z.number().int().default(1),
  maxEpochs: z.number().int().positive().default(1000),
  /** Wall-clock budget of this invocation; a checkpoint is written when it runs out. */
  maxMinutes: z.number().positive().optional(),
  checkpointMinutes: z.number().positive().default(5),
  /** Validate every this many chunks as well as at each epoch's end (0: only at epoch ends). */
  validateEveryChunks: z.number().int().nonnegative().default(0),
});
export type TrainSettings = z.infer<typeof trainSettingsSchema>;

/** Where a run stands: written with every checkpoint, read by --resume. */
export interface Progress {
  epoch: number;
  /** The next chunk to train on within the epoch. */
  chunk: number;
  chunksDone: number;
  eventsDone: number;
  trainSeconds: number;
  learningRate: number;
  bestValid: number | null;
  /** Validation NLL per event at each validation, for the curves. */
  validHistory: { chunksDone: number; nll: number; bitsPerNote: number }[];
  trainHistory: { chunksDone: number; nll: number }[];
  /** Every invocation that trained this run, for the model card. */
  invocations?: { command: string; startedAtChunk: number }[];
}

export interface TrainProgressInfo {
  epoch: number;
  chunk: number;
  chunks: number;
  loss: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  budgetSeconds?: number;
}

export interface TrainJob {
  out: string;
  arch: ModelFile['arch'];
  codecName: ModelFile['codec'];
  network: NetworkConfig;
  codec: SequenceCodec;
  train: EventSequence[];
  valid: EventSequence[];
  settings: TrainSettings;
  resume: boolean;
  /** A model folder to train on from when there is no checkpoint to resume (`--warm-start`). */
  warmStart?: string;
  /** Facts about the data for the model card. */
  about: Record<string, unknown>;
  engine: (params: ParamSet, rows: number) => Promise<GradientEngine>;
  onProgress?: (info: TrainProgressInfo) => void;
  log?: (line: string) => void;
}

export interface TrainResult {
  out: string;
  best: string | undefined;
  progress: Progress;
  stoppedBy: 'epochs' | 'budget' | 'learning-rate';
}

const TRAINING_FILE = 'training.json';
const OPTIMIZER_FILE = 'optimizer.bin';
const STATE_FILE = 'lstm-state.bin';
const LOG_FILE = 'log.csv';

function freshProgress(settings: TrainSettings): Progress {
  return {
    epoch: 0,
    chunk: 0,
    chunksDone: 0,
    eventsDone: 0,
    trainSeconds: 0,
    learningRate: settings.learningRate,
    bestValid: null,
    validHistory: [],
    trainHistory: [],
  };
}

function restoreAdam(folder: string, params: ParamSet, step: number): AdamState {
  const state = initAdam(params);
  state.step = step;
  const all = readFloats(join(folder, OPTIMIZER_FILE));
  let offset = 0;
  for (const name of params.keys()) {
    const m = state.m.get(name) as Float32Array;
    const v = state.v.get(name) as Float32Array;
    m.set(all.subarray(offset, offset + m.length));
    offset += m.length;
    v.set(all.subarray(offset, offset + v.length));
    offset += v.length;
  }
  return state;
}

function adamArrays(params: ParamSet, adam: AdamState): Float32Array[] {
  return [...params.keys()].flatMap((name) => [adam.m.get(name) as Float32Array, adam.v.get(name) as Float32Array]);
}

function writeCurves(out: string, progress: Progress, perEventUnit: string): void {
  const svg = curvesSvg('partita training', 'chunks trained', `NLL per event (${perEventUnit})`, [
    { label: 'train', color: '#1f77b4', points: progress.trainHistory.map((p) => ({ x: p.chunksDone, y: p.nll })) },
    { label: 'validation', color: '#d62728', points: progress.validHistory.map((p) => ({ x: p.chunksDone, y: p.nll })) },
  ]);
  writeFileSync(join(out, 'curves.svg'), svg);
}

/**
 * A killed run logged past its last checkpoint; the resumed run trains those chunks again, so
 * their rows go (otherwise the log, and the curves drawn from it, would hold them twice).
 */
function dropLogRowsAfter(logPath: string, chunksDone: number): void {
  if (!existsSync(logPath)) return;
  const [header = '', ...rows] = readFileSync(logPath, 'utf8').trimEnd().split('\n');
  const chunksColumn = header.split(',').indexOf('chunks_done');
  const kept = rows.filter((row) => Number(row.split(',')[chunksColumn]) <= chunksDone);
  writeFileSync(logPath, `${[header, ...kept].join('\n')}\n`);
}

/**
 * The training loop, top to bottom: deal sequences into streams, step through chunks (Adam on
 * the hand-written gradients), validate at each epoch's end, checkpoint every few minutes and
 * when the budget runs out. Everything that decides what happens next lives in the checkpoint,
 * so --resume continues exactly where a killed run last saved.
 */
export async function train(job: TrainJob): Promise<TrainResult> {
  const { settings, out } = job;
  const log = job.log ?? (() => {});
  mkdirSync(out, { recursive: true });
  let params: ParamSet;
  let adam: AdamState;
  let progress: Progress;
  let carried: Float32Array[] | undefined;
  const resumeFrom = job.resume ? latestCheckpoint(out) : undefined;
  if (resumeFrom) {
    const loaded = loadCheckpoint(resumeFrom);
    params = loaded.params;
    progress = JSON.parse(readFileSync(join(resumeFrom, TRAINING_FILE), 'utf8')) as Progress;
    adam = restoreAdam(resumeFrom, params, Number(loaded.model.about.adamStep ?? 0));
    const saved = existsSync(join(resumeFrom, STATE_FILE)) ? readFloats(join(resumeFrom, STATE_FILE)) : undefined;
    // The carried state only fits the same number of rows; with another --rows it starts from zero.
    if (saved?.length === job.network.layers * 2 * settings.rows * job.network.hiddenSize)
      carried = splitState(saved, job.network.layers * 2);
    else if (saved) log('the saved LSTM state was for another number of rows: starting it from zero');
    dropLogRowsAfter(join(out, LOG_FILE), progress.chunksDone);
    log(`resuming from ${resumeFrom}: epoch ${progress.epoch + 1}, chunk ${progress.chunk}, ${progress.chunksDone} chunks done`);
  } else {
    const warm = job.warmStart ? readWarmStart(job.warmStart, job.network) : undefined;
    if (job.resume) log(`nothing to resume in ${out}: ${warm ? `training on from ${warm.folder}` : 'starting a new run'}`);
    params = warm?.params ?? initParams(job.network, settings.seed);
    adam = initAdam(params);
    progress = warm
      ? {
          ...freshProgress(settings),
          epoch: warm.epoch,
          chunksDone: warm.chunksDone,
          eventsDone: warm.eventsDone,
          trainSeconds: warm.trainSeconds,
          bestValid: warm.bestValid,
          validHistory: warm.validHistory,
          trainHistory: warm.trainHistory,
          invocations: [
            ...warm.invocations,
            { command: `warm start from ${warm.folder} (optimizer moments restarted)`, startedAtChunk: warm.chunksDone },
          ],
        }
      : freshProgress(settings);
    writeFileSync(
      join(out, LOG_FILE),
      warm?.logCsv ??
        'train_seconds,epoch,chunks_done,events_done,train_nll,valid_nll,valid_bits_per_note,learning_rate,tokens_per_second\n',
    );
  }
  progress.invocations = [
    ...(progress.invocations ?? []),
    { command: String(job.about.command ?? 'train'), startedAtChunk: progress.chunksDone },
  ];
  // A small folder of MIDI files can have every piece in train: train on, without validation.
  if (job.valid.length === 0) log('no validation pieces in this data: validation and best/ are skipped');
  const batcher = new StreamBatcher(job.train, job.codec, settings.rows, settings.steps, settings.seed);
  const engine = await job.engine(params, settings.rows);
  if (carried) await engine.setState(carried);
  const started = performance.now();
  const sessionSeconds = () => (performance.now() - started) / 1000;
  const budgetSeconds = settings.maxMinutes ? settings.maxMinutes * 60 : undefined;
  let lastCheckpoint = performance.now();
  let smoothedLoss = Number.NaN;
  let windowEvents = 0;
  let windowStart = performance.now();
  let tokensPerSecond = 0;

  const about = () => ({
    ...job.about,
    adamStep: adam.step,
    chunksDone: progress.chunksDone,
    eventsTrained: progress.eventsDone,
    epochs: progress.epoch + progress.chunk / Math.max(1, batcher.chunksPerEpoch(progress.epoch)),
    trainSeconds: Math.round(progress.trainSeconds),
    bestValidNllPerEvent: progress.bestValid,
    invocations: progress.invocations,
    settings,
  });

  const checkpoint = async () => {
    const carriedState = await engine.getState();
    commitCheckpoint(out, `checkpoint-${String(progress.chunksDone).padStart(7, '0')}`, (folder) => {
      writeModel(folder, { arch: job.arch, codec: job.codecName, network: job.network }, params, about());
      writeFileSync(join(folder, OPTIMIZER_FILE), packFloatArrays(adamArrays(params, adam)));
      writeFileSync(join(folder, STATE_FILE), packFloatArrays(carriedState));
      writeFileSync(join(folder, TRAINING_FILE), `${JSON.stringify(progress)}\n`);
    });
    lastCheckpoint = performance.now();
  };

  const validate = () => {
    if (job.valid.length === 0) return;
    const figures = sequenceLikelihood(engine.network, job.codec, job.valid);
    const nll = figures.nllNats / Math.max(1, figures.events);
    progress.validHistory.push({ chunksDone: progress.chunksDone, nll, bitsPerNote: figures.bitsPerNote });
    appendFileSync(
      join(out, LOG_FILE),
      `${progress.trainSeconds.toFixed(1)},${progress.epoch},${progress.chunksDone},${progress.eventsDone},,${nll.toFixed(5)},${figures.bitsPerNote.toFixed(4)},${progress.learningRate},\n`,
    );
    log(`validation after ${progress.chunksDone} chunks: ${nll.toFixed(4)} nats/event, ${figures.bitsPerNote.toFixed(3)} bits/note`);
    if (progress.bestValid === null || nll < progress.bestValid) {
      progress.bestValid = nll;
      mkdirSync(join(out, 'best'), { recursive: true });
      writeModel(join(out, 'best'), { arch: job.arch, codec: job.codecName, network: job.network }, params, {
        ...about(),
        validBitsPerNote: figures.bitsPerNote,
      });
    } else {
      progress.learningRate = Math.max(settings.minLearningRate, progress.learningRate / 2);
      log(`validation did not improve: learning rate now ${progress.learningRate}`);
    }
    writeCurves(out, progress, 'nats');
  };

  let stoppedBy: TrainResult['stoppedBy'] = 'epochs';
  training: while (progress.epoch < settings.maxEpochs) {
    const chunks = batcher.chunksPerEpoch(progress.epoch);
    while (progress.chunk < chunks) {
      if (budgetSeconds !== undefined && sessionSeconds() >= budgetSeconds) {
        stoppedBy = 'budget';
        break training;
      }
      const stepStarted = performance.now();
      const chunk = batcher.chunk(progress.epoch, progress.chunk);
      const dropout =
        settings.dropout > 0
          ? { rate: settings.dropout, seed: chunkDropoutSeed(settings.seed, progress.epoch, progress.chunk), rowOffset: 0 }
          : undefined;
      const { score, grads } = await engine.trainStep(chunk, dropout);
      adamStep(params, grads, adam, DEFAULT_ADAM, progress.learningRate);
      engine.weightsChanged();
      const loss = score.nllPerField.reduce((a, b) => a + b, 0) / Math.max(1, score.events);
      smoothedLoss = Number.isNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
      progress.chunk++;
      progress.chunksDone++;
      progress.eventsDone += score.events;
      progress.trainSeconds += (performance.now() - stepStarted) / 1000;
      windowEvents += chunk.rows * chunk.steps;
      const windowSeconds = (performance.now() - windowStart) / 1000;
      if (windowSeconds > 20) {
        tokensPerSecond = windowEvents / windowSeconds;
        progress.trainHistory.push({ chunksDone: progress.chunksDone, nll: smoothedLoss });
        appendFileSync(
          join(out, LOG_FILE),
          `${progress.trainSeconds.toFixed(1)},${progress.epoch},${progress.chunksDone},${progress.eventsDone},${smoothedLoss.toFixed(5)},,,${progress.learningRate},${tokensPerSecond.toFixed(0)}\n`,
        );
        windowEvents = 0;
        windowStart = performance.now();
      }
      job.onProgress?.({
        epoch: progress.epoch,
        chunk: progress.chunk,
        chunks,
        loss: smoothedLoss,
        tokensPerSecond: tokensPerSecond || windowEvents / Math.max(1e-3, windowSeconds),
        elapsedSeconds: sessionSeconds(),
        budgetSeconds,
      });
      if (settings.validateEveryChunks > 0 && progress.chunksDone % settings.validateEveryChunks === 0) validate();
      if ((performance.now() - lastCheckpoint) / 60000 >= settings.checkpointMinutes) await checkpoint();
    }
    progress.epoch++;
    progress.chunk = 0;
    await engine.resetState();
    validate();
    await checkpoint();
    if (progress.learningRate <= settings.minLearningRate && progress.validHistory.length > 3) {
      const recent = progress.validHistory.slice(-3).map((entry) => entry.nll);
      if (Math.min(...recent) > (progress.bestValid ?? 0)) {
        stoppedBy = 'learning-rate';
        break;
      }
    }
  }
  await checkpoint();
  writeCurves(out, progress, 'nats');
  await engine.close();
  return { out, best: existsSync(join(out, 'best')) ? join(out, 'best') : undefined, progress, stoppedBy };
}

function splitState(all: Float32Array, pieces: number): Float32Array[] {
  const size = all.length / pieces;
  return Array.from({ length: pieces }, (_, index) => all.slice(index * size, (index + 1) * size));
}
