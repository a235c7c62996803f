import { SEED_WIDTH, type SeedArray } from '../encoding/seedNotes.js';
import { seededRandom } from '../lstm/params.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';

/** A batch of training windows: inputs [batch, window, 3] and the note after each window. */
export interface SeedBatch {
  size: number;
  inputs: Float32Array;
  pitches: Int32Array;
  steps: Float32Array;
  durations: Float32Array;
}

/** Every (piece, start) with a full window and a note after it, over the given pieces. */
export function windowStarts(pieces: readonly PreparedPiece[], windowNotes: number): number[] {
  const starts: number[] = [];
  for (const piece of pieces) {
    for (let note = 0; note + windowNotes < piece.seedCount; note++) starts.push(piece.seedOffset + note);
  }
  return starts;
}

/** Copies window rows into model inputs: pitch is scaled to [0, 1) as the original did. */
export function fillWindow(seed: SeedArray, firstNote: number, windowNotes: number, out: Float32Array, outOffset: number): void {
  for (let note = 0; note < windowNotes; note++) {
    const row = (firstNote + note) * SEED_WIDTH;
    out[outOffset + note * 3] = (seed[row] as number) / 128;
    out[outOffset + note * 3 + 1] = seed[row + 1] as number;
    out[outOffset + note * 3 + 2] = seed[row + 2] as number;
  }
}

/** Batch `index` of an epoch: a seeded shuffle of all windows, so resuming replays the same batches. */
export function seedBatch(
  seed: SeedArray,
  starts: readonly number[],
  windowNotes: number,
  batchSize: number,
  shuffleSeed: number,
  epoch: number,
  index: number,
  order?: number[],
): SeedBatch {
  const permutation = order ?? shuffledOrder(starts.length, shuffleSeed, epoch);
  const size = Math.min(batchSize, starts.length - index * batchSize);
  const batch: SeedBatch = {
    size,
    inputs: new Float32Array(size * windowNotes * 3),
    pitches: new Int32Array(size),
    steps: new Float32Array(size),
    durations: new Float32Array(size),
  };
  for (let item = 0; item < size; item++) {
    const first = starts[permutation[index * batchSize + item] as number] as number;
    fillWindow(seed, first, windowNotes, batch.inputs, item * windowNotes * 3);
    const target = (first + windowNotes) * SEED_WIDTH;
    batch.pitches[item] = seed[target] as number;
    batch.steps[item] = seed[target + 1] as number;
    batch.durations[item] = seed[target + 2] as number;
  }
  return batch;
}

export function shuffledOrder(length: number, shuffleSeed: number, epoch: number): number[] {
  const random = seededRandom(shuffleSeed * 7919 + epoch);
  const order = Array.from({ length }, (_, index) => index);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
