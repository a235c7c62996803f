import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderInUseError, LOCK_FILE, lockDataFolder } from '../../store/index.js';
import { temporaryFolder } from '../helpers/paths.js';

/** The id of a process that has ended (pids are not reused within a test's few milliseconds). */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(run.stdout.toString());
}

describe('the data folder lock', () => {
  it('lets one holder in at a time, says who holds it, and frees the folder on release', () => {
    const folder = temporaryFolder('lock');
    const lock = lockDataFolder(folder);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(() => lockDataFolder(folder)).toThrow(FolderInUseError);
    expect(() => lockDataFolder(folder)).toThrow(`the data folder ${folder} is in use by partita process ${process.pid};`);
    lock.release();
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    lockDataFolder(folder).release();
  });

  it('takes over a lock left by a process that is gone, never one of a live process or another host', () => {
    const folder = temporaryFolder('lock-stale');
    const path = join(folder, LOCK_FILE);
    const dead = deadPid();
    writeFileSync(path, JSON.stringify({ pid: dead, hostname: hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = lockDataFolder(folder);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();

    // The parent of this test is alive: its lock stands.
    writeFileSync(path, JSON.stringify({ pid: process.ppid, hostname: hostname(), since: '2026-01-01T00:00:00Z' }));
    expect(() => lockDataFolder(folder)).toThrow(`in use by partita process ${process.ppid};`);
    // Another machine's process cannot be checked: its lock stands too.
    writeFileSync(path, JSON.stringify({ pid: dead, hostname: 'elsewhere.example', since: '2026-01-01T00:00:00Z' }));
    expect(() => lockDataFolder(folder)).toThrow(`in use by partita process ${dead} on elsewhere.example;`);
  });

  it('releasing leaves alone a lock another process has taken over since', () => {
    const folder = temporaryFolder('lock-taken');
    const path = join(folder, LOCK_FILE);
    const lock = lockDataFolder(folder);
    const other = JSON.stringify({ pid: process.ppid, hostname: hostname(), since: '2026-01-01T00:00:00Z' });
    writeFileSync(path, other);
    lock.release();
    expect(readFileSync(path, 'utf8')).toBe(other);
  });
});
