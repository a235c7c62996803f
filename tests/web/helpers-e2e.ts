import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { SERVER_START_MS } from '../helpers/budgets.js';
import { REPO_ROOT, temporaryFolder } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

export const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');

/** Debian's chromium, set up by scripts/setup.sh; playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The test presses Generate itself, but a fresh profile has no engagement score: without this
      // flag a slow start could lose the click's activation and the page would rightly wait for Play.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * The real app as a user starts it (`partita serve`), on a free port with an empty app data folder
 * (PARTITA_APP_DATA: history and pieces), ready once /api/health answers (the model loads first).
 */
export async function startApp(readyTimeoutMs = SERVER_START_MS): Promise<RunningApp> {
  const dataFolder = temporaryFolder('web-e2e');
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'partita.js'), 'serve', '--port', String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, PARTITA_APP_DATA: dataFolder },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited(child);
    rmSync(dataFolder, { recursive: true, force: true });
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const healthy = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`partita serve did not become healthy (exit ${child.exitCode}): ${stderr}`);
}
