import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../checkpoint.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { ParamSet } from '../lstm/params.js';
import { widenParams, widensInPlace } from '../lstm/widen.js';
import type { Progress } from './trainer.js';

/** What a shipped model still knows of the run that made it. */
export interface WarmStart
  extends Pick<Progress, 'epoch' | 'chunksDone' | 'eventsDone' | 'trainSeconds' | 'bestValid' | 'validHistory' | 'trainHistory'> {
  params: ParamSet;
  folder: string;
  invocations: NonNullable<Progress['invocations']>;
  /** The model's own log.csv, carried into the new run so its curves show the whole history. */
  logCsv: string | undefined;
}

/**
 * A run folder lives on one machine; what is committed is the model folder (weights and
 * totals, no optimizer moments: those would double its size). Training on from it on a fresh
 * machine keeps the weights, the totals and the curve, and restarts Adam's moments at zero
 * (step 0, so its bias correction makes the first updates ordinary ones, not 3x larger). A
 * model from before features were appended to the encoding is widened in place (model/lstm/widen.ts).
 */
export function readWarmStart(path: string, network: NetworkConfig): WarmStart {
  const loaded = loadCheckpoint(path);
  const trained = loaded.model.network;
  const same = JSON.stringify(trained) === JSON.stringify(network);
  if (!trained || (!same && !widensInPlace(trained, network)))
    throw new Error(`${loaded.folder} was trained with another network or encoding than this data gives: it cannot be trained on here`);
  const about = loaded.model.about;
  const logPath = join(loaded.folder, 'log.csv');
  const logCsv = existsSync(logPath) ? readFileSync(logPath, 'utf8') : undefined;
  const chunksDone = Number(about.chunksDone ?? 0);
  const history = parseLog(logCsv ?? '', chunksDone);
  return {
    params: same ? loaded.params : widenParams(loaded.params, trained, network),
    folder: loaded.folder,
    epoch: Math.round(Number(about.epochs ?? 0)),
    chunksDone,
    eventsDone: Number(about.eventsTrained ?? 0),
    trainSeconds: Number(about.trainSeconds ?? 0),
    bestValid: typeof about.bestValidNllPerEvent === 'number' ? about.bestValidNllPerEvent : null,
    ...history,
    invocations: Array.isArray(about.invocations) ? (about.invocations as WarmStart['invocations']) : [],
    logCsv: logCsv
      ?.split('\n')
      .filter((line, index) => index === 0 || rowChunks(line) <= chunksDone)
      .join('\n')
      .concat('\n'),
  };
}

function rowChunks(line: string): number {
  return Number(line.split(',')[2] ?? Number.POSITIVE_INFINITY);
}

/** The curves up to the model's own chunk: later rows belong to updates the model never got. */
function parseLog(csv: string, upToChunk: number): Pick<WarmStart, 'validHistory' | 'trainHistory'> {
  const validHistory: WarmStart['validHistory'] = [];
  const trainHistory: WarmStart['trainHistory'] = [];
  for (const line of csv.split('\n').slice(1)) {
    const [, , chunks, , trainNll, validNll, bits] = line.split(',');
    const chunksDone = Number(chunks);
    if (!line || !(chunksDone <= upToChunk)) continue;
    if (trainNll) trainHistory.push({ chunksDone, nll: Number(trainNll) });
    if (validNll) validHistory.push({ chunksDone, nll: Number(validNll), bitsPerNote: Number(bits) });
  }
  return { validHistory, trainHistory };
}
