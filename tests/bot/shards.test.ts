import { afterAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../bot/commandRegistry.js';
import { startShards } from '../../bot/shards.js';
import { type FakeDiscord, startFakeDiscord } from '../discord/index.js';
import { SERVER_START_MS, SERVER_TEST_MS } from '../helpers/budgets.js';
import { temporaryFolder } from '../helpers/paths.js';

let fake: FakeDiscord | undefined;
let stopShards: (() => void) | undefined;
const environmentBefore = { ...process.env };

afterAll(async () => {
  stopShards?.();
  process.env = environmentBefore;
  await fake?.close();
});

describe('the sharded bot', () => {
  it(
    'runs two shard processes through ShardingManager; the shard owning the guild answers /compose',
    async () => {
      fake = await startFakeDiscord();
      const world = fake.world;
      // The shard processes read the same settings from the environment, as in production.
      Object.assign(process.env, {
        DISCORD_APP_ID: world.application.id,
        DISCORD_API: fake.apiBase,
        DISCORD_GUILD_ID: world.guildId,
        PARTITA_WORKERS: '1',
        PARTITA_APP_DATA: temporaryFolder('shards-data'),
      });
      const config = {
        token: fake.token,
        applicationId: world.application.id,
        publicUrl: 'http://x',
        userLimit: 3,
        userWindowSeconds: 60,
        idleSeconds: 5,
      };
      await registerCommands({ ...config, guildId: world.guildId, apiBase: fake.apiBase });
      const manager = await startShards(config, 2, () => {});
      stopShards = () => {
        for (const shard of manager.shards.values()) shard.kill();
      };
      const current = fake;
      const identifiedShards = () => current.store.gatewayOps(2).map((message) => (message as { d?: { shard?: number[] } }).d?.shard);
      await current.waitFor(() => identifiedShards().length >= 2 || undefined, 'both shards to identify', SERVER_START_MS);
      const identified = identifiedShards();
      expect(identified).toEqual(
        expect.arrayContaining([
          [0, 2],
          [1, 2],
        ]),
      );
      const sent = current.invokeCommand('compose', { instrument: 'violin', seconds: 5 });
      const reply = await current.waitForOriginal(sent, (message) => message.message.attachments.length > 0, 90_000);
      expect([...reply.files.values()].map((file) => file.filename).some((name) => name.endsWith('.mid'))).toBe(true);
      // The guild belongs to one shard ((guild_id >> 22) % 2): only that shard heard and answered it.
      const callbacks = current.store.requests.filter(
        (request) => request.method === 'POST' && request.path.includes(`/interactions/${sent.id}/`),
      );
      expect(callbacks).toHaveLength(1);
    },
    SERVER_TEST_MS,
  );
});
