import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../discord/index.js';
import { SERVER_START_MS, SERVER_TEST_MS } from '../helpers/budgets.js';
import { REPO_ROOT, temporaryFolder } from '../helpers/paths.js';

let fake: FakeDiscord;

beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake?.close();
});

/** Runs `partita serve` as a bot host would, to its exit, and returns all it printed. */
function serveUntilExit(environment: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'partita.js'), 'serve', '--port', '0'], {
      env: {
        ...process.env,
        DISCORD_APP_ID: fake.world.application.id,
        DISCORD_API: fake.apiBase,
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        PARTITA_APP_DATA: temporaryFolder('secrets-data'),
        PARTITA_WORKERS: '1',
        ...environment,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not exit; it printed:\n${output}`));
    }, SERVER_START_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the bot token never appears in output', () => {
  it(
    'a token Discord refuses ends serve with one line that names the problem and not the token, even with stacks on',
    async () => {
      const refused = 'MTA5OTk5OTk5OTk5OTk5OTk5.GxYzAb.refused-token-never-to-be-printed';
      const { code, output } = await serveUntilExit({ DISCORD_TOKEN: refused, PARTITA_DEBUG: '1' });
      expect(code).not.toBe(0);
      expect(output).toMatch(/partita: .*token/i);
      expect(output).not.toContain(refused);
      expect(output).not.toContain('refused-token-never');
    },
    SERVER_TEST_MS,
  );

  it(
    'a malformed setting is one line naming it, without the token',
    async () => {
      const { code, output } = await serveUntilExit({ DISCORD_TOKEN: fake.token, DISCORD_APP_ID: 'my-app' });
      expect(code).not.toBe(0);
      expect(output).toContain('partita: Discord bot settings: DISCORD_APP_ID: DISCORD_APP_ID must be the application id (digits)');
      expect(output).not.toContain(fake.token);
    },
    SERVER_TEST_MS,
  );
});
