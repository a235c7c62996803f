import type { PiecePlan } from '../model/compose/compose.js';
import {
  lockDataFolder,
  newPieceId,
  type PieceHistory,
  type PieceRecord,
  type PieceSource,
  type ScoreFileKind,
  SqliteHistory,
} from '../store/index.js';
import type { Studio, SubmitInput, SubmitResult } from './api.js';
import type { StudioEvent } from './events.js';
import { PieceSession } from './pieceSession.js';
import { type ScoreResult, ScoreShelf } from './scores.js';
import { workersFromEnvironment } from './settings.js';
import { pieceScore, planSubmission, queueFullError, recordSubmission, replayFromHistory } from './submissions.js';
import { WorkerPool } from './workerPool.js';
import { type FromWorker, finishedPiece, pieceOutputPaths } from './workerProtocol.js';

export interface StudioOptions {
  /** An LSTM checkpoint folder (the app passes the shipped model). */
  modelPath: string;
  /** Where the history database and the pieces' files live. */
  dataFolder: string;
  /** Worker threads, each with its own model and synth; default PARTITA_WORKERS or 2. */
  workers?: number;
  /** Pieces each worker composes at once, interleaved; default 4 (see README: why not 1). */
  piecesPerWorker?: number;
  /** Pieces each worker renders at once (one FluidSynth instance each, made at start-up); default 2. */
  rendersPerWorker?: number;
  /** Pieces that may wait for a free slot; more are refused as 'queue-full'. Default 16. */
  queueLimit?: number;
  /** How long an unfinished piece whose listeners all left waits for one to come back before it is cancelled. Default 3 s. */
  abandonGraceMs?: number;
  soundFontPath?: string;
  /** Where the history lives; default SQLite in the data folder. */
  history?: PieceHistory;
}

interface QueuedPiece {
  id: string;
  plan: PiecePlan;
  title: string;
}

const DEFAULT_PIECES_PER_WORKER = 4;
const DEFAULT_RENDERS_PER_WORKER = 2;
const DEFAULT_QUEUE_LIMIT = 16;
const DEFAULT_ABANDON_GRACE_MS = 3000;
const INTERRUPTED_MESSAGE = 'the server stopped before this piece was finished';

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
  return value;
}

/**
 * The composing service the web app and the bot share: a bounded queue in front of worker threads
 * that compose and render, the history in the store, and live subscriptions to pieces being written.
 * Resolves once every worker has loaded the model and the synth.
 */
