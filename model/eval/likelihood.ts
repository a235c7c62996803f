import { disposeState, type LstmNetwork, zeroState } from '../lstm/network.js';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import type { EventSequence, SequenceCodec } from '../train/sequences.js';
import { StreamBatcher } from '../train/streams.js';

export interface LikelihoodFigures {
  sequences: number;
  events: number;
  notes: number;
  nllNats: number;
  nllPerField: number[];
  /** Total NLL in bits over the number of notes. */
  bitsPerNote: number;
}

function countNotes(sequences: readonly EventSequence[], codec: SequenceCodec): number {
  const fields = codec.config.fields.length;
  let notes = 0;
  for (const sequence of sequences) {
    for (let row = 0; row < sequence.events.length; row += fields) {
      const event = Array.from({ length: fields }, (_, k) => sequence.events[row + k] as number);
      if (codec.countsAsNote(event)) notes++;
    }
  }
  return notes;
}

/**
 * The exact negative log-likelihood of whole sequences under the network: every sequence is
 * read from its first event with state carried across chunks, as generation would see it.
 */
export function sequenceLikelihood(
  network: LstmNetwork,
  codec: SequenceCodec,
  sequences: readonly EventSequence[],
  rows = 32,
  steps = 64,
  onProgress: ProgressCallback = ignoreProgress,
): LikelihoodFigures {
  const batcher = new StreamBatcher(sequences, codec, Math.min(rows, sequences.length), steps, 0, false);
  const chunks = batcher.chunksPerEpoch(0);
  let state = zeroState(network.config, batcher.rows);
  const nllPerField = network.config.fields.map(() => 0);
  let events = 0;
  for (let index = 0; index < chunks; index++) {
    onProgress(index, chunks, 'scoring');
    const { score, next } = network.evaluate(batcher.chunk(0, index), state);
    disposeState(state);
    state = next;
    score.nllPerField.forEach((value, k) => {
      nllPerField[k] = (nllPerField[k] as number) + value;
    });
    events += score.events;
  }
  disposeState(state);
  onProgress(chunks, chunks, 'done');
  const nllNats = nllPerField.reduce((a, b) => a + b, 0);
  const notes = countNotes(sequences, codec);
  return { sequences: sequences.length, events, notes, nllNats, nllPerField, bitsPerNote: nllNats / Math.LN2 / Math.max(1, notes) };
}
