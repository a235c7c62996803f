import { hostname } from 'node:os';
import { type Job, QueueEvents, Worker } from 'bullmq';
import { isFinalStatus, type PieceHistory, type PieceRecord } from '../../store/index.js';
import type { StudioEvent } from '../events.js';
import { WorkerPool } from '../workerPool.js';
import { type FromWorker, finishedPiece, pieceOutputPaths } from '../workerProtocol.js';
import { connectRedis, untilReady } from './connection.js';
import { CANCEL_CHANNEL, pieceKeys, QUEUE_NAME, WORKERS_KEY } from './keys.js';
import { endFeed, FeedWriter } from './liveFeed.js';
import { LOCK_MS, MAX_STALLED, type PieceJob, STALLED_INTERVAL_MS } from './queue.js';
import { HEARTBEAT_MS, type WorkerHeartbeat } from './workerRegistry.js';

export interface ComposeServiceOptions {
  redisUrl: string;
  history: PieceHistory;
  /** Where this machine writes the pieces' files (the history takes them from here). */
  dataFolder: string;
  modelPath: string;
  /** Compose worker threads in this process. */
  workers: number;
  piecesPerWorker: number;
  rendersPerWorker: number;
  soundFontPath?: string;
}

export interface ComposeService {
  /** Stops taking jobs, lets the pieces being written finish, then stops the threads. */
  close(): Promise<void>;
}

/** A piece this process is writing. */
interface Writing {
  writer: FeedWriter;
  noteCount: number;
  cancelReason?: string;
  settled: () => void;
}

/**
 * `partita worker` (and `partita serve` with workers, when PARTITA_REDIS_URL is set): takes pieces from
 * the BullMQ queue and writes them on its compose threads, each piece's notes and Opus packets to its
 * live feed on Redis Streams, its record and files to the history. The queue owns the jobs: a piece whose
 * worker dies goes to another worker (see queue.ts), so no process ever decides about another's pieces.
 */
