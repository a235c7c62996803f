import type { ParamSet } from './params.js';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Gradients are scaled down when their global L2 norm exceeds this. */
  clipNorm: number;
}

export const DEFAULT_ADAM: AdamSettings = { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clipNorm: 1 };

/** Adam's moment estimates, one pair per weight: part of a checkpoint, so resuming is exact. */
export interface AdamState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export function initAdam(params: ParamSet): AdamState {
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const [name, param] of params) {
    m.set(name, new Float32Array(param.data.length));
    v.set(name, new Float32Array(param.data.length));
  }
  return { step: 0, m, v };
}

export function globalNorm(grads: Map<string, Float32Array>): number {
  let sum = 0;
  for (const grad of grads.values()) for (let i = 0; i < grad.length; i++) sum += (grad[i] as number) * (grad[i] as number);
  return Math.sqrt(sum);
}

/** One Adam update in place, after clipping by global norm; returns the norm before clipping. */
export function adamStep(
  params: ParamSet,
  grads: Map<string, Float32Array>,
  state: AdamState,
  settings: AdamSettings,
  learningRate = settings.learningRate,
): number {
  const norm = globalNorm(grads);
  const scale = norm > settings.clipNorm ? settings.clipNorm / norm : 1;
  state.step++;
  const { beta1, beta2, epsilon } = settings;
  const correction1 = 1 - beta1 ** state.step;
  const correction2 = 1 - beta2 ** state.step;
  const stepSize = learningRate / correction1;
  for (const [name, param] of params) {
    const grad = grads.get(name);
    const m = state.m.get(name);
    const v = state.v.get(name);
    if (!grad || !m || !v) continue;
    const data = param.data;
    for (let i = 0; i < data.length; i++) {
      const g = (grad[i] as number) * scale;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      data[i] = (data[i] as number) - (stepSize * mi) / (Math.sqrt(vi / correction2) + epsilon);
    }
  }
  return norm;
}
