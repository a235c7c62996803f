import * as tf from '@tensorflow/tfjs';
import type { SeedArray } from '../encoding/seedNotes.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import type { SeedNetwork } from '../seed/seedModel.js';
import { seedBatch, windowStarts } from '../seed/seedWindows.js';

/**
 * What the seed baseline can be scored on exactly: its pitch softmax. (Its step and duration
 * are regressions, with no likelihood.) Re-running 25 notes per prediction makes the whole test
 * split slow, so a seeded sample of windows is scored.
 */
export function seedPitchFigures(
  model: tf.LayersModel,
  shape: SeedNetwork,
  seed: SeedArray,
  pieces: readonly PreparedPiece[],
  windows: number,
) {
  const starts = windowStarts(pieces, shape.windowNotes);
  const batch = seedBatch(seed, starts, shape.windowNotes, Math.min(windows, starts.length), 1234, 0, 0);
  const [probabilities, steps, durations] = tf.tidy(() => {
    const outputs = model.predict(tf.tensor3d(batch.inputs, [batch.size, shape.windowNotes, 3]), { batchSize: 256 }) as tf.Tensor[];
    return outputs.map((output) => output.dataSync().slice());
  }) as [Float32Array, Float32Array, Float32Array];
  let nll = 0;
  let stepError = 0;
  let durationError = 0;
  for (let item = 0; item < batch.size; item++) {
    nll -= Math.log(Math.max(1e-12, probabilities[item * 128 + (batch.pitches[item] as number)] as number));
    stepError += ((steps[item] as number) - (batch.steps[item] as number)) ** 2;
    durationError += ((durations[item] as number) - (batch.durations[item] as number)) ** 2;
  }
  return {
    windows: batch.size,
    pitch_bits_per_note: nll / Math.LN2 / batch.size,
    step_mse: stepError / batch.size,
    duration_mse: durationError / batch.size,
  };
}
