import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  isFinalStatus,
  newPieceId,
  type PieceHistory,
  type PieceRecord,
  type PieceSource,
  redactedUrl,
  type ScoreFileKind,
} from '../../store/index.js';
import { type Studio, type StudioHealth, StudioUnavailableError, type SubmitInput, type SubmitResult } from '../api.js';
import type { StudioEvent } from '../events.js';
import { PieceSession } from '../pieceSession.js';
import { ScoreShelf } from '../scores.js';
import { pieceScore, planSubmission, queueFullError, RETRY_AFTER_SECONDS, recordSubmission, replayFromHistory } from '../submissions.js';
import { connectRedis, untilReady } from './connection.js';
import { CANCEL_CHANNEL, PIECE_KEYS_TTL_SECONDS, pieceKeys, QUEUE_NAME } from './keys.js';
import { endFeed, readFeed } from './liveFeed.js';
import { type PieceJob, pieceJobOptions } from './queue.js';
import { liveWorkers } from './workerRegistry.js';

export interface RemoteStudioOptions {
  redisUrl: string;
  history: PieceHistory;
  /** This machine's copy of the pieces' files (primers it accepted; files it serves, copied from the history). */
  dataFolder: string;
  /** Pieces that may wait for a worker; more are refused as 'queue-full'. Default 16. */
  queueLimit?: number;
  abandonGraceMs?: number;
}

const DEFAULT_QUEUE_LIMIT = 16;
const DEFAULT_ABANDON_GRACE_MS = 3000;

/**
 * A front door's studio when PARTITA_REDIS_URL is set: it accepts pieces onto the BullMQ queue and
 * follows their live feeds on Redis Streams; it owns no piece (the queue and its workers do). Each piece
 * followed here has one reader (one blocking connection) shared by every listener on this front door.
 */
