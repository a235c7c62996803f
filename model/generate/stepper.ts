import { type HeadCopy, headCopies, headEmbeddingOffsets, inputRowOffsets, type NetworkConfig } from '../lstm/config.js';
import { GATES, getParam, layerInputSize, type ParamSet } from '../lstm/params.js';
import { instantiateMatvec, type Matvec2Function, type MatvecFunction } from './matvecKernel.js';

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

/**
 * Where the stepper's vectors and matrices sit in the kernel's memory (float offsets): the weights
 * (matrices and biases, read only) in `[0, weightFloats)`, shared by every stepper of a memory, and
 * each stepper's own vectors in `scratchFloats` from its scratch base.
 */
interface StepperLayout {
  weightFloats: number;
  scratchFloats: number;
  layers: LayerSlot[];
  headInput: number;
  projection: MatrixSlot;
  projected: number;
  hidden: number;
  heads: MatrixSlot[];
  logits: number;
}

/** One LSTM layer: its fused weights and bias (shared), its input and gate vectors (the stepper's own). */
interface LayerSlot {
  weights: MatrixSlot;
  bias: number;
  input: number;
  inputSize: number;
  gates: number;
}

/** The layout with a stepper's vectors from `scratchBase` (default: right after the weights); the weights' offsets never depend on it. */
function planLayout(config: NetworkConfig, scratchBase?: number): StepperLayout {
  const H = config.hiddenSize;
  const weights = new FloatLayout();
  const matrix = (rows: number, cols: number): MatrixSlot => {
    const stride = roundUpTo4(cols);
    return { offset: weights.take(rows * stride), rows, cols, stride };
  };
  const layerWeights = Array.from({ length: config.layers }, (_, layer) => {
    const inputSize = layerInputSize(config, layer);
    return { weights: matrix(inputSize + H, 4 * H), bias: weights.take(4 * H), inputSize };
  });
  const projection = matrix(H, config.headSize);
  const heads = config.fields.map((field) => matrix(config.headSize, field.vocab));
  const scratch = new FloatLayout();
  scratch.floats = scratchBase ?? weights.floats;
  const layers = layerWeights.map((slot) => ({ ...slot, input: scratch.take(slot.inputSize + H), gates: scratch.take(4 * H) }));
  const headInput = scratch.take(H);
  const projected = scratch.take(config.headSize);
  const hidden = scratch.take(config.headSize);
  const logits = scratch.take(Math.max(...config.fields.map((field) => roundUpTo4(field.vocab))));
  const scratchFloats = scratch.floats - (scratchBase ?? weights.floats);
  return { weightFloats: weights.floats, scratchFloats, layers, headInput, projection, projected, hidden, heads, logits };
}

/** Steppers that share one kernel memory, and so one copy of the weights (7 MB for the shipped model). */
const STEPPERS_PER_MEMORY = 8;

/** One kernel memory: the weights image, then the vectors of up to STEPPERS_PER_MEMORY steppers. */
interface SharedMemory {
  floats: Float32Array;
  kernels: Kernels;
  steppers: number;
}

/** The kernel's two entry points over one memory. */
interface Kernels {
  matvec: MatvecFunction;
  matvec2: Matvec2Function;
}

/** Head k's weights that stay in JS: its input bias, its embedding of the fields chosen before it, its output bias, its copy gates. */
interface HeadWeights {
  inputBias: Float32Array;
  chosenEmbedding?: Float32Array;
  chosenOffsets: number[];
  outputBias: Float32Array;
  copies: (HeadCopy & { gate: Float32Array; bias: number })[];
}

/**
 * A network's weights laid out for the stepper's kernel: each layer's four gates and its input
 * and recurrent weights fused into one matrix (a layer is one kernel call), rows padded to the
 * SIMD width. Built once per model; steppers share the image, STEPPERS_PER_MEMORY to a kernel memory.
 */
