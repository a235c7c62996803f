import * as tf from '@tensorflow/tfjs';
import { SEED_WINDOW_NOTES } from '../encoding/seedNotes.js';
import type { ParamSet } from '../lstm/params.js';

/**
 * The seed baseline as the original Keras demo built it: a window of 25 notes of
 * (pitch / 128, step s, duration s) -> three LSTM layers -> three heads: pitch (128-way
 * softmax), step and duration (regression). Loss: cross-entropy on pitch (weight 0.05) plus
 * mean squared error with "positive pressure" on step and duration (weight 1 each), trained
 * with model.fit. Kept as it was, to measure partita's LSTM against.
 */
export interface SeedNetwork {
  windowNotes: number;
  hiddenSize: number;
  layers: number;
}

export const DEFAULT_SEED_NETWORK: SeedNetwork = { windowNotes: SEED_WINDOW_NOTES, hiddenSize: 256, layers: 3 };
export const PITCH_CLASSES = 128;
export const SEED_LOSS_WEIGHTS = { pitch: 0.05, step: 1, duration: 1 };

/** MSE plus 10x the mean of how far predictions fall below zero: steps and durations are never negative. */
export function mseWithPositivePressure(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mean(tf.square(tf.sub(yTrue, yPred))), tf.mul(10, tf.mean(tf.relu(tf.neg(yPred))))));
}

/** Pitch cross-entropy, scaled by its loss weight (tf.js compile() has no lossWeights). */
function weightedPitchLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(SEED_LOSS_WEIGHTS.pitch, tf.mean(tf.metrics.categoricalCrossentropy(yTrue, yPred))));
}

/**
 * Builds the seed network. `initialize: false` skips Keras's orthogonal initializer (a slow QR
 * decomposition in JS) when the weights are about to be loaded from a checkpoint anyway.
 */
export function buildSeedModel(shape: SeedNetwork, initialize = true, learningRate = 5e-3): tf.LayersModel {
  const input = tf.input({ shape: [shape.windowNotes, 3] });
  let x: tf.SymbolicTensor = input;
  for (let layer = 0; layer < shape.layers; layer++) {
    x = tf.layers
      .lstm({
        units: shape.hiddenSize,
        returnSequences: layer < shape.layers - 1,
        name: `lstm_${layer}`,
        ...(initialize ? {} : { kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }),
      })
      .apply(x) as tf.SymbolicTensor;
  }
  const pitch = tf.layers.dense({ units: PITCH_CLASSES, activation: 'softmax', name: 'pitch' }).apply(x) as tf.SymbolicTensor;
  const step = tf.layers.dense({ units: 1, name: 'step' }).apply(x) as tf.SymbolicTensor;
  const duration = tf.layers.dense({ units: 1, name: 'duration' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [pitch, step, duration] });
  model.compile({
    optimizer: tf.train.adam(learningRate),
    // Step and duration weigh 1, so their losses need no scaling.
    loss: [weightedPitchLoss, mseWithPositivePressure, mseWithPositivePressure],
  });
  return model;
}

/** The model's weights as a ParamSet (for partita's checkpoint format). */
export function seedModelParams(model: tf.LayersModel): ParamSet {
  const params: ParamSet = new Map();
  model.weights.forEach((weight) => {
    const value = weight.read();
    params.set(weight.name, { shape: value.shape, data: value.dataSync() as Float32Array });
  });
  return params;
}

/** Loads checkpoint weights into a freshly built model (same names, same shapes). */
export function loadSeedParams(model: tf.LayersModel, params: ParamSet): void {
  model.setWeights(
    model.weights.map((weight) => {
      const param = params.get(weight.name);
      if (!param) throw new Error(`seed checkpoint has no weight ${weight.name}`);
      return tf.tensor(param.data, param.shape);
    }),
  );
}
