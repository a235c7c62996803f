import { type Chunk, canonicalLowerBounds, emptyChunk } from '../../model/lstm/chunk.js';
import { type NetworkConfig, networkConfigSchema } from '../../model/lstm/config.js';
import { seededRandom } from '../../model/lstm/params.js';

/** A network small enough to check by finite differences: three fields, shift first. */
export const TINY_CONFIG: NetworkConfig = networkConfigSchema.parse({
  fields: [
    { name: 'shift', vocab: 3 },
    { name: 'instrument', vocab: 4 },
    { name: 'pitch', vocab: 6 },
  ],
  orderKeyFields: [1, 2],
  conditionVocab: 3,
  // Head features like the score codec's (a part's last pitch for the pitch head, ...): two for pitch.
  headContexts: [
    { field: 1, vocab: 3 },
    { field: 2, vocab: 4 },
    { field: 2, vocab: 2 },
  ],
  // A copy path like the pitch one bar back: the pitch head's first context names a pitch, 3 = none.
  copies: [{ slot: 1, limit: 3 }],
  embedSize: 6,
  hiddenSize: 5,
  layers: 3,
  headSize: 7,
});

/** A random but canonical chunk: events sharing an onset come in increasing (instrument, pitch). */
export function randomChunk(config: NetworkConfig, steps: number, rows: number, seed: number, resetAt: number[] = []): Chunk {
  const random = seededRandom(seed);
  const fields = config.fields.length;
  const chunk = emptyChunk(steps, rows, fields, 2, config.headContexts.length);
  chunk.weights.fill(1);
  for (let row = 0; row < rows; row++) {
    let previous: number[] | undefined;
    const condition = Math.floor(random() * config.conditionVocab);
    for (let step = 0; step < steps; step++) {
      const token = step * rows + row;
      if (resetAt.includes(step)) previous = undefined;
      const event = config.fields.map((field) => Math.floor(random() * field.vocab));
      if (previous && event[0] === 0) {
        // Make it canonical: strictly after the previous event in (instrument, pitch).
        const instrument = previous[1] as number;
        const pitch = previous[2] as number;
        if (pitch + 1 < (config.fields[2]?.vocab ?? 0)) {
          event[1] = instrument;
          event[2] = pitch + 1 + Math.floor(random() * ((config.fields[2]?.vocab ?? 0) - pitch - 1));
        } else event[0] = 1;
      }
      config.fields.forEach((field, k) => {
        chunk.inputs[token * fields + k] = previous ? (previous[k] as number) : field.vocab;
        chunk.targets[token * fields + k] = event[k] as number;
      });
      canonicalLowerBounds(config, previous, event, chunk.lowerBounds, token * fields);
      chunk.resets[token] = previous ? 0 : 1;
      chunk.conditions[token * 2] = condition;
      config.headContexts.forEach((context, slot) => {
        chunk.contexts[token * config.headContexts.length + slot] = Math.floor(random() * context.vocab);
      });
      previous = event;
    }
  }
  return chunk;
}
