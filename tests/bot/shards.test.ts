import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startShards } from '../../bot/shards.js';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { isFinalStatus, type PieceRecord } from '../../store/index.js';
import { createStudio, type Studio } from '../../studio/index.js';
import { type FakeDiscord, startFakeDiscord } from '../discord/index.js';
import { SERVER_START_MS, SERVER_TEST_MS } from '../helpers/budgets.js';
import { temporaryFolder } from '../helpers/paths.js';
import { shardBotSettings } from './shardSettings.js';

let fake: FakeDiscord | undefined;
let studio: Studio | undefined;
let stopShards: (() => void) | undefined;
const environmentBefore = { ...process.env };

afterAll(async () => {
  stopShards?.();
  await studio?.close();
  process.env = environmentBefore;
  await fake?.close();
});

/** A process's resident memory in MB (Linux). */
function rssMb(pid: number | undefined): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Math.round(Number(line?.[1]) / 1024);
}

async function poll<T>(check: () => Promise<T | undefined>, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the sharded bot', () => {
  it(
    "runs two shard processes through ShardingManager, front doors to the parent's studio; a shard's death and respawn fail nothing of the other's",
    async () => {
      fake = await startFakeDiscord();
      const world = fake.world;
      const config = await shardBotSettings(fake);
      // The parent's studio is the only owner: the shards compose through it.
      const owner = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder: temporaryFolder('shards-data'), workers: 1 });
      studio = owner;
      const logged: string[] = [];
      const manager = await startShards(config, 2, owner, (line) => logged.push(line));
      stopShards = () => {
        for (const shard of manager.shards.values()) shard.kill();
      };
      const current = fake;
      const identifiedShards = () => current.store.gatewayOps(2).map((message) => (message as { d?: { shard?: number[] } }).d?.shard);
      await current.waitFor(() => identifiedShards().length >= 2 || undefined, 'both shards to identify', SERVER_START_MS);
      expect(identifiedShards()).toEqual(
        expect.arrayContaining([
          [0, 2],
          [1, 2],
        ]),
      );
      const shardMemory = [...manager.shards.values()].map((shard) => rssMb(shard.process?.pid));
      process.stderr.write(`shards' resident memory: ${shardMemory.join(' MB, ')} MB\n`);

      // The guild belongs to one shard ((guild_id >> 22) % 2): that shard hears /compose; the other is killed while the piece is written.
      const owning = Number((BigInt(world.guildId) >> 22n) % 2n);
      const other = manager.shards.get(1 - owning);
      if (!other?.process) throw new Error('no other shard process');
      const sent = current.invokeCommand('compose', { instrument: 'violin', seconds: 120 });
      const piece = await poll(
        async () => (await owner.list(10, 0)).pieces.find((each) => each.source === 'discord'),
        'the piece in the parent studio',
        SERVER_START_MS,
      );
      // The owner holds the piece's live feed (what the web page's event stream reads), whichever shard asked for it.
      const events = await owner.subscribe(piece.id);
      expect(events).toBeDefined();
      for await (const event of events ?? []) if (event.type === 'notes' || event.type === 'done' || event.type === 'failed') break;
      const respawned = new Promise<void>((resolve) => other.once('ready', () => resolve()));
      const killedAt = performance.now();
      other.process.kill('SIGKILL');
      expect(isFinalStatus(((await owner.get(piece.id)) as PieceRecord).status)).toBe(false);
      await respawned;
      const atRespawn = (await owner.get(piece.id))?.status;
      process.stderr.write(`shard ${other.id} back in ${Math.round(performance.now() - killedAt)} ms; the piece was ${atRespawn} then\n`);
      expect(identifiedShards().length).toBeGreaterThanOrEqual(3);
      expect(logged).toContain(`Discord bot: shard ${other.id} stopped; starting it again`);

      const reply = await current.waitForOriginal(sent, (message) => message.message.attachments.length > 0, SERVER_START_MS);
      expect([...reply.files.values()].map((file) => file.filename).some((name) => name.endsWith('.mid'))).toBe(true);
      // Only the owning shard heard and answered the command.
      const callbacks = current.store.requests.filter(
        (request) => request.method === 'POST' && request.path.includes(`/interactions/${sent.id}/`),
      );
      expect(callbacks).toHaveLength(1);
      expect(await owner.get(piece.id)).toMatchObject({ status: 'done', source: 'discord' });
      const { pieces } = await owner.list(100, 0);
      expect(pieces.filter((each) => each.status === 'failed')).toEqual([]);
      // The respawned shard is a front door again: the parent serves its new process.
      expect((await owner.health()).workers).toBe(1);
    },
    SERVER_TEST_MS,
  );
});
