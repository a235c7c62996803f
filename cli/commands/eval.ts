import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { loadComposerModel } from '../../model/compose/composerModel.js';
import { startEngine } from '../../model/engine.js';
import { evaluateScores } from '../../model/eval/evaluate.js';
import { prepare } from '../../model/prepare/prepare.js';
import { buildSeedModel, loadSeedParams } from '../../model/seed/seedModel.js';
import { progressBar } from '../progress.js';
import { SHIPPED_MUSICNET_MODEL, SHIPPED_SEED_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';
import { EVAL_USAGE } from '../usages.js';
import { defaultPreparedFolder } from './prepare.js';

export { EVAL_USAGE };

const SPLITS = ['test', 'valid', 'train', 'all'] as const;

export async function runEval(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      checkpoint: { type: 'string' },
      'seed-checkpoint': { type: 'string' },
      split: { type: 'string', default: 'test' },
      samples: { type: 'string', default: '8' },
      pieces: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.data) throw new UsageError(`--data is required: ${EVAL_USAGE}`);
  const split = SPLITS.find((name) => name === values.split);
  if (!split) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got '${values.split}'`);
  const samples = Number(values.samples);
  if (!Number.isInteger(samples) || samples < 3)
    throw new UsageError(`--samples must be a whole number of at least 3, got '${values.samples}'`);
  const pieceLimit = values.pieces === undefined ? undefined : Number(values.pieces);
  if (pieceLimit !== undefined && (!Number.isInteger(pieceLimit) || pieceLimit < 1))
    throw new UsageError(`--pieces must be a positive whole number, got '${values.pieces}'`);
  await startEngine();
  const prepared = prepare(values.data, defaultPreparedFolder(values.data), progressBar('prepare'));
  const dataset = prepared.dataset;
  if (dataset.kind === 'jsb') throw new UsageError('eval scores MusicNet-style scores; for JSB Chorales use partita bench jsb');
  const lstm = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
  const seedFolder = values['seed-checkpoint'] ?? SHIPPED_SEED_MODEL;
  let seed: Parameters<typeof evaluateScores>[2];
  if (existsSync(seedFolder)) {
    const loaded = loadCheckpoint(seedFolder);
    if (loaded.model.arch !== 'seed' || !loaded.model.seedNetwork) throw new UsageError(`${seedFolder} is not a seed-arch model`);
    const model = buildSeedModel(loaded.model.seedNetwork, false);
    loadSeedParams(model, loaded.params);
    seed = { model, shape: loaded.model.seedNetwork };
  } else {
    process.stderr.write(`no seed model at ${seedFolder}: the seed baseline's figures are left out\n`);
  }
  const result = await evaluateScores(dataset, lstm, seed, {
    split,
    samples,
    pieceLimit,
    eventsPerSample: 400,
    generatedPerPiece: 2,
    seedWindows: 2048,
    onProgress: progressBar('eval'),
  });
  const output = { checkpoint: lstm.folder, seed_checkpoint: seed ? seedFolder : null, ...result };
  process.stdout.write(values.json ? `${JSON.stringify(output)}\n` : `${JSON.stringify(output, null, 2)}\n`);
}
