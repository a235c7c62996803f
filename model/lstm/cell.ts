import * as tf from '@tensorflow/tfjs-core';
import { fastTanh } from './ops.js';
import { GATES } from './params.js';
import type { DeviceWeights } from './weights.js';

/**
 * One LSTM layer's step and its hand-written gradient. Each gate has its own matrices rather
 * than one fused [H, 4H] block: slicing a fused result is slow on the wasm backend (its slice
 * copies through JS), while four [B,H]x[H,H] products cost the same as one [B,H]x[H,4H].
 */

/** What the backward pass needs from one forward step. */
export interface CellTrace {
  x: tf.Tensor2D;
  /** Previous hidden and cell state, after any reset. */
  hp: tf.Tensor2D;
  cp: tf.Tensor2D;
  i: tf.Tensor2D;
  f: tf.Tensor2D;
  g: tf.Tensor2D;
  o: tf.Tensor2D;
  /** tanh(c) */
  tc: tf.Tensor2D;
}

export interface CellOutput {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
  trace: CellTrace;
}

function gatePreactivation(weights: DeviceWeights, layer: number, gate: string, x: tf.Tensor2D, hp: tf.Tensor2D): tf.Tensor2D {
  return tf.add(
    tf.add(tf.matMul(x, weights.matrix(`l${layer}.wx${gate}`)), tf.matMul(hp, weights.matrix(`l${layer}.u${gate}`))),
    weights.vector(`l${layer}.b${gate}`),
  );
}

export function cellForward(weights: DeviceWeights, layer: number, x: tf.Tensor2D, hp: tf.Tensor2D, cp: tf.Tensor2D): CellOutput {
  const i = tf.sigmoid(gatePreactivation(weights, layer, 'i', x, hp)) as tf.Tensor2D;
  const f = tf.sigmoid(gatePreactivation(weights, layer, 'f', x, hp)) as tf.Tensor2D;
  const g = fastTanh(gatePreactivation(weights, layer, 'g', x, hp)) as tf.Tensor2D;
  const o = tf.sigmoid(gatePreactivation(weights, layer, 'o', x, hp)) as tf.Tensor2D;
  const c = tf.add(tf.mul(f, cp), tf.mul(i, g)) as tf.Tensor2D;
  const tc = fastTanh(c) as tf.Tensor2D;
  const h = tf.mul(o, tc) as tf.Tensor2D;
  return { h, c, trace: { x, hp, cp, i, f, g, o, tc } };
}

export interface CellGradients {
  /** Gradients of the gate pre-activations, per gate: weight gradients are summed from these. */
  dz: Record<(typeof GATES)[number], tf.Tensor2D>;
  dx: tf.Tensor2D;
  /** Gradients flowing into the previous step's h and c (before the reset mask). */
  dhp: tf.Tensor2D;
  dcp: tf.Tensor2D;
}

/** Back-propagates through one step given the gradients reaching its h and c. */
export function cellBackward(
  weights: DeviceWeights,
  layer: number,
  trace: CellTrace,
  dh: tf.Tensor2D,
  dcIn: tf.Tensor2D | undefined,
): CellGradients {
  const { i, f, g, o, tc, cp } = trace;
  const dOut = tf.mul(dh, tc);
  let dc = tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc)));
  if (dcIn) dc = tf.add(dc, dcIn);
  const sigmoidGrad = (y: tf.Tensor, upstream: tf.Tensor) => tf.mul(upstream, tf.mul(y, tf.sub(1, y))) as tf.Tensor2D;
  const dz = {
    i: sigmoidGrad(i, tf.mul(dc, g)),
    f: sigmoidGrad(f, tf.mul(dc, cp)),
    g: tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(g))) as tf.Tensor2D,
    o: sigmoidGrad(o, dOut),
  };
  let dx: tf.Tensor2D | undefined;
  let dhp: tf.Tensor2D | undefined;
  for (const gate of GATES) {
    const towardX: tf.Tensor2D = tf.matMul(dz[gate], weights.transposedMatrix(`l${layer}.wx${gate}`));
    const towardH: tf.Tensor2D = tf.matMul(dz[gate], weights.transposedMatrix(`l${layer}.u${gate}`));
    dx = dx ? tf.add<tf.Tensor2D>(dx, towardX) : towardX;
    dhp = dhp ? tf.add<tf.Tensor2D>(dhp, towardH) : towardH;
  }
  return { dz, dx: dx as tf.Tensor2D, dhp: dhp as tf.Tensor2D, dcp: tf.mul(dc, f) as tf.Tensor2D };
}
