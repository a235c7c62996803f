import { headEmbeddingOffsets, inputRowOffsets, type NetworkConfig } from '../lstm/config.js';
import { GATES, getParam, layerInputSize, type ParamSet } from '../lstm/params.js';
import { instantiateMatvec, type MatvecFunction } from './matvecKernel.js';

const FLOAT_BYTES = 4;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** SIMD rows are 4 floats wide: matrix strides and vector starts are kept multiples of 4. */
function roundUpTo4(count: number): number {
  return Math.ceil(count / 4) * 4;
}

/** Hands out 16-byte-aligned float ranges of the kernel's memory. */
class FloatLayout {
  floats = 0;
  take(count: number): number {
    const start = this.floats;
    this.floats += roundUpTo4(count);
    return start;
  }
}

/** Where one matrix sits in the kernel's memory: `rows` rows of `stride` floats, `cols` of them used. */
interface MatrixSlot {
  offset: number;
  rows: number;
  cols: number;
  stride: number;
}

/** Where the stepper's vectors and matrices sit in the kernel's memory (float offsets). */
interface StepperLayout {
  floats: number;
  layers: { weights: MatrixSlot; bias: number; input: number; inputSize: number; gates: number }[];
  headInput: number;
  projection: MatrixSlot;
  projected: number;
  hidden: number;
  heads: MatrixSlot[];
  logits: number;
}

function planLayout(config: NetworkConfig): StepperLayout {
  const H = config.hiddenSize;
  const layout = new FloatLayout();
  const matrix = (rows: number, cols: number): MatrixSlot => {
    const stride = roundUpTo4(cols);
    return { offset: layout.take(rows * stride), rows, cols, stride };
  };
  const layers = Array.from({ length: config.layers }, (_, layer) => {
    const inputSize = layerInputSize(config, layer);
    return {
      weights: matrix(inputSize + H, 4 * H),
      bias: layout.take(4 * H),
      input: layout.take(inputSize + H),
      inputSize,
      gates: layout.take(4 * H),
    };
  });
  const headInput = layout.take(H);
  const projection = matrix(H, config.headSize);
  const projected = layout.take(config.headSize);
  const hidden = layout.take(config.headSize);
  const heads = config.fields.map((field) => matrix(config.headSize, field.vocab));
  const logits = layout.take(Math.max(...config.fields.map((field) => roundUpTo4(field.vocab))));
  return { floats: layout.floats, layers, headInput, projection, projected, hidden, heads, logits };
}

/** Head k's weights that stay in JS: its input bias, its embedding of the fields chosen before it, its output bias. */
interface HeadWeights {
  inputBias: Float32Array;
  chosenEmbedding?: Float32Array;
  chosenOffsets: number[];
  outputBias: Float32Array;
}

/**
 * A network's weights laid out for the stepper's kernel: each layer's four gates and its input
 * and recurrent weights fused into one matrix (a layer is one kernel call), rows padded to the
 * SIMD width. Built once per model; each stepper copies the image into its own memory.
 */
export class StepperWeights {
  readonly layout: StepperLayout;
  readonly image: Float32Array;
  /** Looked up once here rather than by name on every event: the input embedding and each head's small weights. */
  readonly embed: Float32Array;
  readonly heads: HeadWeights[];

  constructor(
    readonly config: NetworkConfig,
    params: ParamSet,
  ) {
    const H = config.hiddenSize;
    this.layout = planLayout(config);
    this.image = new Float32Array(this.layout.floats);
    const copy = (name: string, slot: MatrixSlot, firstRow: number, firstColumn: number) => {
      const { shape, data } = getParam(params, name);
      const [rows, width] = shape as [number, number];
      for (let r = 0; r < rows; r++)
        this.image.set(data.subarray(r * width, (r + 1) * width), slot.offset + (firstRow + r) * slot.stride + firstColumn);
    };
    this.layout.layers.forEach((slot, layer) => {
      GATES.forEach((gate, g) => {
        copy(`l${layer}.wx${gate}`, slot.weights, 0, g * H);
        copy(`l${layer}.u${gate}`, slot.weights, slot.inputSize, g * H);
        this.image.set(getParam(params, `l${layer}.b${gate}`).data, slot.bias + g * H);
      });
    });
    copy('head.a', this.layout.projection, 0, 0);
    config.fields.forEach((_, k) => {
      copy(`head.w${k}`, this.layout.heads[k] as MatrixSlot, 0, 0);
    });
    this.embed = getParam(params, 'embed').data;
    this.heads = config.fields.map((_, k) => ({
      inputBias: getParam(params, `head.c${k}`).data,
      chosenEmbedding: k > 0 ? getParam(params, `head.e${k}`).data : undefined,
      chosenOffsets: headEmbeddingOffsets(config, k),
      outputBias: getParam(params, `head.bw${k}`).data,
    }));
  }
}

/**
 * The trained LSTM one event at a time, for generation: a single sequence steps, so every layer
 * is a vector-matrix product, done by the WebAssembly SIMD kernel over its own copy of the
 * StepperWeights image (state and scratch vectors live beside it). It must agree with LstmNetwork's batched forward pass
 * (tests check that it does).
 */
