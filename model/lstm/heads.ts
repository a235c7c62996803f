import * as tf from '@tensorflow/tfjs-core';
import { type HeadCopy, headContextSlots, headCopies, headEmbeddingOffsets, type NetworkConfig } from './config.js';
import { columnSums } from './ops.js';
import { getParam, type ParamSet } from './params.js';
import type { DeviceWeights } from './weights.js';

/**
 * The output heads: an event's fields are predicted one after another, each from the top LSTM
 * state and the fields already chosen, so p(event) = prod_k p(field_k | h, fields < k) exactly.
 *
 *     P   = h A                                    (shared projection)
 *     a_k = relu(P + c_k + sum_{j<k} E_k[field_j]) (head k's features)
 *     p_k = softmax(a_k W_k + b_k + copies, masked) (masked: values the rules forbid get -inf)
 *
 * where each copy path c of head k adds its gate a_k v_c + g_c to the logit of the value its
 * context names (NetworkConfig.copies).
 */

/** Additive logit mask value: large enough that exp() underflows to 0. */
const MASKED = -1e9;

/** Tokens to score: the chosen (or true) value of each field so far, and their bounds. */
export interface HeadInputs {
  tokens: number;
  fields: number;
  /** [tokens * fields] */
  values: Int32Array;
  /** [tokens * fields] smallest allowed value (0 = any). */
  lowerBounds: Int32Array;
  /** Optional extra additive masks per field, [tokens * vocab] (generation's instrument and range rules). */
  extraMasks?: (Float32Array | undefined)[];
  /** [tokens * contextSlots] head context features (config.headContexts order). */
  contexts?: Int32Array;
  contextSlots?: number;
}

/** Calls visit(tokenStart, rowStart) for every head-k embedding row of every token (offsets in floats). */
function forEachConditioningRow(
  config: NetworkConfig,
  field: number,
  inputs: HeadInputs,
  visit: (tokenStart: number, rowStart: number) => void,
): void {
  const size = config.headSize;
  const offsets = headEmbeddingOffsets(config, field);
  const slots = headContextSlots(config, field);
  const contextSlots = inputs.contextSlots ?? 0;
  for (let token = 0; token < inputs.tokens; token++) {
    for (let j = 0; j < field; j++)
      visit(token * size, ((offsets[j] as number) + (inputs.values[token * inputs.fields + j] as number)) * size);
    slots.forEach((slot, c) => {
      const value = inputs.contexts?.[token * contextSlots + slot] ?? 0;
      visit(token * size, ((offsets[field + c] as number) + value) * size);
    });
  }
}

/** Sums the head-k embeddings of the fields before k for every token. */
export function headConditioning(config: NetworkConfig, params: ParamSet, field: number, inputs: HeadInputs): Float32Array {
  const size = config.headSize;
  const out = new Float32Array(inputs.tokens * size);
  if (field === 0) return out;
  const table = getParam(params, `head.e${field}`).data;
  forEachConditioningRow(config, field, inputs, (outStart, start) => {
    for (let d = 0; d < size; d++) out[outStart + d] = (out[outStart + d] as number) + (table[start + d] as number);
  });
  return out;
}

function boundsMask(vocab: number, inputs: HeadInputs, field: number): tf.Tensor2D | undefined {
  const bounds = new Int32Array(inputs.tokens);
  let any = false;
  for (let token = 0; token < inputs.tokens; token++) {
    const bound = inputs.lowerBounds[token * inputs.fields + field] as number;
    bounds[token] = bound;
    if (bound > 0) any = true;
  }
  const extra = inputs.extraMasks?.[field];
  if (!any && !extra) return undefined;
  return tf.tidy(() => {
    const below = tf.less(tf.reshape(tf.range(0, vocab, 1, 'int32'), [1, vocab]), tf.tensor2d(bounds, [inputs.tokens, 1], 'int32'));
    const mask = tf.mul(tf.cast(below, 'float32'), MASKED) as tf.Tensor2D;
    return extra ? (tf.add(mask, tf.tensor2d(extra, [inputs.tokens, vocab])) as tf.Tensor2D) : mask;
  });
}