export async function createRemoteStudio(options: RemoteStudioOptions): Promise<Studio> {
  const { history, dataFolder, redisUrl } = options;
  const queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  const graceMs = options.abandonGraceMs ?? DEFAULT_ABANDON_GRACE_MS;
  const redis = connectRedis(redisUrl, 'partita-front-door');
  await untilReady(redis, redisUrl);
  const queue = new Queue<PieceJob>(QUEUE_NAME, { connection: redis });
  const doorId = `${hostname()}:${process.pid}`;
  const followed = new Map<string, PieceSession>();
  const readers = new Set<Redis>();
  const scores = new ScoreShelf(dataFolder);
  let closed = false;

  /** Redis calls a person waits on fail at once while it is away, rather than wait for it to return. */
  function reachable(): void {
    if (redis.status !== 'ready') {
      throw new StudioUnavailableError(`the composer's queue (Redis at ${redactedUrl(redisUrl)}) is not reachable; try again shortly`);
    }
  }

  async function cancel(id: string, reason = 'cancelled'): Promise<boolean> {
    const record = await history.get(id);
    if (!record || isFinalStatus(record.status)) return false;
    reachable();
    const job = await queue.getJob(id);
    const state = await job?.getState();
    if (job && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) {
      try {
        await job.remove();
        await history.stop(id, 'cancelled', reason, 0);
        await endFeed(redis, id, { type: 'failed', message: reason, cancelled: true });
        return true;
      } catch {
        // A worker took it meanwhile: tell the workers instead.
      }
    }
    const keys = pieceKeys(id);
    await redis.set(keys.cancel, reason, 'EX', PIECE_KEYS_TTL_SECONDS);
    await redis.publish(CANCEL_CHANNEL, JSON.stringify({ id, reason }));
    return true;
  }

  /** Once everyone listening on every front door left, the piece is not worth finishing (PieceSession's rule). */
  async function leftHere(id: string): Promise<void> {
    const { doors } = pieceKeys(id);
    await redis.srem(doors, doorId);
    if ((await redis.scard(doors)) === 0) await cancel(id, 'cancelled: everyone listening left');
  }

  /** The history's word on a piece whose feed went quiet: its final event if it ended without one. */
  async function endedMeanwhile(id: string): Promise<StudioEvent | undefined> {
    const record = await history.get(id);
    if (!record || !isFinalStatus(record.status)) return undefined;
    if (record.status === 'done') return { type: 'done', piece: record };
    return { type: 'failed', message: record.error ?? 'the piece was not finished', cancelled: record.status === 'cancelled' };
  }

  /** This front door's session of a live piece, fed by one reader of its feed until its final event. */
  function follow(record: PieceRecord): PieceSession {
    const existing = followed.get(record.id);
    if (existing) return existing;
    const { id } = record;
    const session = new PieceSession(id, record.header, graceMs, () => void leftHere(id).catch(() => {}));
    followed.set(id, session);
    const reader = redis.duplicate();
    readers.add(reader);
    void (async () => {
      try {
        for await (const item of readFeed(reader, id, () => endedMeanwhile(id))) {
          if (item.type === 'opus') {
            session.addOpus(item.packets);
            continue;
          }
          session.emit(item.event);
          const last = item.event.type === 'notes' ? item.event.notes.at(-1) : undefined;
          if (last) session.emit({ type: 'progress', seconds: last.startSeconds, of: session.plannedSeconds });
        }
      } catch (error) {
        if (!closed)
          session.emit({
            type: 'failed',
            message: `the live feed was lost: ${error instanceof Error ? error.message : error}`,
            cancelled: false,
          });
      } finally {
        followed.delete(id);
        readers.delete(reader);
        reader.disconnect();
      }
    })();
    return session;
  }

  /** The live session of an unfinished piece, with this front door counted among its listeners' doors. */
  async function live(id: string): Promise<{ record: PieceRecord; session?: PieceSession } | undefined> {
    const record = await history.get(id);
    if (!record) return undefined;
    if (isFinalStatus(record.status)) return { record };
    reachable();
    const { doors } = pieceKeys(id);
    await redis.multi().sadd(doors, doorId).expire(doors, PIECE_KEYS_TTL_SECONDS).exec();
    return { record, session: follow(record) };
  }

  async function submit(input: SubmitInput, source: PieceSource): Promise<SubmitResult> {
    if (closed) return { ok: false, error: { reason: 'closed', message: 'the server is shutting down' } };
    const planned = planSubmission(input);
    if ('reason' in planned) return { ok: false, error: planned };
    if (redis.status !== 'ready') {
      return {
        ok: false,
        error: {
          reason: 'unavailable',
          message: "the composer's queue is not reachable; try again shortly",
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        },
      };
    }
    const workers = await liveWorkers(redis);
    if (workers.threads === 0) {
      return {
        ok: false,
        error: {
          reason: 'unavailable',
          message: 'no composer is running right now (no partita worker); try again shortly',
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        },
      };
    }
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    const active = counts.active ?? 0;
    if (active + waiting >= workers.capacity + queueLimit) return { ok: false, error: queueFullError(active, waiting) };
    const id = newPieceId();
    const piece = await recordSubmission(history, dataFolder, { id, source, input, planned });
    await queue.add('compose', { id, plan: planned.plan, title: planned.title }, pieceJobOptions(id));
    return { ok: true, piece };
  }

  async function health(): Promise<StudioHealth> {
    reachable();
    const [workers, counts] = await Promise.all([liveWorkers(redis), queue.getJobCounts('waiting', 'prioritized', 'active')]);
    const running = counts.active ?? 0;
    return {
      workers: workers.threads,
      piecesPerWorker: workers.threads > 0 ? Math.round(workers.capacity / workers.threads) : 0,
      running,
      queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      queueLimit,
    };
  }

  return {
    submit,
    get: (id) => history.get(id),
    list: (limit, offset) => history.list(limit, offset),
    async subscribe(id) {
      const found = await live(id);
      if (!found) return undefined;
      return found.session ? found.session.events() : replayFromHistory(history, found.record);
    },
    async subscribeOpus(id) {
      return (await live(id))?.session?.opusStream();
    },
    cancel,
    async score(id: string, kind: ScoreFileKind) {
      const record = await history.get(id);
      const session = record && !isFinalStatus(record.status) ? (await live(id))?.session : undefined;
      return pieceScore(history, scores, record, kind, session && (() => session.notesSoFar()));
    },
    localFile: (piece, kind) => history.localFile(piece, kind),
    health,
    async close() {
      closed = true;
      for (const reader of readers) reader.disconnect();
      await queue.close();
      await scores.close();
      redis.disconnect();
    },
  };
}
