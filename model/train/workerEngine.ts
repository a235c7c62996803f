import type { Worker } from 'node:worker_threads';
import { concatArrays } from '../arrays.js';
import { type Chunk, sliceChunkRows } from '../lstm/chunk.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { Dropout } from '../lstm/dropout.js';
import { type ChunkScore, LstmNetwork } from '../lstm/network.js';
import type { ParamSet } from '../lstm/params.js';
import { startWorker } from '../workerScript.js';
import type { GradientEngine } from './gradientEngine.js';
import type { WeightLayout, WorkerReply, WorkerRequest } from './gradientWorker.js';

class WorkerHandle {
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;
  readonly worker: Worker;

  constructor() {
    this.worker = startWorker(import.meta.url, 'gradientWorker');
    this.worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.type === 'error') pending?.reject(new Error(`gradient worker failed: ${reply.message}`));
      else pending?.resolve(reply);
    });
    this.worker.on('error', (error) => this.pending?.reject(error));
  }

  request(message: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }
}

/**
 * Data-parallel training over worker threads (one per core): each worker runs the same
 * network on a share of every chunk's rows, with the weights in shared memory so an optimizer
 * step costs no copying. Gradients are averaged by events, which gives exactly the gradient of
 * the whole chunk's mean loss.
 */
export class WorkerGradientEngine implements GradientEngine {
  readonly network: LstmNetwork;
  private weightsVersion = 0;

  private constructor(
    private readonly params: ParamSet,
    private readonly layout: WeightLayout[],
    private readonly workers: WorkerHandle[],
    private readonly gradBuffers: Float32Array[],
    private readonly rowSplits: [number, number][],
    config: NetworkConfig,
  ) {
    this.network = new LstmNetwork(config, params);
  }

  /** Moves `params` into shared memory (in place: the caller's ParamSet now views it). */
  static async start(config: NetworkConfig, params: ParamSet, rows: number, threads: number): Promise<WorkerGradientEngine> {
    const layout: WeightLayout[] = [];
    let total = 0;
    for (const [name, param] of params) {
      layout.push({ name, shape: param.shape, offset: total });
      total += param.data.length;
    }
    const weights = new SharedArrayBuffer(total * 4);
    const shared = new Float32Array(weights);
    for (const entry of layout) {
      const param = params.get(entry.name);
      if (!param) continue;
      shared.set(param.data, entry.offset);
      param.data = shared.subarray(entry.offset, entry.offset + param.data.length);
    }
    const count = Math.max(1, Math.min(threads, rows));
    const rowSplits: [number, number][] = Array.from({ length: count }, (_, index) => [
      Math.round((index * rows) / count),
      Math.round(((index + 1) * rows) / count),
    ]);
    const workers = rowSplits.map(() => new WorkerHandle());
    const gradBuffers = rowSplits.map(() => new SharedArrayBuffer(total * 4));
    await Promise.all(
      workers.map((worker, index) => {
        const [start, end] = rowSplits[index] as [number, number];
        return worker.request({ type: 'init', config, layout, weights, grads: gradBuffers[index] as SharedArrayBuffer, rows: end - start });
      }),
    );
    return new WorkerGradientEngine(
      params,
      layout,
      workers,
      gradBuffers.map((buffer) => new Float32Array(buffer)),
      rowSplits,
      config,
    );
  }

  async trainStep(chunk: Chunk, dropout?: Dropout): Promise<{ score: ChunkScore; grads: Map<string, Float32Array> }> {
    const replies = await Promise.all(
      this.workers.map((worker, index) => {
        const [start, end] = this.rowSplits[index] as [number, number];
        return worker.request({
          type: 'step',
          chunk: sliceChunkRows(chunk, start, end),
          weightsVersion: this.weightsVersion,
          ...(dropout && { dropout: { ...dropout, rowOffset: start } }),
        });
      }),
    );
    const scores = replies.map((reply) => {
      if (reply.type !== 'stepped') throw new Error(`unexpected worker reply ${reply.type}`);
      return reply;
    });
    const events = scores.reduce((sum, score) => sum + score.events, 0);
    const nllPerField = scores[0]?.nllPerField.map((_, k) => scores.reduce((sum, score) => sum + (score.nllPerField[k] ?? 0), 0)) ?? [];
    const grads = new Map<string, Float32Array>();
    for (const entry of this.layout) {
      const size = (this.params.get(entry.name)?.data.length ?? 0) as number;
      const sum = new Float32Array(size);
      scores.forEach((score, index) => {
        // Each worker's gradient is of its own mean; weight it by its share of the events.
        const share = events > 0 ? score.events / events : 0;
        if (share === 0) return;
        const source = (this.gradBuffers[index] as Float32Array).subarray(entry.offset, entry.offset + size);
        for (let i = 0; i < size; i++) sum[i] = (sum[i] as number) + share * (source[i] as number);
      });
      grads.set(entry.name, sum);
    }
    return { score: { nllPerField, events }, grads };
  }

  weightsChanged(): void {
    this.weightsVersion++;
    this.network.weightsChanged();
  }

  async resetState(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.request({ type: 'reset' })));
  }

  async getState(): Promise<Float32Array[]> {
    const parts = await Promise.all(this.workers.map((worker) => worker.request({ type: 'get-state' })));
    const arrays = parts.map((reply) => (reply.type === 'state' ? reply.arrays : []));
    return (arrays[0] ?? []).map((_, index) =>
      concatArrays(
        arrays.map((worker) => worker[index] as Float32Array),
        (length) => new Float32Array(length),
      ),
    );
  }

  async setState(arrays: Float32Array[]): Promise<void> {
    const hidden = this.network.config.hiddenSize;
    await Promise.all(
      this.workers.map((worker, index) => {
        const [start, end] = this.rowSplits[index] as [number, number];
        return worker.request({ type: 'set-state', arrays: arrays.map((array) => array.slice(start * hidden, end * hidden)) });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.request({ type: 'close' })));
    await Promise.all(this.workers.map((worker) => worker.worker.terminate()));
  }
}
