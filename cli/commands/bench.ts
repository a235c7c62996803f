import { parseArgs } from 'node:util';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_TRAIN_SPEED, measureTrainSpeed } from '../../model/bench/trainSpeed.js';
import { loadComposerModel } from '../../model/compose/composerModel.js';
import { startEngine } from '../../model/engine.js';
import { DEFAULT_CONDITIONING, measureConditioning, realKeyAgreement, realMetreAgreement } from '../../model/eval/conditioning.js';
import { loadMusicNet } from '../../model/ingest/musicnet.js';
import { prepare } from '../../model/prepare/prepare.js';
import { codedData } from '../../model/train/dataForTraining.js';
import { progressBar } from '../progress.js';
import { SHIPPED_MUSICNET_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';
import { BENCH_USAGE } from '../usages.js';
import { runJsbBenchmark } from './benchJsb.js';
import { runSpeedBenchmark } from './benchSpeed.js';
import { defaultPreparedFolder } from './prepare.js';

export { BENCH_USAGE };

const DEFAULT_MUSICNET = '../shared/data/musicnet';

export async function runBench(argv: string[]): Promise<void> {
  const [which, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean', default: false },
      data: { type: 'string' },
      checkpoint: { type: 'string' },
      'seed-checkpoint': { type: 'string' },
      train: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      'key-guidance': { type: 'string' },
      'metre-guidance': { type: 'string' },
      'top-p': { type: 'string' },
      'metres-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  // Generation speed is quoted for one CPU thread: the seed model's tfjs-wasm gets one too.
  if (which === 'speed') setThreadsCount(1);
  await startEngine();
  let result: Record<string, unknown>;
  switch (which) {
    case 'train': {
      const data = values.data ?? DEFAULT_MUSICNET;
      const prepared = prepare(data, defaultPreparedFolder(data), progressBar('prepare'));
      result = { benchmark: 'train', ...(await measureTrainSpeed(codedData(prepared.dataset), DEFAULT_TRAIN_SPEED)) };
      break;
    }
    case 'speed':
      result = await runSpeedBenchmark({ checkpoint: values.checkpoint, seedCheckpoint: values['seed-checkpoint'] });
      break;
    case 'conditioning': {
      const model = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
      const real = loadMusicNet(values.data ?? DEFAULT_MUSICNET, progressBar('read MusicNet')).scores;
      result = {
        benchmark: 'conditioning',
        ...(await measureConditioning(model, {
          ...DEFAULT_CONDITIONING,
          ...(values['key-guidance'] !== undefined && { keyGuidance: Number(values['key-guidance']) }),
          ...(values['metre-guidance'] !== undefined && { metreGuidance: Number(values['metre-guidance']) }),
          ...(values['metres-only'] && { keys: [] }),
          ...(values['top-p'] !== undefined && { topP: Number(values['top-p']) }),
          onProgress: progressBar('conditioning'),
        })),
        real_reference: {
          ...realKeyAgreement(real, DEFAULT_CONDITIONING.seconds),
          metres: realMetreAgreement(real, DEFAULT_CONDITIONING.metres),
        },
      };
      break;
    }
    case 'jsb':
      result = await runJsbBenchmark(values);
      break;
    default:
      throw new UsageError(`unknown benchmark '${which ?? ''}': ${BENCH_USAGE}`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
}
