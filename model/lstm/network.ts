import * as tf from '@tensorflow/tfjs-core';
import { type CellTrace, cellBackward, cellForward } from './cell.js';
import type { Chunk } from './chunk.js';
import type { NetworkConfig } from './config.js';
import { type Dropout, dropoutMask } from './dropout.js';
import { InputEmbedding } from './embed.js';
import { addInto, gradFor, type HeadInputs, type HeadResult, headBackward, headForward, pickNll, projectTop } from './heads.js';
import { columnSums, splitRows } from './ops.js';
import { GATES, getParam, type ParamSet } from './params.js';
import { DeviceWeights } from './weights.js';

/** Hidden and cell state per layer, [rows, hidden] each: carried from one chunk to the next. */
export interface LstmState {
  h: tf.Tensor2D[];
  c: tf.Tensor2D[];
}

export function zeroState(config: NetworkConfig, rows: number): LstmState {
  const zeros = () => tf.keep(tf.zeros([rows, config.hiddenSize]) as tf.Tensor2D);
  return { h: Array.from({ length: config.layers }, zeros), c: Array.from({ length: config.layers }, zeros) };
}

export function disposeState(state: LstmState): void {
  for (const tensor of [...state.h, ...state.c]) tensor.dispose();
}

/** Summed negative log-likelihood of a chunk, per field, in nats, and how many events it covers. */
export interface ChunkScore {
  nllPerField: number[];
  /** Events with a non-zero weight on field 0 (every real event). */
  events: number;
}

/** A 0/1 column that zeroes the state of rows where a new sequence starts. */
function keepMask(chunk: Chunk, step: number): tf.Tensor2D | undefined {
  const keep = new Float32Array(chunk.rows);
  let anyReset = false;
  for (let row = 0; row < chunk.rows; row++) {
    const reset = chunk.resets[step * chunk.rows + row] === 1;
    keep[row] = reset ? 0 : 1;
    anyReset ||= reset;
  }
  return anyReset ? tf.tensor2d(keep, [chunk.rows, 1]) : undefined;
}

function headInputsOf(chunk: Chunk): HeadInputs {
  return {
    tokens: chunk.steps * chunk.rows,
    fields: chunk.fields,
    values: chunk.targets,
    lowerBounds: chunk.lowerBounds,
    contexts: chunk.contexts,
    contextSlots: chunk.contextSlots,
  };
}

function fieldWeights(chunk: Chunk, field: number): Float32Array {
  const out = new Float32Array(chunk.steps * chunk.rows);
  for (let token = 0; token < out.length; token++) out[token] = chunk.weights[token * chunk.fields + field] as number;
  return out;
}

/**
 * The LSTM and its heads over MusicNet-style compound events. Forward and backward are written
 * out by hand on TensorFlow.js ops (BPTT through the cells, softmax cross-entropy through the
 * heads): this avoids the tape's slow transposed matmul gradients and wasm's missing gather
 * gradient, and keeps every matrix product on the fast non-transposed path.
 */
export class LstmNetwork {
  readonly device: DeviceWeights;
  private readonly embedding: InputEmbedding;

  constructor(
    readonly config: NetworkConfig,
    readonly params: ParamSet,
  ) {
    this.device = new DeviceWeights(params);
    this.embedding = new InputEmbedding(config, getParam(params, 'embed').data);
  }

  /** Call after the JS weights changed (an optimizer step, a load). */
  weightsChanged(): void {
    this.device.invalidate();
  }

