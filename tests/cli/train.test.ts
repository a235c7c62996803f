import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, temporaryFolder } from '../helpers/paths.js';
import { smallMidiFolder } from '../helpers/smallData.js';

const TINY = ['--hidden', '16', '--rows', '4', '--steps', '32', '--threads', '1'];

function latest(out: string): string | undefined {
  const pointer = join(out, 'LATEST');
  return existsSync(pointer) ? join(out, readFileSync(pointer, 'utf8').trim()) : undefined;
}

/** A run's log.csv below its header, row by row. */
function logRows(out: string): string[] {
  return readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n').slice(1);
}

/** The chunks_done column of a run's log.csv, row by row. */
function loggedChunks(out: string): number[] {
  const column = readFileSync(join(out, 'log.csv'), 'utf8').split('\n')[0]?.split(',').indexOf('chunks_done') ?? -1;
  return logRows(out).map((row) => Number(row.split(',')[column]));
}

function checkpointChunks(folder: string): number {
  return Number(loadCheckpoint(folder).model.about.chunksDone);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('partita train', () => {
  it('survives kill -9 and resumes where the last checkpoint left off', async () => {
    const data = smallMidiFolder();
    const out = temporaryFolder('train-kill');
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'partita.js'),
        'train',
        '--data',
        data,
        '--out',
        out,
        ...TINY,
        '--checkpoint-minutes',
        '0.05',
        '--epochs',
        '1000',
      ],
      { cwd: REPO_ROOT, stdio: 'ignore' },
    );
    const done = exited(child);
    // Killed once it has logged past its last checkpoint, as a real kill usually finds it.
    const loggedPastCheckpoint = () => {
      try {
        return Math.max(...loggedChunks(out)) > checkpointChunks(latest(out) as string);
      } catch {
        return false; // that checkpoint was pruned by a newer one while it was read: look again
      }
    };
    try {
      await until(() => latest(out) !== undefined, 60_000);
      const first = latest(out) as string;
      await until(() => latest(out) !== first, 60_000);
      await until(loggedPastCheckpoint, 60_000);
    } finally {
      // Also when waiting failed: a run of 1000 epochs left behind would hold a core for the rest of the suite.
      child.kill('SIGKILL');
    }
    await done;
    const chunksBefore = checkpointChunks(latest(out) as string);
    expect(chunksBefore).toBeGreaterThan(0);
    const rowsPastCheckpoint = logRows(out).filter((_, row) => loggedChunks(out)[row] > chunksBefore);
    expect(rowsPastCheckpoint.length).toBeGreaterThan(0);

    const resumed = runCli(['train', '--data', data, '--out', out, ...TINY, '--resume', '--max-minutes', '0.15']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming from');
    const after = loadCheckpoint(out);
    expect(Number(after.model.about.chunksDone)).toBeGreaterThan(chunksBefore);
    expect(readFileSync(join(out, 'log.csv'), 'utf8').split('\n')[0]).toMatch(/^train_seconds,epoch/);
    // The chunks the killed run logged after its last checkpoint are trained again, and logged once.
    const rowsAfter = logRows(out);
    for (const row of rowsPastCheckpoint) expect(rowsAfter).not.toContain(row);
    const chunks = loggedChunks(out);
    expect(chunks).toEqual([...chunks].sort((a, b) => a - b));
  });

  it('trains on from a shipped model folder (weights and totals, no optimizer state) on a fresh machine', () => {
    const data = smallMidiFolder();
    const first = temporaryFolder('train-ship');
    const made = runCli(['train', '--data', data, '--out', first, ...TINY, '--max-minutes', '0.1']);
    expect(made.status, made.stderr).toBe(0);
    // What a commit keeps of a run: the model folder alone, as models/musicnet-lstm/ holds it.
    const shipped = temporaryFolder('train-shipped');
    mkdirSync(shipped, { recursive: true });
    const checkpoint = latest(first) as string;
    for (const file of ['model.json', 'weights.bin']) copyFileSync(join(checkpoint, file), join(shipped, file));
    copyFileSync(join(first, 'log.csv'), join(shipped, 'log.csv'));
    const shippedModel = loadCheckpoint(shipped);
    const chunksBefore = Number(shippedModel.model.about.chunksDone);

    const out = temporaryFolder('train-warm');
    const warm = runCli(['train', '--data', data, '--out', out, ...TINY, '--resume', '--warm-start', shipped, '--max-minutes', '0.1']);
    expect(warm.status, warm.stderr).toBe(0);
    expect(warm.stderr).toContain(`training on from ${shipped}`);
    const after = loadCheckpoint(latest(out) as string);
    expect(Number(after.model.about.chunksDone)).toBeGreaterThan(chunksBefore);
    expect(Number(after.model.about.adamStep)).toBe(Number(after.model.about.chunksDone) - chunksBefore);
    const invocations = after.model.about.invocations as { command: string }[];
    expect(invocations.some((entry) => entry.command.startsWith('warm start from'))).toBe(true);
    // The old curve carries over: the shipped log's rows come first (new rows follow every 20 s).
    const shippedLog = readFileSync(join(shipped, 'log.csv'), 'utf8').trim().split('\n');
    const log = readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(log.slice(0, shippedLog.length)).toEqual(shippedLog);
  });

  it('trains the seed baseline a few steps with the same command', () => {
    const out = temporaryFolder('train-seed');
    const run = runCli(['train', '--data', smallMidiFolder(), '--arch', 'seed', '--out', out, '--hidden', '8', '--max-minutes', '0.05']);
    expect(run.status).toBe(0);
    const model = loadCheckpoint(join(out, 'best'));
    expect(model.model.arch).toBe('seed');
    expect(model.model.seedNetwork).toMatchObject({ windowNotes: 25, layers: 3, hiddenSize: 8 });
    expect(Number(model.model.about.batchesDone)).toBeGreaterThan(0);
  });

  it.each([
    [['--arch', 'transformer'], /--arch must be lstm or seed/],
    [['--layers', '2'], /at least 3/],
    [['--max-minutes', '0'], /positive number/],
    [['--learning-rate', '1e-5', '--min-learning-rate', '1e-4'], /--min-learning-rate \(0\.0001\) is above --learning-rate/],
  ])('rejects %j with one line', (flags, message) => {
    const run = runCli(['train', '--data', smallMidiFolder(), ...flags]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(message);
  });
});
