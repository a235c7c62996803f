import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the installed CLI the way a user does (bin/partita.js over the built dist/). */
export function runCli(args: string[], timeoutMs = 120_000): CliRun {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'partita.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