  /**
   * Runs the layers over a chunk; returns the top states per step, each layer's traces and the
   * dropout masks used, per step and site (a layer's input, then the top).
   */
  private runLayers(
    chunk: Chunk,
    state: LstmState,
    keepTraces: boolean,
    dropout?: Dropout,
  ): { tops: tf.Tensor2D[]; traces: CellTrace[][]; keeps: (tf.Tensor2D | undefined)[]; masks: tf.Tensor2D[][]; next: LstmState } {
    const { layers, embedSize, hiddenSize } = this.config;
    const h = [...state.h];
    const c = [...state.c];
    const tops: tf.Tensor2D[] = [];
    const traces: CellTrace[][] = Array.from({ length: layers }, () => []);
    const keeps: (tf.Tensor2D | undefined)[] = [];
    const masks: tf.Tensor2D[][] = [];
    const dropped = (x: tf.Tensor2D, site: number, step: number): tf.Tensor2D => {
      if (!dropout) return x;
      const mask = dropoutMask(dropout, site, step, chunk.rows, site === 0 ? embedSize : hiddenSize);
      masks[step]?.push(mask);
      return tf.mul(x, mask) as tf.Tensor2D;
    };
    for (let step = 0; step < chunk.steps; step++) {
      const keep = keepMask(chunk, step);
      keeps.push(keep);
      masks.push([]);
      let x = tf.tensor2d(this.embedding.lookup(chunk, step), [chunk.rows, embedSize]);
      for (let layer = 0; layer < layers; layer++) {
        const hp = keep ? (tf.mul(h[layer] as tf.Tensor2D, keep) as tf.Tensor2D) : (h[layer] as tf.Tensor2D);
        const cp = keep ? (tf.mul(c[layer] as tf.Tensor2D, keep) as tf.Tensor2D) : (c[layer] as tf.Tensor2D);
        const out = cellForward(this.device, layer, dropped(x, layer, step), hp, cp);
        if (keepTraces) traces[layer]?.push(out.trace);
        h[layer] = out.h;
        c[layer] = out.c;
        x = out.h;
      }
      tops.push(dropped(x, layers, step));
    }
    return { tops, traces, keeps, masks, next: { h, c } };
  }

  private runHeads(top: tf.Tensor2D, inputs: HeadInputs): { projected: tf.Tensor2D; heads: HeadResult[]; nll: Float32Array[] } {
    const projected = projectTop(this.device, top);
    const heads: HeadResult[] = [];
    const nll: Float32Array[] = [];
    this.config.fields.forEach((field, k) => {
      const head = headForward(this.config, this.params, this.device, projected, k, inputs);
      heads.push(head);
      nll.push(pickNll(head.logp.dataSync() as Float32Array, field.vocab, inputs, k));
    });
    return { projected, heads, nll };
  }

  private score(chunk: Chunk, nll: Float32Array[]): ChunkScore {
    const nllPerField = nll.map((values, k) => {
      const weights = fieldWeights(chunk, k);
      let sum = 0;
      for (let token = 0; token < values.length; token++) sum += (weights[token] as number) * (values[token] as number);
      return sum;
    });
    const events = fieldWeights(chunk, 0).reduce((count, weight) => count + (weight > 0 ? 1 : 0), 0);
    return { nllPerField, events };
  }

  /** Scores a chunk without learning; returns the state to carry into the next chunk. */
  evaluate(chunk: Chunk, state: LstmState): { score: ChunkScore; next: LstmState } {
    const result = tf.tidy(() => {
      const { tops, next } = this.runLayers(chunk, state, false);
      const { nll } = this.runHeads(tf.concat(tops, 0) as tf.Tensor2D, headInputsOf(chunk));
      return { nll, next: { h: next.h.map((t) => tf.keep(t)), c: next.c.map((t) => tf.keep(t)) } };
    });
    return { score: this.score(chunk, result.nll), next: result.next };
  }

