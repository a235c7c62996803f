import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepare } from '../../model/prepare/prepare.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usageError.js';
import { PREPARE_USAGE } from '../usages.js';
import { formatPrepareSummary } from './prepareReport.js';

export { PREPARE_USAGE };

/** Where prepared arrays go unless --out says otherwise: one folder per data path. */
export function defaultPreparedFolder(dataPath: string): string {
  const absolute = resolve(dataPath);
  const tag = createHash('sha256').update(absolute).digest('hex').slice(0, 8);
  return join('.partita', 'prepared', `${basename(absolute).replace(/[^\w.-]+/g, '_')}-${tag}`);
}

export function runPrepare(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.data) throw new UsageError(`--data is required: ${PREPARE_USAGE}`);
  const out = values.out ?? defaultPreparedFolder(values.data);
  const started = performance.now();
  const result = prepare(values.data, out, progressBar('prepare'));
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    ...result.dataset.manifest.summary,
    data: result.dataset.manifest.data,
    out: result.out,
    cached: result.cached,
    seconds,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatPrepareSummary(summary)}\n`);
}
