import * as tf from '@tensorflow/tfjs-core';
import { getParam, type ParamSet } from './params.js';

function transposeMatrix(data: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const rowStart = r * columns;
    for (let c = 0; c < columns; c++) out[c * rows + r] = data[rowStart + c] as number;
  }
  return out;
}

/**
 * The weights as tensors for one optimizer step, plus the transposed matrices the backward
 * pass needs: wasm's matMul is fast only without its transpose flags, so we transpose once in
 * JS per update instead of on every call. Tensors are kept out of tf.tidy scopes: they live
 * until invalidate().
 */
export class DeviceWeights {
  private readonly tensors = new Map<string, tf.Tensor>();
  private readonly transposed = new Map<string, tf.Tensor2D>();

  constructor(private readonly params: ParamSet) {}

  get(name: string): tf.Tensor {
    let tensor = this.tensors.get(name);
    if (!tensor) {
      const param = getParam(this.params, name);
      tensor = tf.keep(tf.tensor(param.data, param.shape));
      this.tensors.set(name, tensor);
    }
    return tensor;
  }

  matrix(name: string): tf.Tensor2D {
    return this.get(name) as tf.Tensor2D;
  }

  vector(name: string): tf.Tensor1D {
    return this.get(name) as tf.Tensor1D;
  }

  /** The transpose of a 2-D weight. */
  transposedMatrix(name: string): tf.Tensor2D {
    let tensor = this.transposed.get(name);
    if (!tensor) {
      const param = getParam(this.params, name);
      const [rows = 0, columns = 0] = param.shape;
      tensor = tf.keep(tf.tensor2d(transposeMatrix(param.data, rows, columns), [columns, rows]));
      this.transposed.set(name, tensor);
    }
    return tensor;
  }

  /** Drops the device copies after the JS weights changed; they are re-created on next use. */
  invalidate(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    for (const tensor of this.transposed.values()) tensor.dispose();
    this.tensors.clear();
    this.transposed.clear();
  }
}
