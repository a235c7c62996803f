import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_WIDTH } from '../model/encoding/noteEvents.js';
import { SEED_WIDTH } from '../model/encoding/seedNotes.js';
import { loadPrepared, type PrepareResult, prepare } from '../model/prepare/prepare.js';
import { assignSplits } from '../model/prepare/split.js';
import { JSB_QUARTER, MUSICNET, MUSICNET_MIDIS, temporaryFolder } from './helpers/paths.js';

describe('prepare on MusicNet', () => {
  let out: string;
  let first: PrepareResult;
  beforeAll(() => {
    out = temporaryFolder('prepared');
    first = prepare(MUSICNET, out);
  });

  it('encodes all 300 pieces into arrays that match the manifest', () => {
    const { dataset } = first;
    if (dataset.kind === 'jsb') throw new Error('expected scores');
    expect(first.cached).toBe(false);
    expect(dataset.pieces).toHaveLength(300);
    const events = dataset.pieces.reduce((sum, piece) => sum + piece.eventCount, 0);
    const seedNotes = dataset.pieces.reduce((sum, piece) => sum + piece.seedCount, 0);
    expect(dataset.events.length).toBe(events * EVENT_WIDTH);
    expect(dataset.seed.length).toBe(seedNotes * SEED_WIDTH);
    const last = dataset.pieces[dataset.pieces.length - 1];
    expect((last?.eventOffset ?? 0) + (last?.eventCount ?? 0)).toBe(events);
  });

  it('reuses the arrays on a second run over unchanged data', () => {
    const again = prepare(MUSICNET, out);
    expect(again.cached).toBe(true);
    expect(again.dataset.manifest.summary).toEqual(first.dataset.manifest.summary);
  });

  it('splits by piece, stratified by ensemble, the same way every time', () => {
    const { dataset } = first;
    if (dataset.kind === 'jsb') throw new Error('expected scores');
    const byEnsemble = new Map<string, Set<string>>();
    for (const piece of dataset.pieces) {
      const key = piece.ensemble ?? '';
      byEnsemble.set(key, (byEnsemble.get(key) ?? new Set()).add(piece.split));
      expect(dataset.pieces.filter((other) => other.id === piece.id)).toHaveLength(1);
    }
    for (const [ensemble, count] of Object.entries(countBy(dataset.pieces.map((piece) => piece.ensemble ?? '')))) {
      if (count >= 5) expect(byEnsemble.get(ensemble), ensemble).toEqual(new Set(['train', 'valid', 'test']));
    }
    const input = dataset.pieces.map((piece) => ({ id: piece.id, group: piece.ensemble }));
    const again = assignSplits([...input].reverse());
    for (const piece of dataset.pieces) expect(again.get(piece.id)).toBe(piece.split);
  });
});

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

describe('prepare on other data sets', () => {
  it('keeps the published JSB Chorales split', () => {
    const { dataset } = prepare(JSB_QUARTER, temporaryFolder('jsb'));
    if (dataset.kind !== 'jsb') throw new Error('expected JSB');
    const counts = countBy(dataset.pieces.map((piece) => piece.split));
    expect(counts).toEqual({ train: 229, valid: 76, test: 77 });
    const frames = dataset.pieces.reduce((sum, piece) => sum + piece.frameCount, 0);
    expect(dataset.frameStarts.length).toBe(frames + 1);
    expect(dataset.frameStarts[frames]).toBe(dataset.framePitches.length);
  });

  it('notices a changed folder of MIDI files and prepares it again', () => {
    const folder = temporaryFolder('midi-data');
    for (const file of readdirSync(join(MUSICNET_MIDIS, 'Haydn'))) cpSync(join(MUSICNET_MIDIS, 'Haydn', file), join(folder, file));
    const out = temporaryFolder('midi-prepared');
    expect(prepare(folder, out).dataset.pieces).toHaveLength(2);
    expect(prepare(folder, out).cached).toBe(true);
    cpSync(join(MUSICNET_MIDIS, 'Ravel'), join(folder, 'ravel'), { recursive: true });
    const changed = prepare(folder, out);
    expect(changed.cached).toBe(false);
    expect(changed.dataset.pieces.length).toBeGreaterThan(2);
    expect(loadPrepared(out).pieces).toHaveLength(changed.dataset.pieces.length);
  });

  it('does not mistake a half-written cache for a finished one', () => {
    const out = temporaryFolder('half');
    writeFileSync(join(out, 'manifest.json'), '{"format": 1, "fingerp');
    expect(prepare(JSB_QUARTER, out).cached).toBe(false);
  });
});
