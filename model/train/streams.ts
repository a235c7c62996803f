import { type Chunk, canonicalLowerBounds, emptyChunk } from '../lstm/chunk.js';
import { seededRandom } from '../lstm/params.js';
import { type EventSequence, type SequenceCodec, sequenceLength } from './sequences.js';

/** Most condition rows a step may carry: composer, metre, key, up to eleven parts, and per-event rows. */
export const CONDITION_SLOTS = 20;

/** Which sequences one row plays, back to back, and where each starts. */
interface RowPlan {
  sequences: number[];
  starts: number[];
  length: number;
}

/**
 * Deals sequences to `rows` parallel streams and cuts them into chunks of `steps` events, so
 * the LSTM's state can be carried across chunks (truncated BPTT) and reset where a sequence
 * starts. An epoch's plan depends only on (seed, epoch): resuming at (epoch, chunk) gives
 * exactly the chunks an uninterrupted run would have seen.
 */
export class StreamBatcher {
  private readonly fields: number;
  private readonly contextSlots: number;
  private cachedEpoch = -1;
  private cachedPlan: RowPlan[] = [];
  private variantEpoch = -1;
  private variants = new Map<number, EventSequence>();

  constructor(
    private readonly sequences: readonly EventSequence[],
    private readonly codec: SequenceCodec,
    readonly rows: number,
    readonly steps: number,
    private readonly seed: number,
    private readonly shuffle = true,
  ) {
    this.fields = codec.config.fields.length;
    this.contextSlots = codec.config.headContexts.length;
    if (sequences.length === 0) throw new Error('no sequences to train on');
  }

  /**
   * Longest sequences first, each to the currently shortest row (LPT scheduling), so rows end
   * within a short piece of each other: an epoch's last chunks would otherwise train on the one
   * or two rows that got a long sonata late. Then each row's sequences are shuffled (seeded).
   */
  private plan(epoch: number): RowPlan[] {
    if (epoch === this.cachedEpoch) return this.cachedPlan;
    const random = seededRandom(this.seed * 7919 + epoch);
    const lengths = this.sequences.map((sequence) => sequenceLength(sequence, this.fields));
    const order = this.sequences.map((_, index) => index).sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
    const assigned: number[][] = Array.from({ length: this.rows }, () => []);
    const totals = new Array<number>(this.rows).fill(0);
    for (const index of order) {
      let shortest = 0;
      for (let row = 1; row < this.rows; row++) if ((totals[row] as number) < (totals[shortest] as number)) shortest = row;
      assigned[shortest]?.push(index);
      totals[shortest] = (totals[shortest] as number) + (lengths[index] as number);
    }
    const plan = assigned.map((indices) => {
      if (this.shuffle) {
        for (let i = indices.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
        }
      }
      const row: RowPlan = { sequences: indices, starts: [], length: 0 };
      for (const index of indices) {
        row.starts.push(row.length);
        row.length += lengths[index] as number;
      }
      return row;
    });
    this.cachedEpoch = epoch;
    this.cachedPlan = plan;
    return plan;
  }

  /** Sequence `index` as this epoch trains on it: augmented when shuffling (training), as it is otherwise. */
  private sequenceFor(epoch: number, index: number): EventSequence | undefined {
    const sequence = this.sequences[index];
    if (!sequence || !this.shuffle || !this.codec.augment) return sequence;
    if (epoch !== this.variantEpoch) {
      this.variants = new Map();
      this.variantEpoch = epoch;
    }
    let variant = this.variants.get(index);
    if (!variant) {
      variant = this.codec.augment(sequence, epoch);
      this.variants.set(index, variant);
    }
    return variant;
  }

  chunksPerEpoch(epoch = 0): number {
    return Math.ceil(Math.max(...this.plan(epoch).map((row) => row.length)) / this.steps);
  }

  chunk(epoch: number, index: number): Chunk {
    const { rows, steps, fields } = this;
    const contextSlots = this.contextSlots;
    const chunk = emptyChunk(steps, rows, fields, CONDITION_SLOTS, contextSlots);
    const vocab = this.codec.config.fields.map((field) => field.vocab);
    const plan = this.plan(epoch);
    plan.forEach((row, rowIndex) => {
      let slot = 0;
      for (let step = 0; step < steps; step++) {
        const position = index * steps + step;
        const token = step * rows + rowIndex;
        while (slot + 1 < row.starts.length && (row.starts[slot + 1] as number) <= position) slot++;
        const sequence = this.sequenceFor(epoch, row.sequences[slot] ?? -1);
        const offset = position - (row.starts[slot] ?? 0);
        if (!sequence || position >= row.length) {
          for (let k = 0; k < fields; k++) chunk.inputs[token * fields + k] = vocab[k] as number;
          chunk.resets[token] = 1;
          continue;
        }
        const event = subarray(sequence.events, offset * fields, fields);
        const previous = offset > 0 ? subarray(sequence.events, (offset - 1) * fields, fields) : undefined;
        for (let k = 0; k < fields; k++) {
          chunk.inputs[token * fields + k] = previous ? (previous[k] as number) : (vocab[k] as number);
          chunk.targets[token * fields + k] = event[k] as number;
        }
        this.codec.fieldWeights(event, chunk.weights, token * fields);
        canonicalLowerBounds(this.codec.config, previous, event, chunk.lowerBounds, token * fields);
        chunk.resets[token] = offset === 0 ? 1 : 0;
        const eventSlots = sequence.eventConditionSlots ?? 0;
        const stepConditions = [...sequence.conditions];
        for (let e = 0; e < eventSlots; e++) stepConditions.push(sequence.eventConditions?.[offset * eventSlots + e] as number);
        if (stepConditions.length > CONDITION_SLOTS)
          throw new Error(`${sequence.id} has ${stepConditions.length} condition rows, more than ${CONDITION_SLOTS}`);
        stepConditions.forEach((condition, conditionSlot) => {
          chunk.conditions[token * CONDITION_SLOTS + conditionSlot] = condition;
        });
        if (sequence.contexts)
          chunk.contexts.set(sequence.contexts.subarray(offset * contextSlots, (offset + 1) * contextSlots), token * contextSlots);
      }
    });
    return chunk;
  }
}

function subarray(values: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  if (values instanceof Uint16Array || values instanceof Int32Array || values instanceof Float32Array)
    return values.subarray(start, start + length);
  return Array.from({ length }, (_, i) => values[start + i] as number);
}