export class StepperWeights {
  readonly layout: StepperLayout;
  readonly image: Float32Array;
  /** The memory new steppers get a place in until it is full; a full one lives on as long as its steppers. */
  private memory: SharedMemory | undefined;
  /** Looked up once here rather than by name on every event: the input embedding and each head's small weights. */
  readonly embed: Float32Array;
  readonly heads: HeadWeights[];

  constructor(
    readonly config: NetworkConfig,
    params: ParamSet,
  ) {
    const H = config.hiddenSize;
    this.layout = planLayout(config);
    this.image = new Float32Array(this.layout.weightFloats);
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
      copies: headCopies(config, k).map((copy) => ({
        ...copy,
        gate: getParam(params, `head.copy${copy.copy}`).data,
        bias: getParam(params, `head.copyBias${copy.copy}`).data[0] as number,
      })),
    }));
  }

  /**
   * A place for one more stepper: a kernel memory holding the weights (a new one, the image copied
   * in, when the last is full) and the layout of the stepper's own vectors in it. Steppers only
   * read the weights, so sharing them changes no result.
   */
  place(kernel: WebAssembly.Module): { floats: Float32Array; kernels: Kernels; layout: StepperLayout } {
    const { weightFloats, scratchFloats } = this.layout;
    if (!this.memory || this.memory.steppers === STEPPERS_PER_MEMORY) {
      const { memory, matvec, matvec2 } = instantiateMatvec(kernel, (weightFloats + STEPPERS_PER_MEMORY * scratchFloats) * FLOAT_BYTES);
      const floats = new Float32Array(memory.buffer);
      floats.set(this.image);
      this.memory = { floats, kernels: { matvec, matvec2 }, steppers: 0 };
    }
    const { floats, kernels } = this.memory;
    const layout = planLayout(this.config, weightFloats + this.memory.steppers * scratchFloats);
    this.memory.steppers++;
    return { floats, kernels, layout };
  }
}

/**
 * The trained LSTM one event at a time, for generation: a single sequence steps, so every layer
 * is a vector-matrix product, done by the WebAssembly SIMD kernel over the StepperWeights image,
 * shared with other steppers of the model (its own vectors live beside it, in the same memory). It must agree with LstmNetwork's batched forward pass
 * (tests check that it does).
 */
