/**
 * partita scaled out on real engines: redis-server (BullMQ's queue, the live feeds on Redis Streams),
 * PostgreSQL (the history and the files), two `partita worker` processes and two `partita serve` front doors composing nothing themselves
 * (PARTITA_WORKERS=0), each process run from the sources under test with a data folder of its own, as
 * on machines of their own. Pieces posted to one front door
 * are heard and downloaded from the other; a worker killed with -9, a front door restarted and Redis
 * going away are each survived with the piece finished or a clear answer, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShards } from '../../bot/shards.js';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { startStudioFromEnvironment } from '../../studio/fromEnvironment.js';
import { shardBotSettings } from '../bot/shardSettings.js';
import { startFakeDiscord } from '../discord/index.js';
import { SERVER_START_MS, SERVER_TEST_MS } from '../helpers/budgets.js';
import { type PartitaProcess, startPartita } from '../helpers/partitaProcess.js';
import { temporaryFolder } from '../helpers/paths.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import { postJson, readEvents, type SseEvent } from '../web/apiClient.js';

let redis: RedisServer;
let postgres: PostgresServer | undefined;
const processes: PartitaProcess[] = [];
let environment: Record<string, string>;

async function startWorker(): Promise<PartitaProcess> {
  const worker = startPartita(['worker'], { ...environment, PARTITA_WORKERS: '1', PARTITA_APP_DATA: temporaryFolder('worker') });
  processes.push(worker);
  await worker.waitFor(/composing with 1 thread/, SERVER_START_MS);
  return worker;
}

async function startFrontDoor(): Promise<{ process: PartitaProcess; url: string }> {
  const door = startPartita(['serve', '--port', '0'], { ...environment, PARTITA_WORKERS: '0', PARTITA_APP_DATA: temporaryFolder('door') });
  processes.push(door);
  const [, url] = await door.waitFor(/the web player is at (http:\/\/\S+)\//, SERVER_START_MS);
  return { process: door, url: url as string };
}

async function compose(url: string, seconds: number, seed: number): Promise<string> {
  const posted = await postJson(`${url}/api/pieces`, { instrument: 'violin', seconds, seed });
  expect(posted.status, JSON.stringify(posted.json)).toBe(202);
  return posted.json.id as string;
}

const notesIn = (events: readonly SseEvent[]) =>
  events.filter((event) => event.event === 'notes').reduce((sum, event) => sum + (event.data as unknown[]).length, 0);

/** The note count a `done` event reports (-1 when there is none: the test then fails on it). */
const noteCountOf = (event: SseEvent | undefined) => (event?.data as { noteCount?: number } | undefined)?.noteCount ?? -1;

let workers: PartitaProcess[];

