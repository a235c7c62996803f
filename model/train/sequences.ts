import type { NetworkConfig } from '../lstm/config.js';

/**
 * What the trainer and evaluator need from a data set, whatever its encoding: sequences of
 * events (`fields` numbers each), the condition rows that hold for each sequence, and which
 * fields of an event count in the likelihood.
 */
export interface EventSequence {
  id: string;
  /** Events row by row, `fields` numbers each. */
  events: ArrayLike<number>;
  conditions: number[];
  /** Condition rows that hold for one event's step only (its bar position, ...), `eventConditionSlots` per event. */
  eventConditions?: Int32Array;
  eventConditionSlots?: number;
  /** Head context features of each event, config.headContexts.length per event. */
  contexts?: Int32Array;
}

export interface SequenceCodec {
  config: NetworkConfig;
  /** Writes 1 for fields that are part of the event, 0 for fields it has not got (a rest's pitch). */
  fieldWeights(event: ArrayLike<number>, out: Float32Array, offset: number): void;
  /** What "notes" means for bits-per-note: how many of these events are notes. */
  countsAsNote(event: ArrayLike<number>): boolean;
  /** A training variant of a sequence for an epoch (a transposition, say); the same for the same (sequence, epoch). */
  augment?(sequence: EventSequence, epoch: number): EventSequence;
}

export function sequenceLength(sequence: EventSequence, fields: number): number {
  return sequence.events.length / fields;
}
