import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name in the data folder. */
export const LOCK_FILE = 'partita.lock';
/** A lock file that cannot be read this long after it was made was left half-written by a crash. */
const UNREADABLE_STALE_MS = 10_000;

interface LockOwner {
  pid: number;
  hostname: string;
  since: string;
}

export interface FolderLock {
  readonly path: string;
  /** Lets go of the folder (removes the lock file if it is still this process's). */
  release(): void;
}

export class FolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly owner: LockOwner | undefined,
  ) {
    const who = owner
      ? `partita process ${owner.pid}${owner.hostname === hostname() ? '' : ` on ${owner.hostname}`}`
      : 'another partita process';
    super(
      `the data folder ${folder} is in use by ${who}; one studio owns a data folder at a time: stop that process, ` +
        `or give this one another folder (PARTITA_APP_DATA). If no partita is running there, delete ${join(folder, LOCK_FILE)}`,
    );
    this.name = 'FolderInUseError';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.hostname === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock at `path` (held by `owner`) was left by a process that is gone. */
function isStale(path: string, owner: LockOwner | undefined): boolean {
  if (!owner) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
    } catch {
      return true;
    }
  }
  // Another machine's process cannot be asked; this process's own lock is held by another studio here.
  return owner.hostname === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}

/**
 * Takes the data folder for this process alone: an exclusive lock file (`partita.lock`, created
 * with 'wx' so two processes cannot both make it) naming this process and host. A lock whose process
 * is no longer alive on this host is stale (a crash or a kill -9) and is taken over. Throws
 * FolderInUseError when a live process (or another studio in this one) holds the folder.
 */
export function lockDataFolder(folder: string): FolderLock {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      // One take-over only: if the file is back at once, another process took the folder first.
      if (attempt > 0 || !isStale(path, owner)) throw new FolderInUseError(folder, owner);
      try {
        unlinkSync(path);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, 'utf8') === content) unlinkSync(path);
        } catch {
          // Already gone: nothing to let go of.
        }
      },
    };
  }
}
