import type { Studio } from './api.js';
import {
  fromBase64,
  type IpcChannel,
  type IpcRequest,
  isTagged,
  type ToClientBody,
  type ToServer,
  tagged,
  toBase64,
  type WireScore,
} from './ipcProtocol.js';

export interface StudioServer {
  /** Streams open to the client right now. */
  readonly streams: number;
  /** Stops serving: every open stream is left (its listener counts down), and later messages are ignored. */
  close(): void;
}

type StreamRequest = Extract<IpcRequest, { op: 'subscribe' | 'subscribeOpus' }>;
type CallRequest = Exclude<IpcRequest, StreamRequest>;

async function call(studio: Studio, request: CallRequest): Promise<unknown> {
  switch (request.op) {
    case 'submit':
      return studio.submit({ fields: request.fields, ...(request.primer ? { primer: fromBase64(request.primer) } : {}) }, request.source);
    case 'get':
      return studio.get(request.pieceId);
    case 'list':
      return studio.list(request.limit, request.offset);
    case 'cancel':
      return studio.cancel(request.pieceId, request.reason);
    case 'score': {
      const score = await studio.score(request.pieceId, request.kind);
      return (score.ok ? { ok: true, bytes: toBase64(score.bytes), final: score.final } : score) satisfies WireScore;
    }
    case 'localFile':
      // Same machine: the owner's path is the client's path.
      return studio.localFile(request.piece, request.kind);
    case 'health':
      return studio.health();
    default:
      throw new Error(`unknown request '${(request as { op?: unknown }).op}'`);
  }
}

async function openStream(studio: Studio, request: StreamRequest): Promise<AsyncIterator<unknown> | undefined> {
  if (request.op === 'subscribe') return studio.subscribe(request.pieceId);
  const packets = await studio.subscribeOpus(request.pieceId);
  if (!packets) return undefined;
  // Each batch of Opus packets as base64 strings, read lazily so leaving still reaches the owner's feed.
  return {
    next: async () => {
      const next = await packets.next();
      return next.done ? next : { done: false, value: next.value.map(toBase64) };
    },
    return: async () => (await packets.return?.()) ?? { done: true, value: undefined },
  };
}

/**
 * Serves `studio` (its owner's, in this process) to one client over `channel`: a shard process. The
 * client's listeners are the owner's listeners: a 'leave' leaves the owner's feed, and when the channel
 * closes (the process died) all of its streams are left, so the abandonment rule counts them down.
 * Closing the server never closes the studio.
 */
export function serveStudio(studio: Studio, channel: IpcChannel): StudioServer {
  const streams = new Map<number, AsyncIterator<unknown>>();
  /** Streams the client left before they were open (it gave up waiting, or closed). */
  const leftEarly = new Set<number>();
  let closed = false;
  const send = (message: ToClientBody): void => {
    if (!closed) channel.send(tagged(message));
  };

  function leave(id: number): void {
    const stream = streams.get(id);
    if (!stream) {
      leftEarly.add(id);
      return;
    }
    streams.delete(id);
    void stream.return?.().catch(() => {});
  }

  async function pump(id: number, request: StreamRequest): Promise<void> {
    const stream = await openStream(studio, request);
    if (!stream || closed || leftEarly.delete(id)) {
      void stream?.return?.();
      send({ type: 'result', id, value: false });
      return;
    }
    streams.set(id, stream);
    send({ type: 'result', id, value: true });
    try {
      for (let next = await stream.next(); !next.done && streams.has(id); next = await stream.next())
        send({ type: 'item', id, item: next.value });
    } finally {
      // Left by the client (or closed) already: it knows; otherwise the stream ended here.
      if (streams.delete(id)) send({ type: 'end', id });
    }
  }

  function onMessage(message: unknown): void {
    if (closed || !isTagged(message)) return;
    const received = message as ToServer;
    if (received.type === 'leave') {
      leave(received.id);
      return;
    }
    if (received.type !== 'request') return;
    const { id, request } = received;
    const fail = (error: unknown): void => send({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
    if (request.op === 'subscribe' || request.op === 'subscribeOpus') pump(id, request).catch(fail);
    else call(studio, request).then((value) => send({ type: 'result', id, value }), fail);
  }

  function close(): void {
    if (closed) return;
    closed = true;
    stopListening();
    for (const id of [...streams.keys()]) leave(id);
  }

  const stopListening = channel.listen(onMessage, close);
  return {
    get streams() {
      return streams.size;
    },
    close,
  };
}
