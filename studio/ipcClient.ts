import type { PieceRecord } from '../store/index.js';
import type { Studio, StudioHealth, SubmitResult } from './api.js';
import type { StudioEvent } from './events.js';
import { Feed } from './feed.js';
import { fromBase64, type IpcChannel, type IpcRequest, isTagged, type ToClient, tagged, toBase64, type WireScore } from './ipcProtocol.js';
import type { ScoreResult } from './scores.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  what: string;
}

/**
 * A Studio whose owner is in another process on this machine (the bot's parent process, for a shard):
 * every call is a request over `channel` (see ipcProtocol.ts), every subscription a stream the owner
 * pushes. It owns no piece: leaving a loop tells the owner, and `close()` only lets go of the channel
 * (the owner's studio keeps running). When the channel closes, waiting calls reject and streams end.
 */
export function studioClient(channel: IpcChannel): Studio {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const streams = new Map<number, { feed: Feed<unknown>; decode: (item: unknown) => unknown }>();
  let closedBecause: string | undefined;

  function shutDown(reason: string, leaving: boolean): void {
    if (closedBecause) return;
    closedBecause = reason;
    stopListening();
    for (const [id, { what, reject }] of pending) {
      if (leaving && streams.has(id)) channel.send(tagged({ type: 'leave', id }));
      reject(new Error(`${what}: ${reason}`));
    }
    pending.clear();
    for (const [id, { feed }] of streams) {
      if (leaving) channel.send(tagged({ type: 'leave', id }));
      feed.end();
    }
    streams.clear();
  }

  function onMessage(message: unknown): void {
    if (!isTagged(message)) return;
    const received = message as ToClient;
    const { id } = received;
    if (received.type === 'item') {
      const stream = streams.get(id);
      stream?.feed.push(stream.decode(received.item));
      return;
    }
    const waiting = pending.get(id);
    pending.delete(id);
    if (received.type === 'end' || (received.type === 'error' && !waiting)) {
      // A stream the owner ended (or broke off: it ends here too).
      streams.get(id)?.feed.end();
      streams.delete(id);
      return;
    }
    if (!waiting) return;
    if (received.type === 'error') {
      streams.delete(id);
      waiting.reject(new Error(`${waiting.what}: the studio answered: ${received.message}`));
    } else waiting.resolve(received.value);
  }

  function request(body: IpcRequest): { id: number; answer: Promise<unknown> } {
    const id = nextId++;
    const what = `studio ${body.op}`;
    if (closedBecause) return { id, answer: Promise.reject(new Error(`${what}: ${closedBecause}`)) };
    const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject, what }));
    channel.send(tagged({ type: 'request', id, request: body }));
    return { id, answer };
  }
  const ask = (body: IpcRequest): Promise<unknown> => request(body).answer;

  async function stream<T>(body: IpcRequest, decode: (item: unknown) => T): Promise<AsyncIterableIterator<T> | undefined> {
    const { id, answer } = request(body);
    // Ready before the answer: the items that follow it land here in order.
    const feed = new Feed<T>(() => {
      if (streams.delete(id) && !closedBecause) channel.send(tagged({ type: 'leave', id }));
    });
    if (!closedBecause) streams.set(id, { feed: feed as Feed<unknown>, decode });
    if ((await answer) === true) return feed;
    streams.delete(id);
    return undefined;
  }

  const stopListening = channel.listen(onMessage, () => shutDown('the channel to the studio closed (its process stopped)', false));

  return {
    submit: async (input, source) =>
      (await ask({
        op: 'submit',
        fields: input.fields,
        ...(input.primer ? { primer: toBase64(input.primer) } : {}),
        source,
      })) as SubmitResult,
    get: async (pieceId) => (await ask({ op: 'get', pieceId })) as PieceRecord | undefined,
    list: async (limit, offset) => (await ask({ op: 'list', limit, offset })) as { pieces: PieceRecord[]; total: number },
    subscribe: (pieceId) => stream({ op: 'subscribe', pieceId }, (item) => item as StudioEvent),
    subscribeOpus: (pieceId) => stream({ op: 'subscribeOpus', pieceId }, (item) => (item as string[]).map(fromBase64)),
    cancel: async (pieceId, reason) => (await ask({ op: 'cancel', pieceId, ...(reason === undefined ? {} : { reason }) })) === true,
    async score(pieceId, kind): Promise<ScoreResult> {
      const score = (await ask({ op: 'score', pieceId, kind })) as WireScore;
      return score.ok ? { ok: true, bytes: fromBase64(score.bytes), final: score.final } : score;
    },
    localFile: async (piece, kind) => (await ask({ op: 'localFile', piece, kind })) as string | undefined,
    health: async () => (await ask({ op: 'health' })) as StudioHealth,
    async close() {
      shutDown('this studio client was closed', true);
    },
  };
}
