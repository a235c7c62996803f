import { headEmbeddingOffsets, inputRowOffsets, type NetworkConfig } from '../lstm/config.js';
import { GATES, getParam, layerInputSize, type ParamSet } from '../lstm/params.js';

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** y += x W for a row-major [x.length, y.length] matrix. */
function addVectorTimesMatrix(x: Float32Array, matrix: Float32Array, y: Float32Array): void {
  const columns = y.length;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    if (xi === 0) continue;
    const row = i * columns;
    for (let j = 0; j < columns; j++) y[j] = (y[j] as number) + xi * (matrix[row + j] as number);
  }
}

/**
 * The trained LSTM one event at a time, in plain JS over the weights: for generation, where a
 * single sequence steps and every call would otherwise pay TensorFlow.js's per-op overhead.
 * It must agree with LstmNetwork's batched forward pass (tests check that it does).
 */
export class LstmStepper {
  private readonly h: Float32Array[];
  private readonly c: Float32Array[];
  private readonly fieldOffsets: number[];
  private readonly conditionOffset: number;
  private readonly top: Float32Array;
  private readonly projected: Float32Array;

  constructor(
    readonly config: NetworkConfig,
    private readonly params: ParamSet,
  ) {
    this.h = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    this.c = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    const offsets = inputRowOffsets(config);
    this.fieldOffsets = offsets.fieldOffsets;
    this.conditionOffset = offsets.conditionOffset;
    this.top = new Float32Array(config.hiddenSize);
    this.projected = new Float32Array(config.headSize);
  }

  private weight(name: string): Float32Array {
    return getParam(this.params, name).data;
  }

  reset(): void {
    for (const array of [...this.h, ...this.c]) array.fill(0);
  }

  /** Reads the previous event (undefined: the start) under the given conditions; updates the state. */
  advance(previous: readonly number[] | undefined, conditions: readonly number[]): void {
    const { config } = this;
    const embed = this.weight('embed');
    let x = new Float32Array(config.embedSize);
    const addRow = (row: number) => {
      for (let d = 0; d < config.embedSize; d++) x[d] = (x[d] as number) + (embed[row * config.embedSize + d] as number);
    };
    config.fields.forEach((field, k) => {
      addRow((this.fieldOffsets[k] as number) + (previous ? (previous[k] as number) : field.vocab));
    });
    for (const condition of conditions) addRow(this.conditionOffset + condition);
    const H = config.hiddenSize;
    for (let layer = 0; layer < config.layers; layer++) {
      const gates = GATES.map((gate) => {
        const z = new Float32Array(this.weight(`l${layer}.b${gate}`));
        addVectorTimesMatrix(x, this.weight(`l${layer}.wx${gate}`), z);
        addVectorTimesMatrix(this.h[layer] as Float32Array, this.weight(`l${layer}.u${gate}`), z);
        return z;
      });
      const [zi, zf, zg, zo] = gates as [Float32Array, Float32Array, Float32Array, Float32Array];
      const h = this.h[layer] as Float32Array;
      const c = this.c[layer] as Float32Array;
      for (let j = 0; j < H; j++) {
        const cell = sigmoid(zf[j] as number) * (c[j] as number) + sigmoid(zi[j] as number) * Math.tanh(zg[j] as number);
        c[j] = cell;
        h[j] = sigmoid(zo[j] as number) * Math.tanh(cell);
      }
      if (layerInputSize(config, layer + 1) !== x.length) x = new Float32Array(H);
      x.set(h);
    }
    this.top.set(this.h[config.layers - 1] as Float32Array);
    this.projected.fill(0);
    addVectorTimesMatrix(this.top, this.weight('head.a'), this.projected);
  }

  /** Logits of field k given the values already chosen for fields before it (no masks applied). */
  fieldLogits(field: number, chosen: readonly number[]): Float32Array {
    const { config } = this;
    const size = config.headSize;
    const hidden = new Float32Array(this.weight(`head.c${field}`));
    for (let d = 0; d < size; d++) hidden[d] = (hidden[d] as number) + (this.projected[d] as number);
    if (field > 0) {
      const table = this.weight(`head.e${field}`);
      const offsets = headEmbeddingOffsets(config, field);
      for (let j = 0; j < field; j++) {
        const start = ((offsets[j] as number) + (chosen[j] as number)) * size;
        for (let d = 0; d < size; d++) hidden[d] = (hidden[d] as number) + (table[start + d] as number);
      }
    }
    for (let d = 0; d < size; d++) hidden[d] = Math.max(0, hidden[d] as number);
    const logits = new Float32Array(this.weight(`head.bw${field}`));
    addVectorTimesMatrix(hidden, this.weight(`head.w${field}`), logits);
    return logits;
  }
}
