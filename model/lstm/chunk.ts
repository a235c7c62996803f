import type { NetworkConfig } from './config.js';

/**
 * A block of `steps` consecutive events for each of `rows` parallel streams, time-major:
 * token n = step * rows + row. Arrays with a per-field axis hold `fields` numbers per token.
 */
export interface Chunk {
  steps: number;
  rows: number;
  fields: number;
  /** The previous event's fields (vocab = "no previous event"). */
  inputs: Int32Array;
  /** The event to predict. */
  targets: Int32Array;
  /** How much each predicted field counts in the loss (0: padding, or a field a rest has not got). */
  weights: Float32Array;
  /** Smallest allowed value per field (canonical order of events sharing an onset); 0 = any. */
  lowerBounds: Int32Array;
  /** Condition-embedding rows summed into the input, `conditionSlots` per token, -1 unused. */
  conditions: Int32Array;
  conditionSlots: number;
  /** 1 where a new sequence starts: the state is zeroed before this step. */
  resets: Uint8Array;
  /** Head context features of the event to predict (config.headContexts order), `contextSlots` per token. */
  contexts: Int32Array;
  contextSlots: number;
}

/** A chunk with nothing in it yet: padding everywhere, no conditions. */
export function emptyChunk(steps: number, rows: number, fields: number, conditionSlots: number, contextSlots = 0): Chunk {
  const tokens = steps * rows;
  return {
    steps,
    rows,
    fields,
    inputs: new Int32Array(tokens * fields),
    targets: new Int32Array(tokens * fields),
    weights: new Float32Array(tokens * fields),
    lowerBounds: new Int32Array(tokens * fields),
    conditions: new Int32Array(tokens * conditionSlots).fill(-1),
    conditionSlots,
    resets: new Uint8Array(tokens),
    contexts: new Int32Array(tokens * contextSlots),
    contextSlots,
  };
}

/**
 * Events that share an onset (shift 0) come in canonical order: strictly increasing in the
 * order-key fields, compared lexicographically. Returns, for each field, the smallest value
 * the next event may take given the previous one (0 when anything goes).
 */
export function canonicalLowerBounds(
  config: NetworkConfig,
  previous: ArrayLike<number> | undefined,
  current: ArrayLike<number>,
  out: Int32Array,
  outOffset: number,
): void {
  for (let k = 0; k < config.fields.length; k++) out[outOffset + k] = 0;
  if (!previous || current[0] !== 0) return;
  const keys = config.orderKeyFields;
  for (let p = 0; p < keys.length; p++) {
    const field = keys[p] as number;
    const isLast = p === keys.length - 1;
    const previousValue = previous[field] ?? 0;
    out[outOffset + field] = isLast ? previousValue + 1 : previousValue;
    if (current[field] !== previousValue) return;
  }
}

/** The rows [start, end) of a chunk, as a chunk of its own (for splitting work over threads). */
export function sliceChunkRows(chunk: Chunk, start: number, end: number): Chunk {
  const rows = end - start;
  const { steps, fields, conditionSlots, contextSlots } = chunk;
  const pick = <T extends Int32Array | Float32Array | Uint8Array>(source: T, width: number, make: (length: number) => T): T => {
    const out = make(steps * rows * width);
    for (let step = 0; step < steps; step++) {
      out.set(source.subarray((step * chunk.rows + start) * width, (step * chunk.rows + end) * width), step * rows * width);
    }
    return out;
  };
  return {
    steps,
    rows,
    fields,
    conditionSlots,
    inputs: pick(chunk.inputs, fields, (n) => new Int32Array(n)),
    targets: pick(chunk.targets, fields, (n) => new Int32Array(n)),
    weights: pick(chunk.weights, fields, (n) => new Float32Array(n)),
    lowerBounds: pick(chunk.lowerBounds, fields, (n) => new Int32Array(n)),
    conditions: pick(chunk.conditions, conditionSlots, (n) => new Int32Array(n)),
    resets: pick(chunk.resets, 1, (n) => new Uint8Array(n)),
    contexts: pick(chunk.contexts, contextSlots, (n) => new Int32Array(n)),
    contextSlots,
  };
}
