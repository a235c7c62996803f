/**
 * The wire between a studio's owner and its clients in other processes of the same machine (bot
 * shards): requests answered by id, and streams (subscribe, subscribeOpus) the server pushes.
 *
 * Why IPC and not HTTP: discord.js's ShardingManager already opens a Node IPC channel to each shard
 * process it forks, and ends it when the process dies: nothing to listen on, no port, no address to
 * configure or secure, and the owner learns of a shard's death from the channel itself (so that
 * shard's listeners leave at once, as the abandonment rule needs). Across machines the seam is
 * elsewhere (bot/shardStudio.ts: a Redis-backed client).
 *
 * Messages go as JSON (child_process's default serialisation, which ShardingManager uses), so bytes
 * travel as base64 strings: a third more than the bytes, where a JSON array of numbers is 3.5-4 times
 * as big and far slower to parse. Every message of ours carries `partitaStudio: 1`: discord.js sends
 * its own over the same channel, and each side ignores what is not tagged.
 */
import type { ChildProcess } from 'node:child_process';
import type { PieceFileKind, PieceRecord, PieceSource, ScoreFileKind } from '../store/index.js';

export const IPC_TAG = 'partitaStudio';
export const IPC_VERSION = 1;

export type IpcRequest =
  | { op: 'submit'; fields: unknown; primer?: string; source: PieceSource }
  | { op: 'get'; pieceId: string }
  | { op: 'list'; limit: number; offset: number }
  | { op: 'cancel'; pieceId: string; reason?: string }
  | { op: 'score'; pieceId: string; kind: ScoreFileKind }
  | { op: 'localFile'; piece: PieceRecord; kind: PieceFileKind }
  | { op: 'health' }
  /** Streams: answered `true` (items follow under the same id, then 'end') or `false` (no such stream). */
  | { op: 'subscribe'; pieceId: string }
  | { op: 'subscribeOpus'; pieceId: string };

type Tagged = { [IPC_TAG]: typeof IPC_VERSION };

/** Client to server. 'leave': the client left stream `id` (the listener went away). */
export type ToServerBody = { type: 'request'; id: number; request: IpcRequest } | { type: 'leave'; id: number };
export type ToServer = Tagged & ToServerBody;

/** Server to client: a request's answer (JSON-safe, bytes as base64), or a stream's items and end. */
export type ToClientBody =
  | { type: 'result'; id: number; value?: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'item'; id: number; item: unknown }
  | { type: 'end'; id: number };
export type ToClient = Tagged & ToClientBody;

export function tagged<Body extends ToServerBody | ToClientBody>(body: Body): Tagged & Body {
  return { [IPC_TAG]: IPC_VERSION, ...body };
}

/** A score as it travels: ScoreResult with its bytes as base64. */
export type WireScore = { ok: true; bytes: string; final: boolean } | { ok: false; status: 404 | 409 | 500; message: string };

export function isTagged(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>)[IPC_TAG] === IPC_VERSION;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** One end of a message channel: both ends of partita's IPC speak through this. */
export interface IpcChannel {
  /** Sends when the channel is open; a closed channel drops it (its close is reported by `listen`). */
  send(message: ToServer | ToClient): void;
  /** Calls `onMessage` for every message (tagged or not), `onClose` once when the channel closes; returns how to stop listening. */
  listen(onMessage: (message: unknown) => void, onClose: () => void): () => void;
}

/**
 * A channel over an emitter of 'message' (a ChildProcess, or `process` in a child): `closeEvents` end
 * it; so does a channel already down when listening starts. `onClose` is called once.
 */
function emitterChannel(
  emitter: NodeJS.EventEmitter,
  closeEvents: readonly string[],
  connected: () => boolean,
  send: (message: ToServer | ToClient) => void,
): IpcChannel {
  return {
    send(message) {
      if (connected()) send(message);
    },
    listen(onMessage, onClose) {
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        onClose();
      };
      emitter.on('message', onMessage);
      for (const event of closeEvents) emitter.once(event, close);
      if (!connected()) queueMicrotask(close);
      // In a child, listening on 'message' and 'disconnect' keeps the channel (and the process) alive: stopping lets it go.
      return () => {
        emitter.off('message', onMessage);
        for (const event of closeEvents) emitter.off(event, close);
      };
    },
  };
}

/** The channel to a forked child process, from the parent (a discord.js Shard's process). */
export function childProcessChannel(child: ChildProcess): IpcChannel {
  // The callback takes a send that failed because the child just died: its exit reports it.
  return emitterChannel(
    child,
    ['disconnect', 'exit'],
    () => child.connected,
    (message) => child.send(message, () => {}),
  );
}

/** The channel to this process's parent, from a child forked with IPC (a shard process). */
export function parentProcessChannel(): IpcChannel {
  if (!process.send) throw new Error('this process has no IPC channel to a parent (it was not forked by one)');
  return emitterChannel(
    process,
    ['disconnect'],
    () => process.connected,
    (message) => process.send?.(message, undefined, undefined, () => {}),
  );
}
