/**
 * What `partita serve` holds in memory, started as a user starts it: `node bin/partita.js serve`
 * (`--port 0`) with an empty app data folder, for each worker count asked (PARTITA_WORKERS).
 * The process's resident set (VmRSS in /proc/<pid>/status: every thread, the compose workers
 * included, is in it) idle after start-up, then sampled while composing `--pieces` pieces at once
 * through the HTTP API (POST /api/pieces) until all are done, and the kernel's own peak (VmHWM,
 * start-up included). Writes the JSON to `--out` (default benchmarks/results/memory-<date>.json)
 * and prints it.
 *
 *     node dist/benchmarks/memory.js [--workers 2,1] [--pieces 4] [--seconds 30] [--instrument string-quartet]
 *       [--root CHECKOUT] [--label NAME] [--out FILE]
 *
 * `--root` starts another checkout's `bin/partita.js` (built), so one run can measure a tree before
 * a change against the tree after it, alternately, under the same load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2,1' },
    pieces: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
    instrument: { type: 'string', default: 'string-quartet' },
    /** Seconds to wait after /api/health first answers before the idle samples. */
    settle: { type: 'string', default: '5' },
    out: { type: 'string' },
    label: { type: 'string', default: '' },
    root: { type: 'string' },
  },
});
const workerCounts = (values.workers as string).split(',').map(Number);
const pieceCount = Number(values.pieces);
const pieceSeconds = Number(values.seconds);
const settleMs = 1000 * Number(values.settle);
const REPO_ROOT = join(import.meta.dirname, '..', '..');
const APP_ROOT = resolve((values.root as string | undefined) ?? REPO_ROOT);
const START_TIMEOUT_MS = 15 * 60_000;
const PIECES_TIMEOUT_MS = 15 * 60_000;
const SAMPLE_MS = 100;
const KB = 1024;
const MB = 1024 * 1024;

/** A field of /proc/<pid>/status in MB (the kernel writes them in kB). */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Math.round((Number(match[1]) * KB) / MB);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server's address, from the line serve prints once its workers are ready (`--port 0`: the
 * system chose the port), checked by /api/health.
 */
async function serverUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`partita serve did not start in ${START_TIMEOUT_MS / 1000} s: ${stderr()}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /web player is at (http:\/\/\S+?)\/?\s/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`partita serve exited (${code}) before it started: ${stderr()}`));
    });
  });
  const health = await fetch(`${url}/api/health`);
  if (!health.ok) throw new Error(`/api/health answered ${health.status}`);
  return url;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function idleSamples(pid: number): Promise<{ rssMb: number; anonMb: number; fileMb: number }> {
  const rss: number[] = [];
  const anon: number[] = [];
  const file: number[] = [];
  for (let sample = 0; sample < 10; sample++) {
    rss.push(statusMb(pid, 'VmRSS'));
    anon.push(statusMb(pid, 'RssAnon'));
    file.push(statusMb(pid, 'RssFile'));
    await sleep(200);
  }
  return { rssMb: median(rss), anonMb: median(anon), fileMb: median(file) };
}

async function composeAtOnce(url: string, pid: number) {
  const started = performance.now();
  let peak = statusMb(pid, 'VmRSS');
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, statusMb(pid, 'VmRSS'));
    } catch {
      // The process ended: the pieces' requests fail and say so.
    }
  }, SAMPLE_MS);
  try {
    const ids = await Promise.all(
      Array.from({ length: pieceCount }, async (_, index) => {
        const response = await fetch(`${url}/api/pieces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instrument: values.instrument, seconds: pieceSeconds, seed: index + 1 }),
        });
        const body = (await response.json()) as { id?: string; error?: string };
        if (response.status !== 202 || !body.id) throw new Error(`POST /api/pieces: ${response.status} ${JSON.stringify(body)}`);
        return body.id;
      }),
    );
    const finished = new Map<string, { status: string; seconds: number; audioSeconds: number }>();
    const deadline = Date.now() + PIECES_TIMEOUT_MS;
    while (finished.size < ids.length && Date.now() < deadline) {
      for (const id of ids) {
        if (finished.has(id)) continue;
        const piece = (await (await fetch(`${url}/api/pieces/${id}`)).json()) as { status: string; seconds: number };
        if (piece.status === 'done' || piece.status === 'failed')
          finished.set(id, { status: piece.status, seconds: (performance.now() - started) / 1000, audioSeconds: piece.seconds });
      }
      await sleep(250);
    }
    if (finished.size < ids.length) throw new Error(`pieces not finished after ${PIECES_TIMEOUT_MS / 1000} s`);
    const pieces = [...finished.values()];
    return {
      statuses: pieces.map((piece) => piece.status),
      allDoneSeconds: Number(Math.max(...pieces.map((piece) => piece.seconds)).toFixed(1)),
      audioSeconds: pieces.map((piece) => piece.audioSeconds),
      rssPeakMb: peak,
    };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(workers: number) {
  const dataFolder = mkdtempSync(join(tmpdir(), 'partita-bench-memory-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(APP_ROOT, 'bin', 'partita.js'), 'serve', '--port', '0'], {
    cwd: APP_ROOT,
    env: { ...process.env, PARTITA_APP_DATA: dataFolder, PARTITA_WORKERS: String(workers) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pid = child.pid as number;
  try {
    const url = await serverUrl(child, () => stderr);
    const startSeconds = (performance.now() - started) / 1000;
    const startPeakMb = statusMb(pid, 'VmHWM');
    await sleep(settleMs);
    const idle = await idleSamples(pid);
    const composing = workers > 0 ? await composeAtOnce(url, pid) : undefined;
    await sleep(settleMs);
    const after = composing ? await idleSamples(pid) : undefined;
    return {
      workers,
      startSeconds: Number(startSeconds.toFixed(1)),
      startPeakMb,
      idle,
      ...(composing ? { composing, afterPieces: after } : {}),
      peakMb: statusMb(pid, 'VmHWM'),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataFolder, { recursive: true, force: true });
  }
}

const runs = [];
for (const workers of workerCounts) runs.push(await measure(workers));
const date = new Date().toISOString().slice(0, 10);
const report = {
  date,
  label: values.label,
  root: APP_ROOT,
  node: process.version,
  loadAverageAtEnd: loadavg().map((load) => Number(load.toFixed(2))),
  pieces: { count: pieceCount, instrument: values.instrument, seconds: pieceSeconds },
  runs,
};
const out = (values.out as string | undefined) ?? join(REPO_ROOT, 'benchmarks', 'results', `memory-${date}.json`);
mkdirSync(dirname(out), { recursive: true });
const text = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(out, text);
process.stdout.write(text);
