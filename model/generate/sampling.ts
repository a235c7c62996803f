/**
 * Sampling filters as pure functions over logits: temperature, a penalty on one value, nucleus
 * (top-p), masking, and a draw from a seeded generator. Same inputs, same draws: generation is deterministic per seed.
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
 * The same distribution with one value's probability divided by e^nats and the whole
 * renormalized: every other value keeps its ratio to every other, and the penalized value's
 * odds against each of them fall by exactly e^nats. Returns the input itself when there is
 * nothing to change (nats 0, or the value already impossible), so a zero penalty changes no bit.
 */
export function penalize(probabilities: Float64Array, value: number, nats: number): Float64Array {
  const before = probabilities[value] ?? 0;
  if (nats <= 0 || before <= 0) return probabilities;
  const after = before / Math.exp(nats);
  const mass = 1 - before + after;
  const penalized = new Float64Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) penalized[i] = (i === value ? after : (probabilities[i] as number)) / mass;
  return penalized;
}

/**
 * Keeps the most likely values whose mass reaches p, renormalized: every value at least as
 * likely as the threshold where the sorted probabilities' running sum first reaches p (values
 * tied with it are all kept). Sorting a copy of the numbers natively, not indices with a
 * comparator: the comparator sort was a third of generation's time.
 */
export function nucleus(probabilities: Float64Array, p: number): Float64Array {
  if (p >= 1) return probabilities;
  const descending = probabilities.slice().sort().reverse();
  let threshold = 0;
  let running = 0;
  for (const probability of descending) {
    running += probability;
    threshold = probability;
    if (running >= p) break;
  }
  const kept = new Float64Array(probabilities.length);
  let mass = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const probability = probabilities[i] as number;
    if (probability >= threshold && probability > 0) {
      kept[i] = probability;
      mass += probability;
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