export class LstmStepper {
  private readonly memory: Float32Array;
  private readonly kernels: Kernels;
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
    const { floats, kernels, layout } = weights.place(kernel);
    this.layout = layout;
    this.memory = floats;
    this.kernels = kernels;
    this.h = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    this.c = Array.from({ length: config.layers }, () => new Float32Array(config.hiddenSize));
    this.embed = new Float32Array(config.embedSize);
    const offsets = inputRowOffsets(config);
    this.fieldOffsets = offsets.fieldOffsets;
    this.conditionOffset = offsets.conditionOffset;
  }

  /** Sets out to the bias (an offset into the memory, an array, or none: zeros), padding included. */
  private startOutput(slot: MatrixSlot, out: number, bias?: Float32Array | number): void {
    if (typeof bias === 'number') this.memory.copyWithin(out, bias, bias + slot.cols);
    else if (bias) this.memory.set(bias, out);
    else this.memory.fill(0, out, out + slot.cols);
    this.memory.fill(0, out + slot.cols, out + slot.stride);
  }

  /** out = bias + x W, where x and out are float offsets into the kernel's memory. */
  private multiply(x: number, slot: MatrixSlot, out: number, bias?: Float32Array | number): void {
    this.startOutput(slot, out, bias);
    this.kernels.matvec(x * FLOAT_BYTES, slot.rows, slot.offset * FLOAT_BYTES, out * FLOAT_BYTES, slot.stride);
  }

  /** multiply() for this stepper and a partner in the same memory, with one pass over W. */
  private multiplyWith(partner: LstmStepper, x: number, x2: number, slot: MatrixSlot, out: number, out2: number, bias?: number): void {
    this.startOutput(slot, out, bias);
    partner.startOutput(slot, out2, bias);
    const bytes = FLOAT_BYTES;
    this.kernels.matvec2(x * bytes, x2 * bytes, slot.rows, slot.offset * bytes, out * bytes, out2 * bytes, slot.stride);
  }

  reset(): void {
    for (const array of [...this.h, ...this.c]) array.fill(0);
  }

  /** Reads the previous event (undefined: the start) under the given conditions; updates the state. */
  advance(previous: readonly number[] | undefined, conditions: readonly number[]): void {
    this.embedInput(previous, conditions);
    this.layout.layers.forEach((slot, layer) => {
      this.loadLayerInput(layer);
      this.multiply(slot.input, slot.weights, slot.gates, slot.bias);
      this.updateState(layer);
    });
    this.memory.set(this.h[this.config.layers - 1] as Float32Array, this.layout.headInput);
    this.multiply(this.layout.headInput, this.layout.projection, this.layout.projected);
  }

  /**
   * advance() for this stepper and a partner reading the same event under other conditions
   * (guidance's key-free reading). In one kernel memory each matrix is read once for both, which
   * is most of a step's cost; the results are the bits two advance() calls give.
   */
  advanceWith(
    partner: LstmStepper,
    previous: readonly number[] | undefined,
    conditions: readonly number[],
    partnerConditions: readonly number[],
  ): void {
    if (partner.memory !== this.memory) {
      this.advance(previous, conditions);
      partner.advance(previous, partnerConditions);
      return;
    }
    this.embedInput(previous, conditions);
    partner.embedInput(previous, partnerConditions);
    this.layout.layers.forEach((slot, layer) => {
      const other = partner.layout.layers[layer] as LayerSlot;
      this.loadLayerInput(layer);
      partner.loadLayerInput(layer);
      this.multiplyWith(partner, slot.input, other.input, slot.weights, slot.gates, other.gates, slot.bias);
      this.updateState(layer);
      partner.updateState(layer);
    });
    const top = this.config.layers - 1;
    this.memory.set(this.h[top] as Float32Array, this.layout.headInput);
    this.memory.set(partner.h[top] as Float32Array, partner.layout.headInput);
    this.multiplyWith(
      partner,
      this.layout.headInput,
      partner.layout.headInput,
      this.layout.projection,
      this.layout.projected,
      partner.layout.projected,
    );
  }

  /** The first layer's input: the sum of the embeddings of the previous event's fields and the conditions. */
  private embedInput(previous: readonly number[] | undefined, conditions: readonly number[]): void {
    const { config } = this;
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
  }

  /** Layer `layer`'s input beside its own last state, where its kernel call reads them. */
  private loadLayerInput(layer: number): void {
    const slot = this.layout.layers[layer] as LayerSlot;
    this.memory.set(layer === 0 ? this.embed : (this.h[layer - 1] as Float32Array), slot.input);
    this.memory.set(this.h[layer] as Float32Array, slot.input + slot.inputSize);
  }

  /** The cell update from layer `layer`'s gate pre-activations. */
  private updateState(layer: number): void {
    const { memory } = this;
    const H = this.config.hiddenSize;
    const z = (this.layout.layers[layer] as LayerSlot).gates;
    const h = this.h[layer] as Float32Array;
    const c = this.c[layer] as Float32Array;
    for (let j = 0; j < H; j++) {
      const input = sigmoid(memory[z + j] as number);
      const forget = sigmoid(memory[z + H + j] as number);
      const candidate = Math.tanh(memory[z + 2 * H + j] as number);
      const output = sigmoid(memory[z + 3 * H + j] as number);
      const cell = forget * (c[j] as number) + input * candidate;
      c[j] = cell;
      h[j] = output * Math.tanh(cell);
    }
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
    const out = memory.slice(logits, logits + head.cols);
    for (const copy of weights.copies) {
      const value = contexts[copy.position] ?? copy.limit;
      if (value >= copy.limit) continue;
      let gate = copy.bias;
      for (let d = 0; d < size; d++) gate += (memory[hidden + d] as number) * (copy.gate[d] as number);
      out[value] = (out[value] as number) + gate;
    }
    return out;
  }
}
