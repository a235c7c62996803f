import * as tf from '@tensorflow/tfjs-core';
import type { Chunk } from '../lstm/chunk.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { Dropout } from '../lstm/dropout.js';
import { type ChunkScore, disposeState, LstmNetwork, type LstmState, zeroState } from '../lstm/network.js';
import type { ParamSet } from '../lstm/params.js';

/**
 * Computes gradients for the trainer and keeps the LSTM state carried between chunks. The
 * local engine does it on this thread; the worker engine splits each chunk's rows over
 * worker threads. Both share `params` with the trainer, which updates them in place.
 */
export interface GradientEngine {
  /** A network on this thread over the same params, for validation. */
  readonly network: LstmNetwork;
  /** `dropout` is for the whole chunk (rowOffset 0); an engine that splits the rows offsets each share. */
  trainStep(chunk: Chunk, dropout?: Dropout): Promise<{ score: ChunkScore; grads: Map<string, Float32Array> }>;
  weightsChanged(): void;
  resetState(): Promise<void>;
  /** The carried state as [h0, c0, h1, c1, ...], [rows * hidden] each. */
  getState(): Promise<Float32Array[]>;
  setState(arrays: Float32Array[]): Promise<void>;
  close(): Promise<void>;
}

export function stateToArrays(state: LstmState): Float32Array[] {
  return state.h.flatMap((h, layer) => [h.dataSync() as Float32Array, state.c[layer]?.dataSync() as Float32Array]);
}

export function arraysToState(arrays: Float32Array[], rows: number, hidden: number): LstmState {
  const h: tf.Tensor2D[] = [];
  const c: tf.Tensor2D[] = [];
  for (let index = 0; index < arrays.length; index += 2) {
    h.push(tf.keep(tf.tensor2d(arrays[index] as Float32Array, [rows, hidden])));
    c.push(tf.keep(tf.tensor2d(arrays[index + 1] as Float32Array, [rows, hidden])));
  }
  return { h, c };
}

export class LocalGradientEngine implements GradientEngine {
  readonly network: LstmNetwork;
  private state: LstmState;

  constructor(
    config: NetworkConfig,
    params: ParamSet,
    private readonly rows: number,
  ) {
    this.network = new LstmNetwork(config, params);
    this.state = zeroState(config, rows);
  }

  async trainStep(chunk: Chunk, dropout?: Dropout): Promise<{ score: ChunkScore; grads: Map<string, Float32Array> }> {
    const { score, grads, next } = this.network.trainStep(chunk, this.state, dropout);
    disposeState(this.state);
    this.state = next;
    return { score, grads };
  }

  weightsChanged(): void {
    this.network.weightsChanged();
  }

  async resetState(): Promise<void> {
    disposeState(this.state);
    this.state = zeroState(this.network.config, this.rows);
  }

  async getState(): Promise<Float32Array[]> {
    return stateToArrays(this.state);
  }

  async setState(arrays: Float32Array[]): Promise<void> {
    disposeState(this.state);
    this.state = arraysToState(arrays, this.rows, this.network.config.hiddenSize);
  }

  async close(): Promise<void> {
    disposeState(this.state);
    this.network.weightsChanged();
  }
}
