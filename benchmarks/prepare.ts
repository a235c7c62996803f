/**
 * How long `partita prepare` takes on MusicNet: cold (fresh output folder, every file parsed and
 * encoded) and warm (a repeat run that reuses the cache), each as whole CLI runs including
 * Node's start-up. Prints one JSON object with medians.
 *
 *     npm run bench:prepare [-- --data ../shared/data/musicnet --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../model/arrays.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repoRoot, '..', 'shared', 'data', 'musicnet') },
    runs: { type: 'string', default: '5' },
  },
});
const runs = Number(values.runs);

function timePrepare(out: string): { seconds: number; summary: { pieces: number; notes: number; cached: boolean } } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'partita.js'), 'prepare', '--data', values.data, '--out', out, '--json'], {
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`prepare failed: ${run.stderr}`);
  return { seconds, summary: JSON.parse(run.stdout) };
}

const cold: number[] = [];
const warm: number[] = [];
let pieces = 0;
let notes = 0;
for (let run = 0; run < runs; run++) {
  const out = mkdtempSync(join(tmpdir(), 'partita-bench-prepare-'));
  const first = timePrepare(out);
  if (first.summary.cached) throw new Error('a fresh folder was reported as cached');
  cold.push(first.seconds);
  pieces = first.summary.pieces;
  notes = first.summary.notes;
  const second = timePrepare(out);
  if (!second.summary.cached) throw new Error('the repeat run did not reuse the cache');
  warm.push(second.seconds);
  rmSync(out, { recursive: true, force: true });
  process.stderr.write(`run ${run + 1}/${runs}: cold ${first.seconds.toFixed(2)} s, warm ${second.seconds.toFixed(2)} s\n`);
}
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'prepare',
    data: values.data,
    pieces,
    notes,
    runs,
    cold_seconds_median: median(cold),
    warm_seconds_median: median(warm),
    cold_seconds: cold,
    warm_seconds: warm,
    notes_per_second_cold: notes / median(cold),
  })}\n`,
);
