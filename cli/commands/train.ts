import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startEngine } from '../../model/engine.js';
import { prepare } from '../../model/prepare/prepare.js';
import { DEFAULT_SEED_NETWORK } from '../../model/seed/seedModel.js';
import { trainSeed } from '../../model/seed/trainSeed.js';
import { codedData } from '../../model/train/dataForTraining.js';
import { LocalGradientEngine } from '../../model/train/gradientEngine.js';
import { train, trainSettingsSchema } from '../../model/train/trainer.js';
import { WorkerGradientEngine } from '../../model/train/workerEngine.js';
import { formatSeconds, progressBar } from '../progress.js';
import { UsageError } from '../usageError.js';
import { TRAIN_USAGE } from '../usages.js';
import { defaultPreparedFolder } from './prepare.js';

export { TRAIN_USAGE };

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return number;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return number;
}

export async function runTrain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      arch: { type: 'string', default: 'lstm' },
      out: { type: 'string' },
      'max-minutes': { type: 'string' },
      resume: { type: 'boolean', default: false },
      'warm-start': { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      hidden: { type: 'string' },
      layers: { type: 'string' },
      rows: { type: 'string' },
      steps: { type: 'string' },
      'learning-rate': { type: 'string' },
      'min-learning-rate': { type: 'string' },
      dropout: { type: 'string' },
      threads: { type: 'string' },
      'checkpoint-minutes': { type: 'string' },
    },
    strict: true,
  });
  if (!values.data) throw new UsageError(`--data is required: ${TRAIN_USAGE}`);
  if (values.arch !== 'lstm' && values.arch !== 'seed') throw new UsageError(`--arch must be lstm or seed, got '${values.arch}'`);
  const layers = positiveNumber('layers', values.layers);
  if (layers !== undefined && layers < 3) throw new UsageError('--layers must be at least 3');
  // Every number is checked before any work starts, so a typo costs nothing.
  const hidden = positiveNumber('hidden', values.hidden);
  const maxMinutes = positiveNumber('max-minutes', values['max-minutes']);
  const epochs = positiveNumber('epochs', values.epochs);
  const dropout = values.dropout === undefined ? undefined : Number(values.dropout);
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1))
    throw new UsageError(`--dropout must be a share from 0 up to (not including) 1, got '${values.dropout}'`);
  const threads = positiveNumber('threads', values.threads) ?? Math.min(2, availableParallelism());
  const settings = trainSettingsSchema.parse({
    maxMinutes,
    maxEpochs: epochs,
    seed: wholeNumber('seed', values.seed),
    rows: positiveNumber('rows', values.rows),
    steps: positiveNumber('steps', values.steps),
    learningRate: positiveNumber('learning-rate', values['learning-rate']),
    minLearningRate: positiveNumber('min-learning-rate', values['min-learning-rate']),
    dropout,
    checkpointMinutes: positiveNumber('checkpoint-minutes', values['checkpoint-minutes']),
  });
  // Halving stops at the floor, so a start below it would be raised at the first setback.
  if (settings.minLearningRate > settings.learningRate)
    throw new UsageError(`--min-learning-rate (${settings.minLearningRate}) is above --learning-rate (${settings.learningRate})`);
  const engineInfo = await startEngine();
  process.stderr.write(`engine: ${engineInfo.name}${engineInfo.notes.length ? ` (${engineInfo.notes.join('; ')})` : ''}\n`);
  const prepared = prepare(values.data, defaultPreparedFolder(values.data), progressBar('prepare'));
  const out = values.out ?? `runs/${prepared.dataset.kind}-${values.arch}`;
  const about = {
    data: prepared.dataset.manifest.data,
    dataKind: prepared.dataset.kind,
    engine: engineInfo.name,
    command: `partita train ${argv.join(' ')}`,
  };
  if (values.arch === 'seed') {
    const dataset = prepared.dataset;
    if (dataset.kind === 'jsb')
      throw new UsageError('--arch seed reads notes with times in seconds: use MusicNet or a MIDI folder, not JSB');
    const bar = progressBar('train seed');
    const result = await trainSeed({
      out,
      seed: dataset.seed,
      train: dataset.pieces.filter((piece) => piece.split === 'train'),
      valid: dataset.pieces.filter((piece) => piece.split === 'valid'),
      maxMinutes,
      maxEpochs: epochs ?? 1000,
      shuffleSeed: settings.seed,
      resume: values.resume,
      shape: {
        ...DEFAULT_SEED_NETWORK,
        ...(hidden ? { hiddenSize: hidden } : {}),
      },
      about,
      onProgress: bar,
      log: (line) => process.stderr.write(`\n${line}\n`),
    });
    process.stdout.write(
      `${JSON.stringify({ out: result.out, best: `${result.out}/best`, arch: 'seed', batches: result.progress.batchesDone })}\n`,
    );
    return;
  }
  // One width for the whole net keeps the flag simple: embeddings, LSTM and heads alike.
  const data = codedData(prepared.dataset, hidden ? { hiddenSize: hidden, embedSize: hidden, headSize: hidden, layers } : { layers });
  const bar = progressBar('train');
  const result = await train({
    out,
    arch: values.arch,
    codecName: data.codecName,
    network: data.network,
    codec: data.codec,
    train: data.split('train'),
    valid: data.split('valid'),
    settings,
    resume: values.resume,
    warmStart: values['warm-start'],
    about: { ...about, threads },
    engine: async (params, rows) =>
      threads > 1 ? WorkerGradientEngine.start(data.network, params, rows, threads) : new LocalGradientEngine(data.network, params, rows),
    onProgress: (info) =>
      bar(
        info.chunk,
        info.chunks,
        `epoch ${info.epoch + 1} loss ${info.loss.toFixed(3)} ${Math.round(info.tokensPerSecond)} tok/s${info.budgetSeconds ? ` budget ${formatSeconds(info.budgetSeconds - info.elapsedSeconds)} left` : ''}`,
      ),
    log: (line) => process.stderr.write(`\n${line}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ out: result.out, best: result.best, stoppedBy: result.stoppedBy, epochs: result.progress.epoch, chunks: result.progress.chunksDone, bestValidNllPerEvent: result.progress.bestValid })}\n`,
  );
}
