import { createHash } from 'node:crypto';
import type { SplitName } from '../ingest/jsb.js';

/** Share of each group held out for validation, and again for test. */
export const HELD_OUT_SHARE = 0.1;

function orderKey(id: string): string {
  return createHash('sha256').update(`partita-split-v1:${id}`).digest('hex');
}

/**
 * Assigns pieces to train/valid/test by piece (never splitting one), stratified by `group`
 * (MusicNet's ensemble) so every split sees every kind of ensemble that has enough pieces.
 * Deterministic: the order inside a group comes from a hash of the id, not from chance.
 */
export function assignSplits(pieces: readonly { id: string; group?: string }[]): Map<string, SplitName> {
  const groups = new Map<string, string[]>();
  for (const piece of pieces) {
    const key = piece.group ?? '';
    groups.set(key, [...(groups.get(key) ?? []), piece.id]);
  }
  const splits = new Map<string, SplitName>();
  for (const ids of groups.values()) {
    const ordered = [...ids].sort((a, b) => orderKey(a).localeCompare(orderKey(b)));
    const heldOut = Math.round(ordered.length * HELD_OUT_SHARE);
    ordered.forEach((id, index) => {
      splits.set(id, index < heldOut ? 'test' : index < 2 * heldOut ? 'valid' : 'train');
    });
  }
  return splits;
}
