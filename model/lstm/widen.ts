import type { NetworkConfig } from './config.js';
import { type ParamSet, paramShapes } from './params.js';

/**
 * Whether `to` is `from` with features appended: more condition rows (they end the input
 * embedding) and head contexts added after the old ones (they end their heads' tables), all
 * else the same. Such a network can start from `from`'s weights and compute exactly what it did.
 */
export function widensInPlace(from: NetworkConfig, to: NetworkConfig): boolean {
  const sameRest =
    JSON.stringify({ ...from, conditionVocab: 0, headContexts: [] }) === JSON.stringify({ ...to, conditionVocab: 0, headContexts: [] });
  const prefix = JSON.stringify(to.headContexts.slice(0, from.headContexts.length)) === JSON.stringify(from.headContexts);
  return sameRest && prefix && to.conditionVocab >= from.conditionVocab;
}

/**
 * `from`'s weights laid out for `to` (see widensInPlace): every weight copied, the new rows of
 * the embedding tables zero, so the new features start by changing nothing and training gives
 * them their meaning (as the pitch head's key feature was added at chunk 1436).
 */
export function widenParams(params: ParamSet, from: NetworkConfig, to: NetworkConfig): ParamSet {
  if (!widensInPlace(from, to))
    throw new Error('the new network is not the old one with features appended: it cannot start from its weights');
  const widened: ParamSet = new Map();
  for (const [name, shape] of paramShapes(to)) {
    const old = params.get(name);
    if (!old) throw new Error(`missing weight ${name}`);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    data.set(old.data);
    widened.set(name, { shape, data });
  }
  return widened;
}
