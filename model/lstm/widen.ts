import type { NetworkConfig } from './config.js';
import { type ParamSet, paramShapes } from './params.js';

/**
 * Whether `to` is `from` with features appended: more condition rows (they end the input
 * embedding), head contexts added after the old ones (they end their heads' tables) and copy
 * paths after the old ones, all else the same. Such a network can start from `from`'s weights
 * and compute exactly what it did.
 */
export function widensInPlace(from: NetworkConfig, to: NetworkConfig): boolean {
  const rest = (config: NetworkConfig) => JSON.stringify({ ...config, conditionVocab: 0, headContexts: [], copies: [] });
  const startsWith = <T>(list: readonly T[], prefix: readonly T[]) =>
    JSON.stringify(list.slice(0, prefix.length)) === JSON.stringify(prefix);
  return (
    rest(from) === rest(to) &&
    startsWith(to.headContexts, from.headContexts) &&
    startsWith(to.copies, from.copies) &&
    to.conditionVocab >= from.conditionVocab
  );
}

/**
 * `from`'s weights laid out for `to` (see widensInPlace): every weight copied, the new rows of
 * the embedding tables and the new copy gates zero, so the new features start by changing
 * nothing and training gives them their meaning (as the pitch head's key feature was added at
 * chunk 1436).
 */
export function widenParams(params: ParamSet, from: NetworkConfig, to: NetworkConfig): ParamSet {
  if (!widensInPlace(from, to))
    throw new Error('the new network is not the old one with features appended: it cannot start from its weights');
  const widened: ParamSet = new Map();
  for (const [name, shape] of paramShapes(to)) {
    const old = params.get(name);
    // Only copy paths bring weights of their own; every other weight was `from`'s.
    if (!old && !name.startsWith('head.copy')) throw new Error(`missing weight ${name}`);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (old) data.set(old.data);
    widened.set(name, { shape, data });
  }
  return widened;
}
