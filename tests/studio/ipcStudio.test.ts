import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import type { PieceRecord } from '../../store/index.js';
import {
  childProcessChannel,
  createStudio,
  type IpcChannel,
  isFinalEvent,
  type Studio,
  type StudioServer,
  serveStudio,
  studioClient,
} from '../../studio/index.js';
import { SERVER_START_MS } from '../helpers/budgets.js';
import { temporaryFolder } from '../helpers/paths.js';

const ABANDON_GRACE_MS = 400;
const dataFolder = temporaryFolder('ipc-studio');
let owner: Studio;

beforeAll(async () => {
  owner = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder, workers: 1, abandonGraceMs: ABANDON_GRACE_MS });
}, SERVER_START_MS);

afterAll(async () => {
  await owner?.close();
});

/**
 * Two ends of an in-process channel that behaves like Node's IPC: JSON on the way, delivered later,
 * in order, and a close both ends hear.
 */
function channelPair(): { a: IpcChannel; b: IpcChannel; close(): void } {
  type End = { onMessage?: (message: unknown) => void; onClose?: () => void };
  const ends: [End, End] = [{}, {}];
  let closed = false;
  const end = (self: End, other: End): IpcChannel => ({
    send(message) {
      if (closed) return;
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      setImmediate(() => other.onMessage?.(copy));
    },
    listen(onMessage, onClose) {
      Object.assign(self, { onMessage, onClose });
      return () => Object.assign(self, { onMessage: undefined, onClose: undefined });
    },
  });
  return {
    a: end(ends[0], ends[1]),
    b: end(ends[1], ends[0]),
    close() {
      closed = true;
      setImmediate(() => {
        for (const side of ends) side.onClose?.();
      });
    },
  };
}

