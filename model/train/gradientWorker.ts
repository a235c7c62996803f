/**
 * A worker thread of WorkerGradientEngine: its own TensorFlow.js (wasm) instance computing
 * gradients for its share of each chunk's rows. Weights are read from shared memory the main
 * thread's optimizer writes; gradients go back through shared memory too.
 */
import { parentPort } from 'node:worker_threads';
import { startEngine } from '../engine.js';
import type { Chunk } from '../lstm/chunk.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { Dropout } from '../lstm/dropout.js';
import type { ParamSet } from '../lstm/params.js';
import { LocalGradientEngine } from './gradientEngine.js';

export interface WeightLayout {
  name: string;
  shape: number[];
  offset: number;
}

export type WorkerRequest =
  | { type: 'init'; config: NetworkConfig; layout: WeightLayout[]; weights: SharedArrayBuffer; grads: SharedArrayBuffer; rows: number }
  | { type: 'step'; chunk: Chunk; weightsVersion: number; dropout?: Dropout }
  | { type: 'reset' }
  | { type: 'get-state' }
  | { type: 'set-state'; arrays: Float32Array[] }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'stepped'; nllPerField: number[]; events: number }
  | { type: 'state'; arrays: Float32Array[] }
  | { type: 'done' }
  | { type: 'error'; message: string };

let engine: LocalGradientEngine | undefined;
let layout: WeightLayout[] = [];
let grads: Float32Array | undefined;
let weightsVersion = -1;

function paramsOver(buffer: SharedArrayBuffer, entries: WeightLayout[]): ParamSet {
  const all = new Float32Array(buffer);
  return new Map(
    entries.map((entry) => [
      entry.name,
      { shape: entry.shape, data: all.subarray(entry.offset, entry.offset + entry.shape.reduce((a, b) => a * b, 1)) },
    ]),
  );
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'init': {
      await startEngine('wasm');
      layout = request.layout;
      grads = new Float32Array(request.grads);
      engine = new LocalGradientEngine(request.config, paramsOver(request.weights, layout), request.rows);
      return { type: 'ready' };
    }
    case 'step': {
      if (!engine || !grads) throw new Error('worker used before init');
      if (request.weightsVersion !== weightsVersion) {
        engine.weightsChanged();
        weightsVersion = request.weightsVersion;
      }
      const result = await engine.trainStep(request.chunk, request.dropout);
      for (const entry of layout) grads.set(result.grads.get(entry.name) as Float32Array, entry.offset);
      return { type: 'stepped', nllPerField: result.score.nllPerField, events: result.score.events };
    }
    case 'reset':
      await engine?.resetState();
      return { type: 'done' };
    case 'get-state':
      return { type: 'state', arrays: (await engine?.getState()) ?? [] };
    case 'set-state':
      await engine?.setState(request.arrays);
      return { type: 'done' };
    case 'close':
      await engine?.close();
      return { type: 'done' };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) =>
      parentPort?.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
