/**
 * Sampling filters as pure functions over logits: temperature, nucleus (top-p), masking, and a
 * draw from a seeded generator. Same inputs, same draws: generation is deterministic per seed.
 */

export const MASKED_LOGIT = Number.NEGATIVE_INFINITY;

/** Probabilities of logits / temperature (temperature <= 0: all mass on the best value). */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature: number): Float64Array {
  const probabilities = new Float64Array(logits.length);
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    if ((logits[i] as number) > max) {
      max = logits[i] as number;
      best = i;
    }
  }
  if (max === Number.NEGATIVE_INFINITY) throw new Error('every value is masked: nothing can be sampled');
  if (temperature <= 0) {
    probabilities[best] = 1;
    return probabilities;
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const value = Math.exp(((logits[i] as number) - max) / temperature);
    probabilities[i] = value;
    sum += value;
  }
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = (probabilities[i] as number) / sum;
  return probabilities;
}

/**
 * Keeps the most likely values whose mass reaches p, renormalized: every value at least as
 * likely as a threshold, the highest threshold that keeps mass >= p (found by bisection: no
 * sort, which was a third of generation's time). Values tied at the threshold are all kept.
 */
export function nucleus(probabilities: Float64Array, p: number): Float64Array {
  if (p >= 1) return probabilities;
  const massAtLeast = (threshold: number) => {
    let mass = 0;
    for (let i = 0; i < probabilities.length; i++) if ((probabilities[i] as number) >= threshold) mass += probabilities[i] as number;
    return mass;
  };
  let low = 0;
  let high = 0;
  for (let i = 0; i < probabilities.length; i++) high = Math.max(high, probabilities[i] as number);
  // massAtLeast(low) >= p always holds; massAtLeast(high) may not, unless one value carries p.
  if (massAtLeast(high) >= p) low = high;
  for (let iteration = 0; iteration < 40 && high - low > 1e-12; iteration++) {
    const middle = (low + high) / 2;
    if (massAtLeast(middle) >= p) low = middle;
    else high = middle;
  }
  const kept = new Float64Array(probabilities.length);
  let mass = 0;
  for (let i = 0; i < probabilities.length; i++) {
    if ((probabilities[i] as number) >= low && (probabilities[i] as number) > 0) {
      kept[i] = probabilities[i] as number;
      mass += kept[i] as number;
    }
  }
  for (let i = 0; i < kept.length; i++) kept[i] = (kept[i] as number) / mass;
  return kept;
}

/** Draws an index from a distribution with a uniform number in [0, 1). */
export function draw(probabilities: Float64Array, uniform: number): number {
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const probability = probabilities[i] as number;
    if (probability <= 0) continue;
    cumulative += probability;
    last = i;
    if (uniform < cumulative) return i;
  }
  return last;
}

/** Log-softmax of logits (for likelihoods). */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  const logSum = max + Math.log(sum);
  return Float64Array.from({ length: logits.length }, (_, i) => (logits[i] as number) - logSum);
}