async function waitForStatus(id: string, statuses: readonly string[], ms: number): Promise<PieceRecord> {
  const deadline = Date.now() + ms;
  for (;;) {
    const piece = await owner.get(id);
    if (piece && statuses.includes(piece.status)) return piece;
    if (Date.now() > deadline) throw new Error(`piece ${id} is ${piece?.status}, not ${statuses.join('/')}, after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitFor(condition: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A client served in-process, and the id of a piece it submitted. */
async function servedClient(fields: object): Promise<{ server: StudioServer; client: Studio; id: string }> {
  const pair = channelPair();
  const server = serveStudio(owner, pair.a);
  const client = studioClient(pair.b);
  const submitted = await client.submit({ fields }, 'web');
  if (!submitted.ok) throw new Error(submitted.error.message);
  return { server, client, id: submitted.piece.id };
}

describe('a studio served over IPC', () => {
  it('answers every call and stream of a client in-process, through JSON, as the owner would', async () => {
    const { server, client, id } = await servedClient({ instrument: 'violin', seconds: 5 });
    const events = await client.subscribe(id);
    const types: string[] = [];
    let last: unknown;
    for await (const event of events ?? []) {
      types.push(event.type);
      last = event;
    }
    expect(types[0]).toBe('header');
    expect(types).toContain('notes');
    expect(types.at(-1)).toBe('done');
    const stored = await owner.get(id);
    expect(stored?.status).toBe('done');
    expect(last).toEqual({ type: 'done', piece: stored });
    expect(await client.get(id)).toEqual(stored);
    expect((await client.list(5, 0)).pieces.map((piece) => piece.id)).toContain(id);
    // A finished piece replays over the wire too; bytes (a score) come back as bytes.
    const replayed: string[] = [];
    for await (const event of (await client.subscribe(id)) ?? []) replayed.push(event.type);
    expect(replayed.at(-1)).toBe('done');
    const score = await client.score(id, 'musicxml');
    const ownerScore = await owner.score(id, 'musicxml');
    expect(score.ok && ownerScore.ok && Buffer.compare(score.bytes, ownerScore.bytes)).toBe(0);
    expect(await client.localFile(stored as PieceRecord, 'mid')).toBe(await owner.localFile(stored as PieceRecord, 'mid'));
    expect(await client.health()).toEqual(await owner.health());
    const invalid = await client.submit({ fields: { instrument: 'violin', seconds: 5 }, primer: new Uint8Array([1, 2, 3]) }, 'web');
    expect(invalid).toMatchObject({ ok: false, error: { reason: 'invalid', message: expect.stringMatching(/primer/) } });
    expect(await client.subscribeOpus(id)).toBeUndefined();
    expect(await client.cancel(id)).toBe(false);
    expect(server.streams).toBe(0);

    // close() lets go of the channel, never of the owner's studio.
    await client.close();
    await expect(client.health()).rejects.toThrow(/studio health: this studio client was closed/);
    expect((await owner.health()).workers).toBe(1);
    server.close();
  }, 120_000);

  it("a client leaving its loops leaves the owner's feeds: the abandonment rule cancels the piece", async () => {
    const { server, client, id } = await servedClient({ instrument: 'piano', seconds: 300 });
    const events = await client.subscribe(id);
    const opus = await client.subscribeOpus(id);
    expect(opus).toBeDefined();
    for await (const event of events ?? []) if (event.type === 'notes' || isFinalEvent(event)) break;
    await opus?.return?.();
    // The leaves travel like any message: the owner hears them a moment later.
    await waitFor(() => server.streams === 0, 'the server to hear both leaves', 10_000);
    const piece = await waitForStatus(id, ['cancelled', 'done', 'failed'], 60_000);
    expect(piece).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/everyone listening left/) });
    await client.close();
    server.close();
  }, 120_000);

  it('a call waiting when the channel closes rejects with a clear error; later calls too', async () => {
    const pair = channelPair();
    // Nobody serves the other end: the call waits until the channel closes.
    const client = studioClient(pair.b);
    const waiting = client.health();
    pair.close();
    await expect(waiting).rejects.toThrow('studio health: the channel to the studio closed (its process stopped)');
    await expect(client.get('AAAAAAAAAAAA')).rejects.toThrow(/studio get: the channel to the studio closed/);
  });

  describe('to a real child process', () => {
    let child: ChildProcess;
    let server: StudioServer;
    const reports: unknown[] = [];
    const ask = async (test: string): Promise<unknown> => {
      const before = reports.length;
      child.send({ test });
      await waitFor(() => reports.length > before, `the child's report on '${test}'`, 120_000);
      return reports[before];
    };

    beforeAll(() => {
      child = fork('tests/studio/ipcChild.ts', { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (message: { report?: unknown }) => {
        if ('report' in message) reports.push(message.report);
      });
      server = serveStudio(owner, childProcessChannel(child));
    });

    afterAll(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    it('composes through the parent: events, Opus packets as bytes, the score, a local path, errors', async () => {
      const report = (await ask('compose')) as Record<string, unknown>;
      expect(report.thrown).toBeUndefined();
      const id = report.id as string;
      const stored = await owner.get(id);
      expect(stored).toMatchObject({ status: 'done', source: 'discord' });
      expect(report.status).toBe('done');
      expect(report.final).toEqual({ type: 'done', piece: stored });
      expect((report.types as string[]).slice(0, 2)).toEqual(['header', 'status']);
      const opus = report.opus as { packets: number; bytes: number; allBytes: boolean };
      // 5 s of 20 ms packets (and the flushed tail), every one bytes.
      expect(opus.packets).toBeGreaterThanOrEqual(250);
      expect(opus.allBytes).toBe(true);
      expect(report.musicXml).toMatch(/^<\?xml/);
      expect(report.midExists).toBe(true);
      expect(report.unknown).toEqual({ cancel: false });
      expect(report.invalid).toMatchObject({ ok: false, error: { reason: 'invalid' } });
      expect(report.health).toEqual(await owner.health());
      expect(server.streams).toBe(0);
    }, 180_000);

    it("the child's death leaves its streams: listeners count down and the abandoned piece is cancelled", async () => {
      const report = (await ask('listen')) as { id: string; first: string; opus: boolean };
      expect(report).toMatchObject({ first: 'header', opus: true });
      expect(server.streams).toBe(2);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      await waitFor(() => server.streams === 0, "the server to leave the dead child's streams", 10_000);
      const piece = await waitForStatus(report.id, ['cancelled', 'done', 'failed'], 60_000);
      expect(piece).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/everyone listening left/) });
      // The owner is unharmed: it still composes.
      expect((await owner.health()).workers).toBe(1);
    }, 180_000);
  });

  it('a second embedded studio on the same data folder is refused before it touches a piece', async () => {
    const submitted = await owner.submit({ fields: { instrument: 'cello', seconds: 5 } }, 'cli');
    if (!submitted.ok) throw new Error(submitted.error.message);
    await expect(createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder, workers: 1 })).rejects.toThrow(
      `the data folder ${dataFolder} is in use by partita process ${process.pid};`,
    );
    const piece = await waitForStatus(submitted.piece.id, ['done', 'failed', 'cancelled'], 60_000);
    expect(piece.status).toBe('done');
    const { pieces } = await owner.list(100, 0);
    expect(pieces.filter((each) => each.status === 'failed')).toEqual([]);
  }, 120_000);
});