/** Head k's features and log-probabilities. */
export interface HeadResult {
  pre: tf.Tensor2D;
  a: tf.Tensor2D;
  logp: tf.Tensor2D;
}

export function projectTop(weights: DeviceWeights, top: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(top, weights.matrix('head.a'));
}

export function headForward(
  config: NetworkConfig,
  params: ParamSet,
  weights: DeviceWeights,
  projected: tf.Tensor2D,
  field: number,
  inputs: HeadInputs,
): HeadResult {
  const vocab = config.fields[field]?.vocab ?? 0;
  let pre = tf.add(projected, weights.vector(`head.c${field}`)) as tf.Tensor2D;
  if (field > 0) pre = tf.add(pre, tf.tensor2d(headConditioning(config, params, field, inputs), [inputs.tokens, config.headSize]));
  const a = tf.relu(pre);
  let logits = tf.add(tf.matMul(a, weights.matrix(`head.w${field}`)), weights.vector(`head.bw${field}`)) as tf.Tensor2D;
  const copies = headCopies(config, field);
  if (copies.length > 0) logits = tf.add(logits, tf.tensor2d(copyLogits(config, params, field, copies, a, inputs), [inputs.tokens, vocab]));
  const mask = boundsMask(vocab, inputs, field);
  if (mask) logits = tf.add(logits, mask);
  return { pre, a, logp: tf.logSoftmax(logits) as tf.Tensor2D };
}

/** Calls visit(token, value, copy) for every copy path of head k whose context names a value. */
function forEachCopy(
  config: NetworkConfig,
  field: number,
  copies: readonly HeadCopy[],
  inputs: HeadInputs,
  visit: (token: number, value: number, copy: HeadCopy) => void,
): void {
  const slots = headContextSlots(config, field);
  const contextSlots = inputs.contextSlots ?? 0;
  for (let token = 0; token < inputs.tokens; token++) {
    for (const copy of copies) {
      const value = inputs.contexts?.[token * contextSlots + (slots[copy.position] as number)] ?? copy.limit;
      if (value < copy.limit) visit(token, value, copy);
    }
  }
}

/** The copy paths' additions to head k's logits, [tokens * vocab]. */
function copyLogits(
  config: NetworkConfig,
  params: ParamSet,
  field: number,
  copies: readonly HeadCopy[],
  a: tf.Tensor2D,
  inputs: HeadInputs,
): Float32Array {
  const vocab = config.fields[field]?.vocab ?? 0;
  const size = config.headSize;
  const features = a.dataSync() as Float32Array;
  const out = new Float32Array(inputs.tokens * vocab);
  forEachCopy(config, field, copies, inputs, (token, value, copy) => {
    const gate = getParam(params, `head.copy${copy.copy}`).data;
    let sum = getParam(params, `head.copyBias${copy.copy}`).data[0] as number;
    for (let d = 0; d < size; d++) sum += (features[token * size + d] as number) * (gate[d] as number);
    out[token * vocab + value] = (out[token * vocab + value] as number) + sum;
  });
  return out;
}

/**
 * Back-propagates the copy paths of head k: each gate's gradient is its value's logit gradient;
 * returns what reaches the head's features a_k, [tokens * headSize].
 */
function copyBackward(
  config: NetworkConfig,
  params: ParamSet,
  field: number,
  copies: readonly HeadCopy[],
  a: tf.Tensor2D,
  dLogits: tf.Tensor2D,
  inputs: HeadInputs,
  grads: Map<string, Float32Array>,
): Float32Array {
  const vocab = config.fields[field]?.vocab ?? 0;
  const size = config.headSize;
  const features = a.dataSync() as Float32Array;
  const dLogit = dLogits.dataSync() as Float32Array;
  const dFeatures = new Float32Array(inputs.tokens * size);
  forEachCopy(config, field, copies, inputs, (token, value, copy) => {
    const dGate = dLogit[token * vocab + value] as number;
    const gate = getParam(params, `head.copy${copy.copy}`).data;
    const dVector = gradFor(grads, `head.copy${copy.copy}`);
    const dBias = gradFor(grads, `head.copyBias${copy.copy}`);
    dBias[0] = (dBias[0] as number) + dGate;
    for (let d = 0; d < size; d++) {
      dVector[d] = (dVector[d] as number) + dGate * (features[token * size + d] as number);
      dFeatures[token * size + d] = (dFeatures[token * size + d] as number) + dGate * (gate[d] as number);
    }
  });
  return dFeatures;
}