/** The worker that took the piece (each says so in its log). */
async function whoWrites(id: string): Promise<PartitaProcess> {
  for (const started = Date.now(); Date.now() - started < SERVER_START_MS; ) {
    const writer = workers.find((worker) => worker.output().includes(`writing piece ${id}`));
    if (writer) return writer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no worker took piece ${id}`);
}
let doorA: { process: PartitaProcess; url: string };
let doorB: { process: PartitaProcess; url: string };

beforeAll(async () => {
  redis = await startRedis();
  postgres = await startPostgres();
  environment = { PARTITA_REDIS_URL: redis.url, PARTITA_DATABASE_URL: await postgres.createDatabase() };
  workers = await Promise.all([startWorker(), startWorker()]);
  [doorA, doorB] = await Promise.all([startFrontDoor(), startFrontDoor()]);
}, SERVER_START_MS * 2);

afterAll(async () => {
  await Promise.all(processes.map((running) => running.kill()));
  await redis?.stop();
  postgres?.stop();
});

describe('two workers and two front doors on Redis', () => {
  it(
    'a piece posted to front door A streams on B, finishes, downloads from B and is in B history',
    async () => {
      const id = await compose(doorA.url, 6, 11);
      const events = await readEvents(`${doorB.url}/api/pieces/${id}/events`);
      const firstNotes = events.find((event) => event.event === 'notes');
      console.log(`scale: first note on front door B ${firstNotes?.at.toFixed(0)} ms after A accepted the piece`);
      expect(firstNotes).toBeDefined();
      const done = events.at(-1);
      expect(done?.event, JSON.stringify(done?.data)).toBe('done');
      expect(notesIn(events)).toBe(noteCountOf(done));
      const midi = await fetch(`${doorB.url}/api/pieces/${id}.mid`);
      expect(midi.status).toBe(200);
      expect(
        Buffer.from(await midi.arrayBuffer())
          .subarray(0, 4)
          .toString(),
      ).toBe('MThd');
      const listed = (await (await fetch(`${doorB.url}/api/pieces`)).json()) as { pieces: { id: string; status: string }[] };
      expect(listed.pieces.find((piece) => piece.id === id)?.status).toBe('done');
      // A late listener on A gets the whole piece again, from the history.
      const replay = await readEvents(`${doorA.url}/api/pieces/${id}/events`);
      expect(notesIn(replay)).toBe(notesIn(events));
    },
    SERVER_TEST_MS,
  );

  it(
    'a worker killed with -9 mid-piece: the other takes the job and the listener hears the piece go on to the end',
    async () => {
      const id = await compose(doorA.url, 40, 12);
      const heard = readEvents(`${doorB.url}/api/pieces/${id}/events`);
      const writing = await whoWrites(id);
      // Killed once listeners have notes: the piece is mid-way, not merely taken.
      await readEvents(`${doorA.url}/api/pieces/${id}/events`, (event) => event.event === 'notes');
      await writing.kill();
      workers = workers.filter((worker) => worker !== writing);
      const events = await heard;
      const done = events.at(-1);
      expect(done?.event, JSON.stringify(done?.data)).toBe('done');
      // The second worker wrote the piece again from its seed and skipped what listeners already had.
      expect(notesIn(events)).toBe(noteCountOf(done));
      expect(workers[0]?.output()).toMatch(new RegExp(`piece ${id} taken over`));
      workers.push(await startWorker());
    },
    SERVER_TEST_MS,
  );

  it(
    'a front door restarted: the history is intact and a piece being written is still listenable',
    async () => {
      const id = await compose(doorA.url, 20, 13);
      await readEvents(`${doorA.url}/api/pieces/${id}/events`, (event) => event.event === 'notes');
      await doorA.process.kill();
      doorA = await startFrontDoor();
      const listed = (await (await fetch(`${doorA.url}/api/pieces`)).json()) as { pieces: { id: string }[]; total: number };
      expect(listed.total).toBeGreaterThanOrEqual(3);
      const events = await readEvents(`${doorA.url}/api/pieces/${id}/events`);
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1)?.data)).toBe('done');
      expect(notesIn(events)).toBe(noteCountOf(events.at(-1)));
    },
    SERVER_TEST_MS,
  );

  it(
    'Redis stopped: composing answers 503 with a message, history still answers, and all recovers when Redis is back',
    async () => {
      await redis.kill();
      const refused = await postJson(`${doorB.url}/api/pieces`, { instrument: 'violin', seconds: 6 });
      expect(refused.status).toBe(503);
      expect(String(refused.json.error)).toMatch(/not reachable/);
      expect((await fetch(`${doorB.url}/api/pieces`)).status).toBe(200);
      await redis.start();
      // Workers announce themselves again within a heartbeat; until then a front door says none is running.
      let accepted: Awaited<ReturnType<typeof postJson>> | undefined;
      for (let tries = 0; tries < 120 && accepted?.status !== 202; tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 500));
        accepted = await postJson(`${doorB.url}/api/pieces`, { instrument: 'violin', seconds: 6, seed: 14 });
      }
      expect(accepted?.status, JSON.stringify(accepted?.json)).toBe(202);
      const events = await readEvents(`${doorA.url}/api/pieces/${accepted?.json.id}/events`);
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1)?.data)).toBe('done');
    },
    SERVER_TEST_MS,
  );

  it(
    "the bot's shards are front doors of the same queue: /compose through a shard is written by a worker and listed by every front door",
    async () => {
      const fake = await startFakeDiscord();
      const environmentBefore = { ...process.env };
      const config = await shardBotSettings(fake, { ...environment, PARTITA_APP_DATA: temporaryFolder('shards') });
      const parent = await startStudioFromEnvironment(
        { modelPath: SHIPPED_MUSICNET_MODEL, dataFolder: temporaryFolder('shards-parent') },
        { ...process.env, PARTITA_WORKERS: '0' },
      );
      try {
        const manager = await startShards(config, 2, parent.studio, () => {});
        try {
          const sent = fake.invokeCommand('compose', { instrument: 'violin', seconds: 6 });
          const reply = await fake.waitForOriginal(sent, (message) => message.message.attachments.length > 0, SERVER_START_MS);
          expect([...reply.files.values()].some((file) => file.filename.endsWith('.mid'))).toBe(true);
          const listed = (await (await fetch(`${doorB.url}/api/pieces`)).json()) as { pieces: { source: string; status: string }[] };
          expect(listed.pieces.find((piece) => piece.source === 'discord')?.status).toBe('done');
          expect(listed.pieces.filter((piece) => piece.status === 'failed')).toEqual([]);
        } finally {
          for (const shard of manager.shards.values()) shard.kill();
        }
      } finally {
        await parent.close();
        process.env = environmentBefore;
        await fake.close();
      }
    },
    SERVER_TEST_MS,
  );
});
