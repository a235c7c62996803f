import * as tf from '@tensorflow/tfjs';

/**
 * The stock TensorFlow.js way to train the same 3-layer LSTM: tf.layers.lstm stacked, a
 * softmax head, model.fit. It is the yardstick `partita bench train` measures ours against.
 */
export function stockLstmModel(steps: number, inputSize: number, hidden: number, layers: number, outputs: number): tf.LayersModel {
  const model = tf.sequential();
  for (let layer = 0; layer < layers; layer++) {
    model.add(tf.layers.lstm({ units: hidden, returnSequences: true, ...(layer === 0 ? { inputShape: [steps, inputSize] } : {}) }));
  }
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: outputs, activation: 'softmax' }) }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Trains one batch with model.fit and returns its wall time in seconds. */
export async function fitOneBatch(model: tf.LayersModel, inputs: tf.Tensor3D, targets: tf.Tensor3D): Promise<number> {
  const started = performance.now();
  await model.fit(inputs, targets, { batchSize: inputs.shape[0], epochs: 1, verbose: 0, shuffle: false });
  return (performance.now() - started) / 1000;
}
