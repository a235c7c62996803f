import type { EventSequence, SequenceCodec } from '../train/sequences.js';

/**
 * A sanity floor for bits per note: each field of an event predicted from the same field of the
 * previous event (add-one smoothed counts from the training split), on the same encoding.
 */
export class FieldBigram {
  private readonly counts: Float64Array[];
  private readonly vocab: number[];

  constructor(private readonly codec: SequenceCodec) {
    this.vocab = codec.config.fields.map((field) => field.vocab);
    // Row v (or vocab: "no previous event") of field k, one column per value.
    this.counts = this.vocab.map((size) => new Float64Array((size + 1) * size).fill(1));
  }

  private forEachTransition(
    sequences: readonly EventSequence[],
    visit: (field: number, previous: number, value: number, weight: number) => void,
  ): void {
    const fields = this.vocab.length;
    const weights = new Float32Array(fields);
    for (const sequence of sequences) {
      for (let row = 0; row < sequence.events.length; row += fields) {
        const event = Array.from({ length: fields }, (_, k) => sequence.events[row + k] as number);
        this.codec.fieldWeights(event, weights, 0);
        for (let k = 0; k < fields; k++) {
          const previous = row === 0 ? (this.vocab[k] as number) : (sequence.events[row - fields + k] as number);
          visit(k, previous, event[k] as number, weights[k] as number);
        }
      }
    }
  }

  fit(sequences: readonly EventSequence[]): this {
    this.forEachTransition(sequences, (k, previous, value, weight) => {
      if (weight > 0) {
        const table = this.counts[k] as Float64Array;
        const index = previous * (this.vocab[k] as number) + value;
        table[index] = (table[index] as number) + 1;
      }
    });
    return this;
  }

  /** Total negative log-likelihood in nats. */
  nll(sequences: readonly EventSequence[]): number {
    const rowTotals = this.counts.map((table, k) => {
      const size = this.vocab[k] as number;
      return Float64Array.from({ length: size + 1 }, (_, row) => table.subarray(row * size, (row + 1) * size).reduce((a, b) => a + b, 0));
    });
    let total = 0;
    this.forEachTransition(sequences, (k, previous, value, weight) => {
      if (weight > 0) {
        const size = this.vocab[k] as number;
        total -= Math.log(
          ((this.counts[k] as Float64Array)[previous * size + value] as number) / ((rowTotals[k] as Float64Array)[previous] as number),
        );
      }
    });
    return total;
  }
}
