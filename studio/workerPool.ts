import type { Worker } from 'node:worker_threads';
import { startWorker } from '../model/workerScript.js';
import type { ComposeWorkerData } from './composeWorker.js';
import type { FromWorker, ToWorker } from './workerProtocol.js';

type PieceMessage = Exclude<FromWorker, { type: 'ready' }>;

export interface WorkerPoolOptions extends ComposeWorkerData {
  workers: number;
  /** Every message about a piece, from whichever worker writes it. */
  onMessage: (message: PieceMessage) => void;
  /** A worker died: its pieces are lost (the pool starts a replacement). */
  onWorkerLost: (pieceIds: string[], message: string) => void;
}

/** One compose worker thread and the pieces it is writing. */
class ComposeWorker {
  readonly pieces = new Set<string>();
  readonly ready: Promise<void>;
  /** Whether it loaded: only a worker that once worked is replaced when it dies (one that cannot load would fail again). */
  loaded = false;
  private closing = false;
  private readonly thread: Worker;

  constructor(options: WorkerPoolOptions, onExit: (worker: ComposeWorker, message: string) => void) {
    const data: ComposeWorkerData = {
      modelPath: options.modelPath,
      piecesAtOnce: options.piecesAtOnce,
      rendersAtOnce: options.rendersAtOnce,
      ...(options.soundFontPath ? { soundFontPath: options.soundFontPath } : {}),
    };
    this.thread = startWorker(import.meta.url, 'composeWorker', { workerData: data });
    let lastError = 'the compose worker stopped';
    this.ready = new Promise((resolveReady, rejectReady) => {
      this.thread.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.loaded = true;
          return resolveReady();
        }
        if (message.type === 'done' || message.type === 'failed' || message.type === 'cancelled') this.pieces.delete(message.id);
        options.onMessage(message);
      });
      this.thread.on('error', (error) => {
        lastError = `the compose worker failed: ${error.message}`;
        rejectReady(new Error(lastError));
      });
      this.thread.on('exit', () => {
        rejectReady(new Error(lastError));
        if (!this.closing) onExit(this, lastError);
      });
    });
    // Rejections are reported through `ready` to whoever waits on it; an unwatched one is not a crash.
    this.ready.catch(() => {});
  }

  send(message: ToWorker): void {
    this.thread.postMessage(message);
  }

  /** Asks the worker to stop its pieces and exit; resolves when it has (or after `timeoutMs`, by terminating it). */
  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    const exited = new Promise<void>((resolveExit) => this.thread.once('exit', () => resolveExit()));
    this.send({ type: 'close' });
    const timer = setTimeout(() => void this.thread.terminate(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The compose workers. Each writes up to `piecesAtOnce` pieces at once; `start` puts a piece on the
 * least busy one that has room, so the caller must first check `hasRoom()`.
 */
export class WorkerPool {
  private readonly workers: ComposeWorker[] = [];

  constructor(private readonly options: WorkerPoolOptions) {
    for (let index = 0; index < options.workers; index++) this.workers.push(this.spawn());
  }

  /** Resolves when every worker has loaded the model and the synth; rejects if one could not. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.ready));
  }

  get capacity(): number {
    return this.options.workers * this.options.piecesAtOnce;
  }

  get running(): number {
    return this.workers.reduce((sum, worker) => sum + worker.pieces.size, 0);
  }

  hasRoom(): boolean {
    return this.leastBusy() !== undefined;
  }

  start(message: Extract<ToWorker, { type: 'start' }>): void {
    const worker = this.leastBusy();
    if (!worker) throw new Error('no compose worker has room');
    worker.pieces.add(message.id);
    worker.send(message);
  }

  cancel(id: string): void {
    this.workers.find((worker) => worker.pieces.has(id))?.send({ type: 'cancel', id });
  }

  async close(timeoutMs = 5000): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close(timeoutMs)));
  }

  private leastBusy(): ComposeWorker | undefined {
    let best: ComposeWorker | undefined;
    for (const worker of this.workers) {
      if (worker.pieces.size >= this.options.piecesAtOnce) continue;
      if (!best || worker.pieces.size < best.pieces.size) best = worker;
    }
    return best;
  }

  private spawn(): ComposeWorker {
    return new ComposeWorker(this.options, (lost, message) => {
      const index = this.workers.indexOf(lost);
      if (index >= 0 && lost.loaded) this.workers[index] = this.spawn();
      this.options.onWorkerLost([...lost.pieces], message);
    });
  }
}
