import * as tf from '@tensorflow/tfjs-core';

/**
 * Dropout on the LSTM's non-recurrent connections (Zaremba et al. 2014): the input of every
 * layer and the top state the heads read, never the state carried from step to step. Only in
 * training; scoring and generation see the whole network.
 *
 * A unit's mask is a hash of (seed, site, step, row, unit), not a draw from a running generator,
 * so a chunk's masks are the same whichever worker thread computes which rows (`rowOffset` is a
 * worker's first row in the whole chunk) and a resumed run draws what the killed one would have.
 */
export interface Dropout {
  /** The share of units zeroed; kept ones are scaled by 1 / (1 - rate). */
  rate: number;
  seed: number;
  rowOffset: number;
}

/** A 32-bit integer mix (xorshift-multiply, as in murmur3's finaliser). */
function mix(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The seed of one training chunk: a run's seed, its epoch and the chunk's place in it. */
export function chunkDropoutSeed(runSeed: number, epoch: number, chunk: number): number {
  return mix(mix(mix(runSeed) ^ epoch) ^ chunk);
}

/**
 * The [rows, width] mask of one site (0 .. layers - 1: a layer's input; layers: the top) at one
 * step: 0 or 1 / (1 - rate).
 */
export function dropoutMask(dropout: Dropout, site: number, step: number, rows: number, width: number): tf.Tensor2D {
  const keep = 1 - dropout.rate;
  const threshold = dropout.rate * 2 ** 32;
  const values = new Float32Array(rows * width);
  const base = mix(mix(dropout.seed ^ mix(site + 1)) ^ step);
  for (let row = 0; row < rows; row++) {
    const rowBase = mix(base ^ (row + dropout.rowOffset));
    for (let unit = 0; unit < width; unit++) {
      values[row * width + unit] = mix(rowBase + Math.imul(unit, 0x9e3779b9)) >= threshold ? 1 / keep : 0;
    }
  }
  return tf.tensor2d(values, [rows, width]);
}