export async function startComposeService(options: ComposeServiceOptions): Promise<ComposeService> {
  const { history, dataFolder } = options;
  const redis = connectRedis(options.redisUrl, 'partita-worker');
  await untilReady(redis, options.redisUrl);
  const workerId = `${hostname()}:${process.pid}`;
  const writing = new Map<string, Writing>();

  async function settle(id: string, update: () => Promise<PieceRecord>, final: (record: PieceRecord) => StudioEvent): Promise<void> {
    const piece = writing.get(id);
    writing.delete(id);
    let event: StudioEvent;
    try {
      event = final(await update());
    } catch (error) {
      // The history could not record it: the listeners still hear that it ended, and why.
      event = {
        type: 'failed',
        message: `the history could not be updated: ${error instanceof Error ? error.message : error}`,
        cancelled: false,
      };
    }
    try {
      if (event.type === 'done' || event.type === 'failed') await endFeed(redis, id, event);
    } finally {
      piece?.settled();
    }
  }

  const stop = (id: string, status: 'failed' | 'cancelled', message: string): Promise<void> =>
    settle(
      id,
      () => history.stop(id, status, message, writing.get(id)?.noteCount ?? 0),
      () => ({ type: 'failed', message, cancelled: status === 'cancelled' }),
    );

  function onMessage(message: Exclude<FromWorker, { type: 'ready' }>): void {
    const piece = writing.get(message.id);
    if (!piece) return;
    const report = (error: unknown) => process.stderr.write(`partita worker: piece ${message.id}: ${error}\n`);
    switch (message.type) {
      case 'notes':
        piece.noteCount += message.notes.length;
        piece.writer.event({ type: 'notes', notes: message.notes });
        break;
      case 'composed':
        history.setStatus(message.id, 'rendering').catch(report);
        piece.writer.event({ type: 'status', status: 'rendering' });
        break;
      case 'opus':
        piece.writer.opus(message.packets);
        break;
      case 'done':
        settle(
          message.id,
          () => history.finish(message.id, finishedPiece(message)),
          (record) => ({ type: 'done', piece: record }),
        ).catch(report);
        break;
      case 'failed':
        stop(message.id, 'failed', `composing failed: ${message.message}`).catch(report);
        break;
      case 'cancelled':
        stop(message.id, 'cancelled', piece.cancelReason ?? 'cancelled').catch(report);
        break;
    }
  }

  const pool = new WorkerPool({
    workers: options.workers,
    piecesAtOnce: options.piecesPerWorker,
    rendersAtOnce: options.rendersPerWorker,
    modelPath: options.modelPath,
    ...(options.soundFontPath ? { soundFontPath: options.soundFontPath } : {}),
    onMessage,
    onWorkerLost: (ids, message) => {
      for (const id of ids) void stop(id, 'failed', message);
    },
  });
  await pool.ready();

  async function writePiece(job: Job<PieceJob>): Promise<void> {
    const { id, plan, title } = job.data;
    const record = await history.get(id);
    if (!record || isFinalStatus(record.status)) return;
    const cancelReason = await redis.get(pieceKeys(id).cancel);
    if (cancelReason) {
      await history.stop(id, 'cancelled', cancelReason, 0);
      await endFeed(redis, id, { type: 'failed', message: cancelReason, cancelled: true });
      return;
    }
    const writer = await FeedWriter.open(redis, id);
    // A line per piece: an operator reading the log (and the fault tests) can tell who wrote what.
    process.stderr.write(
      writer.resuming ? `partita worker: piece ${id} taken over from a worker that was lost\n` : `partita worker: writing piece ${id}\n`,
    );
    await history.setStatus(id, 'composing');
    writer.event({ type: 'status', status: 'composing' });
    await new Promise<void>((settled) => {
      writing.set(id, { writer, noteCount: 0, settled });
      pool.start({ type: 'start', id, plan, title, paths: pieceOutputPaths(dataFolder, id) });
    });
  }

  const queueWorker = new Worker<PieceJob>(QUEUE_NAME, writePiece, {
    connection: redis,
    concurrency: pool.capacity,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED,
  });
  queueWorker.on('error', (error) => process.stderr.write(`partita worker: queue: ${error.message}\n`));

  // A job that failed without its worker saying so (lost twice, or the processor threw) still ends its piece.
  const queueEvents = new QueueEvents(QUEUE_NAME, { connection: redis.duplicate() });
  queueEvents.on('failed', ({ jobId, failedReason }) => {
    void (async () => {
      const record = await history.get(jobId);
      if (!record || isFinalStatus(record.status)) return;
      const message = `the piece was lost: ${failedReason}`;
      await history.stop(jobId, 'failed', message, record.noteCount);
      await endFeed(redis, jobId, { type: 'failed', message, cancelled: false });
    })().catch((error: unknown) => process.stderr.write(`partita worker: failing ${jobId}: ${error}\n`));
  });

  const cancellations = redis.duplicate();
  await cancellations.subscribe(CANCEL_CHANNEL);
  cancellations.on('message', (_channel: string, text: string) => {
    const { id, reason } = JSON.parse(text) as { id: string; reason: string };
    const piece = writing.get(id);
    if (!piece) return;
    piece.cancelReason ??= reason;
    pool.cancel(id);
  });

  const heartbeat = (): void => {
    const beat: WorkerHeartbeat = { threads: options.workers, piecesPerWorker: options.piecesPerWorker, seenAt: Date.now() };
    redis.hset(WORKERS_KEY, workerId, JSON.stringify(beat)).catch(() => {});
  };
  heartbeat();
  const beating = setInterval(heartbeat, HEARTBEAT_MS);

  return {
    async close() {
      clearInterval(beating);
      await queueWorker.close();
      await pool.close();
      await queueEvents.close();
      await redis.hdel(WORKERS_KEY, workerId).catch(() => {});
      cancellations.disconnect();
      redis.disconnect();
    },
  };
}