  /**
   * Forward and backward over a chunk (truncated BPTT: the carried state is a constant). The loss
   * is the mean NLL per event; gradients are returned per weight, in JS memory.
   */
  trainStep(chunk: Chunk, state: LstmState, dropout?: Dropout): { score: ChunkScore; grads: Map<string, Float32Array>; next: LstmState } {
    const grads = new Map<string, Float32Array>();
    for (const [name, param] of this.params) grads.set(name, new Float32Array(param.data.length));
    let score: ChunkScore = { nllPerField: [], events: 0 };
    const next = tf.tidy(() => {
      const { tops, traces, keeps, masks, next } = this.runLayers(chunk, state, true, dropout);
      // A dropped site passes back only what its mask let through.
      const throughMask = (gradients: tf.Tensor2D[], site: number) =>
        dropout ? gradients.map((gradient, step) => tf.mul(gradient, masks[step]?.[site] as tf.Tensor2D) as tf.Tensor2D) : gradients;
      const top = tf.concat(tops, 0) as tf.Tensor2D;
      const inputs = headInputsOf(chunk);
      const { heads, nll } = this.runHeads(top, inputs);
      score = this.score(chunk, nll);
      const perEvent = 1 / Math.max(1, score.events);
      let dProjected: tf.Tensor2D | undefined;
      heads.forEach((head, k) => {
        const scale = fieldWeights(chunk, k).map((weight) => weight * perEvent);
        const { dPre } = headBackward(this.config, this.params, this.device, k, head, inputs, scale, grads);
        dProjected = dProjected ? (tf.add(dProjected, dPre) as tf.Tensor2D) : dPre;
      });
      const dP = dProjected as tf.Tensor2D;
      addInto(grads, 'head.a', tf.matMul(tf.transpose(top), dP));
      let dAbove = throughMask(splitRows(tf.matMul(dP, this.device.transposedMatrix('head.a')), chunk.steps), this.config.layers);
      for (let layer = this.config.layers - 1; layer >= 0; layer--) {
        dAbove = throughMask(this.backwardLayer(chunk, layer, traces[layer] ?? [], keeps, dAbove, grads), layer);
      }
      const dEmbed = gradFor(grads, 'embed');
      dAbove.forEach((dx, step) => {
        this.embedding.accumulateGradient(chunk, step, dx.dataSync() as Float32Array, dEmbed);
      });
      return { h: next.h.map((t) => tf.keep(t)), c: next.c.map((t) => tf.keep(t)) };
    });
    return { score, grads, next };
  }

  /** BPTT through one layer; returns the gradients reaching its inputs, per step. */
  private backwardLayer(
    chunk: Chunk,
    layer: number,
    traces: CellTrace[],
    keeps: (tf.Tensor2D | undefined)[],
    dOut: tf.Tensor2D[],
    grads: Map<string, Float32Array>,
  ): tf.Tensor2D[] {
    const dInputs: tf.Tensor2D[] = new Array(chunk.steps);
    const dz: Record<string, tf.Tensor2D[]> = { i: [], f: [], g: [], o: [] };
    let dhNext: tf.Tensor2D | undefined;
    let dcNext: tf.Tensor2D | undefined;
    for (let step = chunk.steps - 1; step >= 0; step--) {
      const trace = traces[step] as CellTrace;
      const dh = dhNext ? (tf.add(dOut[step] as tf.Tensor2D, dhNext) as tf.Tensor2D) : (dOut[step] as tf.Tensor2D);
      const cell = cellBackward(this.device, layer, trace, dh, dcNext);
      for (const gate of GATES) dz[gate]?.push(cell.dz[gate]);
      dInputs[step] = cell.dx;
      const keep = keeps[step];
      dhNext = keep ? (tf.mul(cell.dhp, keep) as tf.Tensor2D) : cell.dhp;
      dcNext = keep ? (tf.mul(cell.dcp, keep) as tf.Tensor2D) : cell.dcp;
    }
    // dz lists run backwards in time; the traces forwards. Reverse so rows line up.
    const xs = tf.transpose(
      tf.concat(
        traces.map((trace) => trace.x),
        0,
      ),
    );
    const hps = tf.transpose(
      tf.concat(
        traces.map((trace) => trace.hp),
        0,
      ),
    );
    for (const gate of GATES) {
      const dzAll = tf.concat((dz[gate] ?? []).reverse(), 0) as tf.Tensor2D;
      addInto(grads, `l${layer}.wx${gate}`, tf.matMul(xs, dzAll));
      addInto(grads, `l${layer}.u${gate}`, tf.matMul(hps, dzAll));
      addInto(grads, `l${layer}.b${gate}`, columnSums(dzAll));
    }
    return dInputs;
  }
}