export async function createStudio(options: StudioOptions): Promise<Studio> {
  const workers = positiveInteger('workers', options.workers ?? workersFromEnvironment());
  const piecesPerWorker = positiveInteger('piecesPerWorker', options.piecesPerWorker ?? DEFAULT_PIECES_PER_WORKER);
  const rendersPerWorker = positiveInteger('rendersPerWorker', options.rendersPerWorker ?? DEFAULT_RENDERS_PER_WORKER);
  const queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  const graceMs = options.abandonGraceMs ?? DEFAULT_ABANDON_GRACE_MS;
  const { dataFolder } = options;
  // The sole owner of the folder: only then may it fail the unfinished pieces it finds (no other
  // process is writing them). A second studio on the same folder stops here, before opening anything.
  const lock = lockDataFolder(dataFolder);
  let store: PieceHistory;
  try {
    store = options.history ?? new SqliteHistory(dataFolder);
  } catch (error) {
    lock.release();
    throw error;
  }
  const interrupted = await store.failInterrupted(INTERRUPTED_MESSAGE).catch(async (error: unknown) => {
    await store.close();
    lock.release();
    throw error;
  });
  if (interrupted > 0) process.stderr.write(`partita: ${interrupted} piece(s) left unfinished by the last run marked failed\n`);

  const sessions = new Map<string, PieceSession>();
  const waiting: QueuedPiece[] = [];
  /** History updates under way, which close() waits for. */
  const settling = new Set<Promise<unknown>>();
  /** Accepted pieces not yet queued (their record is being written): they count against the queue's limit. */
  let reserved = 0;
  let closed = false;

  /** Ends a piece's session at once (later messages about it are ignored), then records it and tells its listeners. */
  function settle(id: string, update: () => Promise<PieceRecord>, event: (record: PieceRecord) => StudioEvent): void {
    const session = sessions.get(id);
    sessions.delete(id);
    dispatch();
    const recorded = update().then(
      (record) => session?.emit(event(record)),
      (error: unknown) => {
        const message = `the history could not be updated: ${error instanceof Error ? error.message : String(error)}`;
        session?.emit({ type: 'failed', message, cancelled: false });
      },
    );
    settling.add(recorded);
    void recorded.finally(() => settling.delete(recorded));
  }

  function stop(id: string, status: 'failed' | 'cancelled', message: string): void {
    const noteCount = sessions.get(id)?.noteCount ?? 0;
    settle(
      id,
      () => store.stop(id, status, message, noteCount),
      () => ({ type: 'failed', message, cancelled: status === 'cancelled' }),
    );
  }

  function onMessage(message: Exclude<FromWorker, { type: 'ready' }>): void {
    const session = sessions.get(message.id);
    if (!session) return;
    switch (message.type) {
      case 'notes': {
        session.emit({ type: 'notes', notes: message.notes });
        const last = message.notes[message.notes.length - 1];
        if (last) session.emit({ type: 'progress', seconds: last.startSeconds, of: session.plannedSeconds });
        break;
      }
      case 'composed':
        void store.setStatus(message.id, 'rendering');
        session.emit({ type: 'status', status: 'rendering' });
        break;
      case 'opus':
        session.addOpus(message.packets);
        break;
      case 'done':
        settle(
          message.id,
          () => store.finish(message.id, finishedPiece(message)),
          (piece) => ({ type: 'done', piece }),
        );
        break;
      case 'failed':
        stop(message.id, 'failed', `composing failed: ${message.message}`);
        break;
      case 'cancelled':
        stop(message.id, 'cancelled', session.cancelReason ?? 'cancelled');
        break;
    }
  }

  const pool = new WorkerPool({
    workers,
    piecesAtOnce: piecesPerWorker,
    rendersAtOnce: rendersPerWorker,
    modelPath: options.modelPath,
    ...(options.soundFontPath ? { soundFontPath: options.soundFontPath } : {}),
    onMessage,
    onWorkerLost: (ids, message) => {
      for (const id of ids) stop(id, 'failed', message);
    },
  });
  try {
    await pool.ready();
  } catch (error) {
    await pool.close(1000);
    await store.close();
    lock.release();
    throw error;
  }

  function dispatch(): void {
    while (!closed && waiting.length > 0 && pool.hasRoom()) {
      const next = waiting.shift() as QueuedPiece;
      void store.setStatus(next.id, 'composing');
      sessions.get(next.id)?.emit({ type: 'status', status: 'composing' });
      pool.start({ type: 'start', id: next.id, plan: next.plan, title: next.title, paths: pieceOutputPaths(dataFolder, next.id) });
    }
  }

  function cancel(id: string, reason = 'cancelled'): boolean {
    const session = sessions.get(id);
    if (!session) return false;
    session.cancelReason ??= reason;
    const queued = waiting.findIndex((piece) => piece.id === id);
    if (queued >= 0) {
      waiting.splice(queued, 1);
      stop(id, 'cancelled', session.cancelReason);
    } else pool.cancel(id);
    return true;
  }

  async function submit(input: SubmitInput, source: PieceSource): Promise<SubmitResult> {
    if (closed) return { ok: false, error: { reason: 'closed', message: 'the server is shutting down' } };
    const planned = planSubmission(input);
    if ('reason' in planned) return { ok: false, error: planned };
    if (!pool.hasRoom() && waiting.length + reserved >= queueLimit)
      return { ok: false, error: queueFullError(pool.running, waiting.length) };
    const id = newPieceId();
    reserved++;
    try {
      const piece = await recordSubmission(store, dataFolder, { id, source, input, planned });
      sessions.set(id, new PieceSession(id, planned.plan.header, graceMs, () => cancel(id, 'cancelled: everyone listening left')));
      waiting.push({ id, plan: planned.plan, title: planned.title });
      dispatch();
      return { ok: true, piece };
    } finally {
      reserved--;
    }
  }

  async function subscribe(id: string): Promise<AsyncIterableIterator<StudioEvent> | undefined> {
    const session = sessions.get(id);
    if (session) return session.events();
    const record = await store.get(id);
    return record && replayFromHistory(store, record);
  }

  const scores = new ScoreShelf(dataFolder);
  async function score(id: string, kind: ScoreFileKind): Promise<ScoreResult> {
    const session = sessions.get(id);
    return pieceScore(store, scores, await store.get(id), kind, session && (() => session.notesSoFar()));
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const piece of waiting.splice(0)) stop(piece.id, 'failed', INTERRUPTED_MESSAGE);
    for (const session of sessions.values()) session.cancelReason ??= INTERRUPTED_MESSAGE;
    await pool.close();
    for (const id of [...sessions.keys()]) stop(id, 'failed', INTERRUPTED_MESSAGE);
    await Promise.all(settling);
    await scores.close();
    await store.close();
    lock.release();
  }

  return {
    submit,
    get: (id) => store.get(id),
    list: (limit, offset) => store.list(limit, offset),
    subscribe,
    subscribeOpus: async (id) => sessions.get(id)?.opusStream(),
    cancel: async (id, reason) => cancel(id, reason),
    score,
    localFile: (piece, kind) => store.localFile(piece, kind),
    health: async () => ({ workers, piecesPerWorker, running: pool.running, queued: waiting.length, queueLimit }),
    close,
  };
}
