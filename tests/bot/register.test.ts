import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { APIApplicationCommand } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCommands } from '../../bot/commandRegistry.js';
import { type FakeDiscord, startFakeDiscord } from '../discord/index.js';
import { REPO_ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
let fake: FakeDiscord;

beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake?.close();
});

/** The CLI as a bot host runs it, its settings in the environment (asynchronously: the local Discord answers from this process). */
async function register(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = {
    ...process.env,
    DISCORD_TOKEN: fake.token,
    DISCORD_APP_ID: fake.world.application.id,
    DISCORD_API: fake.apiBase,
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'bin', 'partita.js'), 'bot', 'register', ...args], {
      env,
      timeout: 60_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('partita bot register', () => {
  it('puts the commands in the guild, says what it added, and on a second run that nothing changed', async () => {
    const first = await register(['--guild', fake.world.guildId, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      where: `in guild ${fake.world.guildId}`,
      added: ['compose', 'stop', 'instruments'],
      changed: [],
      removed: [],
      unchanged: [],
    });
    const names = [...fake.store.commands.values()].filter((command) => command.guildId === fake.world.guildId).map((c) => c.body.name);
    expect(names.sort()).toEqual(['compose', 'instruments', 'stop']);
    const second = await register(['--guild', fake.world.guildId]);
    expect(second.stdout.trim()).toBe(`registered in guild ${fake.world.guildId}: unchanged /compose, /stop, /instruments`);
    for (const output of [first, second]) expect(`${output.stdout}${output.stderr}`).not.toContain(fake.token);
  }, 120_000);

  it('refuses a guild id that is not one, in one line naming the flag', async () => {
    const result = await register(['--guild', 'my-server']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("partita: --guild must be a guild id (digits), got 'my-server'");
  }, 60_000);
});

describe('comparing the code commands with the registered ones', () => {
  const registered = (body: Record<string, unknown>) =>
    ({
      id: '1',
      application_id: '2',
      version: '3',
      type: 1,
      nsfw: false,
      default_member_permissions: null,
      ...body,
    }) as unknown as APIApplicationCommand;

  it('ignores what Discord adds and false flags it leaves out, and sees a changed option', () => {
    const code = [
      { name: 'compose', description: 'Write a piece', options: [{ type: 3, name: 'key', description: 'Key', required: false }] },
    ];
    const same = registered({ name: 'compose', description: 'Write a piece', options: [{ type: 3, name: 'key', description: 'Key' }] });
    expect(compareCommands(code, [same])).toEqual({ added: [], changed: [], removed: [], unchanged: ['compose'] });
    const older = registered({ name: 'compose', description: 'Write a piece', options: [] });
    const gone = registered({ name: 'play', description: 'Old' });
    expect(compareCommands(code, [older, gone])).toEqual({ added: [], changed: ['compose'], removed: ['play'], unchanged: [] });
  });
});