/** Negative log-likelihood (nats) of each token's true value, read from log-probabilities. */
export function pickNll(logp: Float32Array, vocab: number, inputs: HeadInputs, field: number): Float32Array {
  const nll = new Float32Array(inputs.tokens);
  for (let token = 0; token < inputs.tokens; token++) {
    nll[token] = -(logp[token * vocab + (inputs.values[token * inputs.fields + field] as number)] as number);
  }
  return nll;
}

export interface HeadGradients {
  /** Gradient reaching the shared projection P from this head. */
  dPre: tf.Tensor2D;
}

/**
 * Back-propagates head k: the loss is sum_tokens scale[token] * nll, so dlogits is
 * scale * (softmax - onehot). Weight gradients are added into `grads`.
 */
export function headBackward(
  config: NetworkConfig,
  params: ParamSet,
  weights: DeviceWeights,
  field: number,
  result: HeadResult,
  inputs: HeadInputs,
  scale: Float32Array,
  grads: Map<string, Float32Array>,
): HeadGradients {
  const vocab = config.fields[field]?.vocab ?? 0;
  const oneHot = new Float32Array(inputs.tokens * vocab);
  for (let token = 0; token < inputs.tokens; token++) {
    oneHot[token * vocab + (inputs.values[token * inputs.fields + field] as number)] = scale[token] as number;
  }
  const dLogits = tf.sub(
    tf.mul(tf.exp(result.logp), tf.tensor2d(scale, [inputs.tokens, 1])),
    tf.tensor2d(oneHot, [inputs.tokens, vocab]),
  ) as tf.Tensor2D;
  addInto(grads, `head.w${field}`, tf.matMul(tf.transpose(result.a), dLogits));
  addInto(grads, `head.bw${field}`, columnSums(dLogits));
  let dA = tf.matMul(dLogits, weights.transposedMatrix(`head.w${field}`)) as tf.Tensor2D;
  const copies = headCopies(config, field);
  if (copies.length > 0)
    dA = tf.add(
      dA,
      tf.tensor2d(copyBackward(config, params, field, copies, result.a, dLogits, inputs, grads), [inputs.tokens, config.headSize]),
    );
  const dPre = tf.mul(dA, tf.step(result.pre)) as tf.Tensor2D;
  addInto(grads, `head.c${field}`, columnSums(dPre));
  if (field > 0) accumulateHeadEmbedding(config, field, inputs, dPre.dataSync() as Float32Array, gradFor(grads, `head.e${field}`));
  return { dPre };
}

function accumulateHeadEmbedding(config: NetworkConfig, field: number, inputs: HeadInputs, dPre: Float32Array, dTable: Float32Array): void {
  const size = config.headSize;
  forEachConditioningRow(config, field, inputs, (gradStart, start) => {
    for (let d = 0; d < size; d++) dTable[start + d] = (dTable[start + d] as number) + (dPre[gradStart + d] as number);
  });
}

/** The gradient buffer for a weight (created by the caller for every weight). */
export function gradFor(grads: Map<string, Float32Array>, name: string): Float32Array {
  const grad = grads.get(name);
  if (!grad) throw new Error(`no gradient buffer for ${name}`);
  return grad;
}

/** Adds a device tensor into a weight's JS gradient buffer. */
export function addInto(grads: Map<string, Float32Array>, name: string, tensor: tf.Tensor): void {
  const values = tensor.dataSync();
  const grad = gradFor(grads, name);
  for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) + (values[i] as number);
}
