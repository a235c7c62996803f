import * as tf from '@tensorflow/tfjs';
import { draw, softmaxWithTemperature } from '../generate/sampling.js';
import type { SeedNetwork } from './seedModel.js';

export interface SeedNote {
  pitch: number;
  step: number;
  duration: number;
}

/**
 * Generation as the seed demo did it: for every new note, run the whole 25-note window through
 * the network again, sample the pitch with temperature, take step and duration as predicted
 * (clipped at zero), slide the window.
 */
export function* seedGenerate(
  model: tf.LayersModel,
  shape: SeedNetwork,
  primer: readonly SeedNote[],
  temperature: number,
  random: () => number,
): Generator<SeedNote> {
  const window = primer.slice(-shape.windowNotes).map((note) => ({ ...note }));
  if (window.length < shape.windowNotes) throw new Error(`the seed model needs a primer of ${shape.windowNotes} notes`);
  for (;;) {
    const inputs = new Float32Array(shape.windowNotes * 3);
    window.forEach((note, index) => {
      inputs[index * 3] = note.pitch / 128;
      inputs[index * 3 + 1] = note.step;
      inputs[index * 3 + 2] = note.duration;
    });
    const [pitchProbabilities, step, duration] = tf.tidy(() => {
      const outputs = model.predict(tf.tensor3d(inputs, [1, shape.windowNotes, 3])) as tf.Tensor[];
      return outputs.map((output) => output.dataSync().slice());
    }) as [Float32Array, Float32Array, Float32Array];
    const logits = Float32Array.from(pitchProbabilities, (p) => Math.log(Math.max(p, 1e-12)));
    const note = {
      pitch: draw(softmaxWithTemperature(logits, temperature), random()),
      step: Math.max(0, step[0] ?? 0),
      duration: Math.max(0, duration[0] ?? 0),
    };
    window.shift();
    window.push(note);
    yield note;
  }
}