export class LstmStepper {
  private readonly memory: Float32Array;
  private readonly matvec: MatvecFunction;
  private readonly layout: StepperLayout;
  private readonly weights: StepperWeights;
  private readonly h: Float32Array[];
  private readonly c: Float32Array[];
  private readonly embed: Float32Array;
  private readonly fieldOffsets: number[];
  private readonly conditionOffset: number;
  readonly config: NetworkConfig;

  constructor(weights: StepperWeights, kernel: WebAssembly.Module) {
    const { config } = weights;
    this.config = config;
    this.weights = weights;
    this.layout = weights.layout;
    const { memory, matvec } = instantiateMatvec(kernel, weights.layout.floats * FLOAT_BYTES);
    this.memory = new Float32Array(memory.buffer);
    this.memory.set(weights.image);
    this.matvec = matvec;
    this.h = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    this.c = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    this.embed = new Float32Array(config.embedSize);
    const offsets = inputRowOffsets(config);
    this.fieldOffsets = offsets.fieldOffsets;
    this.conditionOffset = offsets.conditionOffset;
  }

  /** out = bias + x W, where x and out are float offsets into the kernel's memory. */
  private multiply(x: number, slot: MatrixSlot, out: number, bias?: Float32Array | number): void {
    if (typeof bias === 'number') this.memory.copyWithin(out, bias, bias + slot.cols);
    else if (bias) this.memory.set(bias, out);
    else this.memory.fill(0, out, out + slot.cols);
    this.memory.fill(0, out + slot.cols, out + slot.stride);
    this.matvec(x * FLOAT_BYTES, slot.rows, slot.offset * FLOAT_BYTES, out * FLOAT_BYTES, slot.stride);
  }

  reset(): void {
    for (const array of [...this.h, ...this.c]) array.fill(0);
  }

  /** Reads the previous event (undefined: the start) under the given conditions; updates the state. */
  advance(previous: readonly number[] | undefined, conditions: readonly number[]): void {
    const { config, memory } = this;
    const table = this.weights.embed;
    const E = config.embedSize;
    const x = this.embed;
    x.fill(0);
    const addRow = (row: number) => {
      const start = row * E;
      for (let d = 0; d < E; d++) x[d] = (x[d] as number) + (table[start + d] as number);
    };
    config.fields.forEach((field, k) => {
      addRow((this.fieldOffsets[k] as number) + (previous ? (previous[k] as number) : field.vocab));
    });
    for (const condition of conditions) addRow(this.conditionOffset + condition);

    const H = config.hiddenSize;
    let below: Float32Array = x;
    this.layout.layers.forEach((slot, layer) => {
      const h = this.h[layer] as Float32Array;
      const c = this.c[layer] as Float32Array;
      memory.set(below, slot.input);
      memory.set(h, slot.input + slot.inputSize);
      this.multiply(slot.input, slot.weights, slot.gates, slot.bias);
      const z = slot.gates;
      for (let j = 0; j < H; j++) {
        const input = sigmoid(memory[z + j] as number);
        const forget = sigmoid(memory[z + H + j] as number);
        const candidate = Math.tanh(memory[z + 2 * H + j] as number);
        const output = sigmoid(memory[z + 3 * H + j] as number);
        const cell = forget * (c[j] as number) + input * candidate;
        c[j] = cell;
        h[j] = output * Math.tanh(cell);
      }
      below = h;
    });
    memory.set(below, this.layout.headInput);
    this.multiply(this.layout.headInput, this.layout.projection, this.layout.projected);
  }

  /**
   * Logits of field k given the values already chosen for fields before it and head k's context
   * features (config.headContexts of field k, in order); no masks applied.
   */
  fieldLogits(field: number, chosen: readonly number[], contexts: readonly number[] = []): Float32Array {
    const { config, memory } = this;
    const size = config.headSize;
    const { hidden, projected, logits } = this.layout;
    const weights = this.weights.heads[field] as HeadWeights;
    const bias = weights.inputBias;
    for (let d = 0; d < size; d++) memory[hidden + d] = (memory[projected + d] as number) + (bias[d] as number);
    const table = weights.chosenEmbedding;
    if (table) {
      const offsets = weights.chosenOffsets;
      const addRow = (row: number) => {
        const start = row * size;
        for (let d = 0; d < size; d++) memory[hidden + d] = (memory[hidden + d] as number) + (table[start + d] as number);
      };
      for (let j = 0; j < field; j++) addRow((offsets[j] as number) + (chosen[j] as number));
      contexts.forEach((value, c) => {
        addRow((offsets[field + c] as number) + value);
      });
    }
    for (let d = 0; d < size; d++) memory[hidden + d] = Math.max(0, memory[hidden + d] as number);
    const head = this.layout.heads[field] as MatrixSlot;
    this.multiply(hidden, head, logits, weights.outputBias);
    return memory.slice(logits, logits + head.cols);
  }
}
