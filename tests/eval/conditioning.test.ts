import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyName } from '../../model/analysis/keys.js';
import { metricalWeight } from '../../model/analysis/metre.js';
import { closelyRelated, metricalSalience, realKeyAgreement, realMetreAgreement } from '../../model/eval/conditioning.js';
import { readMidi } from '../../model/ingest/readMidi.js';
import { MUSICNET_MIDIS } from '../helpers/paths.js';

function key(name: string): number {
  const parsed = parseKeyName(name);
  if (parsed === undefined) throw new Error(`not a key: ${name}`);
  return parsed;
}

describe('key conditioning measures', () => {
  it('counts the relative, dominant and subdominant keys as closely related, and nothing further', () => {
    const dMinor = key('d-minor');
    for (const near of ['d-minor', 'f-major', 'a-minor', 'g-minor']) expect(closelyRelated(key(near), dMinor)).toBe(true);
    for (const far of ['d-major', 'e-minor', 'b-flat-major', 'c-minor']) expect(closelyRelated(key(far), dMinor)).toBe(false);
    const eFlatMajor = key('e-flat-major');
    for (const near of ['c-minor', 'b-flat-major', 'a-flat-major']) expect(closelyRelated(key(near), eFlatMajor)).toBe(true);
  });

  it('finds the whole-piece key in a whole real piece, and less often in its opening seconds', () => {
    const folder = join(MUSICNET_MIDIS, 'Beethoven');
    const scores = readdirSync(folder)
      .slice(0, 12)
      .map((file) => readMidi(readFileSync(join(folder, file)), { id: file, title: file, source: file }).score);
    const whole = realKeyAgreement(scores, Number.POSITIVE_INFINITY);
    expect(whole).toMatchObject({ pieces: 12, key_agreement: 1, related_key_agreement: 1 });
    const opening = realKeyAgreement(scores, 5);
    expect(opening.key_agreement).toBeLessThan(1);
    expect(opening.related_key_agreement).toBeGreaterThanOrEqual(opening.key_agreement);
  });

  it('weighs bar positions by the metrical hierarchy, compound beats apart', () => {
    expect([0, 24, 36, 48, 72].map((step) => metricalWeight([4, 4], step))).toEqual([4, 2, 1, 3, 2]);
    expect([0, 12, 24, 36, 48, 6].map((step) => metricalWeight([3, 4], step))).toEqual([4, 1, 2, 1, 2, 0]);
    expect([0, 12, 24, 36, 48, 72].map((step) => metricalWeight([6, 8], step))).toEqual([4, 1, 1, 2, 1, 4]);
    expect([0, 36, 72, 108].map((step) => metricalWeight([12, 8], step))).toEqual([4, 2, 3, 2]);
    // Evenly spread eighths are chance (1); onsets only on downbeats score highest.
    const eighths = Array.from({ length: 24 }, (_, index) => index * 12);
    expect(metricalSalience(eighths, [3, 4])).toBeCloseTo(1, 10);
    expect(metricalSalience([0, 72, 144], [3, 4])).toBeGreaterThan(metricalSalience([0, 36, 72, 108], [3, 4]));
    expect(metricalSalience([0, 36, 72, 108], [6, 8])).toBeGreaterThan(metricalSalience([0, 36, 72, 108], [3, 4]));
  });

  it("hears each real piece's own metre on average: 4/4, 3/4 and 6/8 MusicNet pieces", () => {
    const scores = readdirSync(MUSICNET_MIDIS).flatMap((composer) =>
      readdirSync(join(MUSICNET_MIDIS, composer)).flatMap((file) => {
        try {
          return [readMidi(readFileSync(join(MUSICNET_MIDIS, composer, file)), { id: file, title: file, source: file }).score];
        } catch {
          return []; // the broken files of the data set
        }
      }),
    );
    const candidates: [number, number][] = [
      [4, 4],
      [3, 4],
      [6, 8],
    ];
    const byMetre = realMetreAgreement(scores, candidates);
    console.log(`real pieces, metre heard: ${JSON.stringify(byMetre)}`);
    for (const label of ['4/4', '3/4', '6/8']) {
      const entry = byMetre[label];
      if (!entry) throw new Error(`no real ${label} pieces`);
      expect(entry.pieces).toBeGreaterThanOrEqual(5);
      const own = entry.salience[label] as number;
      for (const [other, value] of Object.entries(entry.salience)) if (other !== label) expect(own).toBeGreaterThan(value);
      expect(entry.own_is_strongest).toBeGreaterThan(0.5);
    }
  });
});
