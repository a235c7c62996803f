import { headEmbeddingOffsets, inputRowOffsets, type NetworkConfig } from './config.js';

/** A named weight: shape and values, kept in JS memory (the master copy the optimizer updates). */
export interface Param {
  shape: number[];
  data: Float32Array;
}

export type ParamSet = Map<string, Param>;

export const GATES = ['i', 'f', 'g', 'o'] as const;

export function layerInputSize(config: NetworkConfig, layer: number): number {
  return layer === 0 ? config.embedSize : config.hiddenSize;
}

/** Names and shapes of every weight, in a fixed order (the checkpoint order). */
export function paramShapes(config: NetworkConfig): [string, number[]][] {
  const { rows } = inputRowOffsets(config);
  const H = config.hiddenSize;
  const shapes: [string, number[]][] = [['embed', [rows, config.embedSize]]];
  for (let layer = 0; layer < config.layers; layer++) {
    for (const gate of GATES) {
      shapes.push([`l${layer}.wx${gate}`, [layerInputSize(config, layer), H]]);
      shapes.push([`l${layer}.u${gate}`, [H, H]]);
      shapes.push([`l${layer}.b${gate}`, [H]]);
    }
  }
  shapes.push(['head.a', [H, config.headSize]]);
  config.fields.forEach((field, k) => {
    shapes.push([`head.c${k}`, [config.headSize]]);
    const conditionedRows = headEmbeddingOffsets(config, k).at(-1) ?? 0;
    if (k > 0) shapes.push([`head.e${k}`, [conditionedRows, config.headSize]]);
    shapes.push([`head.w${k}`, [config.headSize, field.vocab]]);
    shapes.push([`head.bw${k}`, [field.vocab]]);
  });
  config.copies.forEach((_, c) => {
    shapes.push([`head.copy${c}`, [config.headSize]]);
    shapes.push([`head.copyBias${c}`, [1]]);
  });
  return shapes;
}

/** Deterministic pseudo-random numbers (mulberry32), so a seed fixes the initial weights. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Glorot-uniform matrices, zero biases except the forget gate's (1, so memory survives early
 * training), small embeddings and copy gates.
 */
export function initParams(config: NetworkConfig, seed: number): ParamSet {
  const random = seededRandom(seed);
  const params: ParamSet = new Map();
  for (const [name, shape] of paramShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (shape.length === 2) {
      const [fanIn = 1, fanOut = 1] = shape;
      const isEmbedding = name === 'embed' || name.startsWith('head.e');
      const limit = isEmbedding ? 0.05 : Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * limit;
    } else if (/\.bf$/.test(name)) {
      data.fill(1);
    } else if (/^head\.copy\d+$/.test(name)) {
      for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * 0.05;
    }
    params.set(name, { shape, data });
  }
  return params;
}

export function getParam(params: ParamSet, name: string): Param {
  const param = params.get(name);
  if (!param) throw new Error(`missing weight ${name}`);
  return param;
}
