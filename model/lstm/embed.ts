import type { Chunk } from './chunk.js';
import { inputRowOffsets, type NetworkConfig } from './config.js';

/**
 * The input embedding, done in JS: each step's input is the sum of a few embedding rows (one
 * per field of the previous event, one per condition). Gathering rows is cheap here, and wasm
 * has no gradient kernel for gather; the gradient is the same rows, scatter-added.
 */
export class InputEmbedding {
  private readonly fieldOffsets: number[];
  private readonly conditionOffset: number;

  constructor(
    private readonly config: NetworkConfig,
    private readonly table: Float32Array,
  ) {
    const offsets = inputRowOffsets(config);
    this.fieldOffsets = offsets.fieldOffsets;
    this.conditionOffset = offsets.conditionOffset;
  }

  /** Calls visit(row) for every embedding row summed into token `token`'s input. */
  private forEachRow(chunk: Chunk, token: number, visit: (row: number) => void): void {
    for (let k = 0; k < chunk.fields; k++) visit((this.fieldOffsets[k] as number) + (chunk.inputs[token * chunk.fields + k] as number));
    for (let slot = 0; slot < chunk.conditionSlots; slot++) {
      const condition = chunk.conditions[token * chunk.conditionSlots + slot] as number;
      if (condition >= 0) visit(this.conditionOffset + condition);
    }
  }

  /** Inputs of step `step` for all rows, [rows, embedSize] row-major. */
  lookup(chunk: Chunk, step: number): Float32Array {
    const size = this.config.embedSize;
    const out = new Float32Array(chunk.rows * size);
    for (let row = 0; row < chunk.rows; row++) {
      const outStart = row * size;
      this.forEachRow(chunk, step * chunk.rows + row, (embeddingRow) => {
        const start = embeddingRow * size;
        for (let d = 0; d < size; d++) out[outStart + d] = (out[outStart + d] as number) + (this.table[start + d] as number);
      });
    }
    return out;
  }

  /** Adds the gradient of step `step`'s inputs into the embedding's gradient. */
  accumulateGradient(chunk: Chunk, step: number, dInputs: Float32Array, dTable: Float32Array): void {
    const size = this.config.embedSize;
    for (let row = 0; row < chunk.rows; row++) {
      const gradStart = row * size;
      this.forEachRow(chunk, step * chunk.rows + row, (embeddingRow) => {
        const start = embeddingRow * size;
        for (let d = 0; d < size; d++) dTable[start + d] = (dTable[start + d] as number) + (dInputs[gradStart + d] as number);
      });
    }
  }
}
