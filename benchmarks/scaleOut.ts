/**
 * partita scaled out, measured: redis-server and PostgreSQL on loopback, two `partita worker`s
 * (PARTITA_WORKERS=1 each) and two front doors (`PARTITA_WORKERS=0 partita serve`), all compiled
 * (bin/partita.js over dist/), each with a data folder of its own. Pieces are posted to front door A
 * one after another and followed on front door B: the time from A's 202 to the first note on B
 * (median, p95). Then the resident memory (VmRSS) of each process: idle, and the front door's peak while
 * `--listeners` clients follow each of `--concurrent` pieces at once.
 *
 *     npx tsx benchmarks/scaleOut.ts [--pieces 20] [--concurrent 4] [--listeners 10]
 *
 * (Run from the sources: it starts the servers with the tests' helpers; the processes it measures run dist/.)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type PartitaProcess, startPartita } from '../tests/helpers/partitaProcess.js';
import { temporaryFolder } from '../tests/helpers/paths.js';
import { startPostgres } from '../tests/helpers/postgres.js';
import { startRedis } from '../tests/helpers/redis.js';
import { percentile, readEvents } from '../tests/web/apiClient.js';

const { values } = parseArgs({
  options: {
    pieces: { type: 'string', default: '20' },
    concurrent: { type: 'string', default: '4' },
    listeners: { type: 'string', default: '10' },
  },
});
const START_MS = 300_000;

function rssMb(running: PartitaProcess): number {
  const match = readFileSync(`/proc/${running.child.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Math.round(Number(match?.[1]) / 1024);
}

async function post(url: string, seed: number, seconds: number): Promise<string> {
  const response = await fetch(`${url}/api/pieces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instrument: 'string-quartet', seconds, seed }),
  });
  const body = (await response.json()) as { id?: string; error?: string };
  if (response.status !== 202 || !body.id) throw new Error(`POST: ${response.status} ${body.error}`);
  return body.id;
}

const redis = await startRedis();
const postgres = await startPostgres();
const environment = { PARTITA_REDIS_URL: redis.url, PARTITA_DATABASE_URL: await postgres.createDatabase() };
const processes: PartitaProcess[] = [];
try {
  const workers = [0, 1].map(() =>
    startPartita(['worker'], { ...environment, PARTITA_WORKERS: '1', PARTITA_APP_DATA: temporaryFolder('bench-worker') }, true),
  );
  processes.push(...workers);
  await Promise.all(workers.map((worker) => worker.waitFor(/composing with 1 thread/, START_MS)));
  const doors = [0, 1].map(() =>
    startPartita(['serve', '--port', '0'], { ...environment, PARTITA_WORKERS: '0', PARTITA_APP_DATA: temporaryFolder('bench-door') }, true),
  );
  processes.push(...doors);
  const [urlA, urlB] = await Promise.all(
    doors.map(async (door) => (await door.waitFor(/the web player is at (http:\/\/\S+)\//, START_MS))[1] as string),
  );
  const idle = { workerMb: workers.map(rssMb), frontDoorMb: doors.map(rssMb) };

  const firstNoteMs: number[] = [];
  for (let index = 0; index < Number(values.pieces); index++) {
    const id = await post(urlA as string, 100 + index, 10);
    const events = await readEvents(`${urlB}/api/pieces/${id}/events`);
    const first = events.find((event) => event.event === 'notes');
    if (!first || events.at(-1)?.event !== 'done') throw new Error(`piece ${id} did not finish: ${JSON.stringify(events.at(-1))}`);
    firstNoteMs.push(first.at);
    process.stderr.write(`piece ${index + 1}: first note on B after ${first.at.toFixed(0)} ms\n`);
  }

  let doorPeakMb = rssMb(doors[1] as PartitaProcess);
  const sampler = setInterval(() => {
    doorPeakMb = Math.max(doorPeakMb, rssMb(doors[1] as PartitaProcess));
  }, 50);
  const ids = await Promise.all(Array.from({ length: Number(values.concurrent) }, (_, index) => post(urlA as string, 500 + index, 30)));
  await Promise.all(
    ids.flatMap((id) => Array.from({ length: Number(values.listeners) }, () => readEvents(`${urlB}/api/pieces/${id}/events`))),
  );
  clearInterval(sampler);
  const sorted = [...firstNoteMs].sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify(
      {
        setup: 'redis-server + PostgreSQL on loopback; 2 workers (1 thread each) and 2 front doors, compiled; string quartets',
        firstNoteOnOtherFrontDoorMs: {
          pieces: sorted.length,
          median: Math.round(percentile(sorted, 0.5)),
          p95: Math.round(percentile(sorted, 0.95)),
          max: Math.round(sorted.at(-1) ?? Number.NaN),
        },
        residentMb: {
          idle,
          frontDoorPeak: { mb: doorPeakMb, pieces: ids.length, listenersEach: Number(values.listeners) },
          workersAfter: workers.map(rssMb),
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await Promise.all(processes.map((running) => running.kill()));
  await redis.stop();
  postgres.stop();
}
