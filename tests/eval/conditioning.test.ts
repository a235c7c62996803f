import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyName } from '../../model/analysis/keys.js';
import { closelyRelated, realKeyAgreement } from '../../model/eval/conditioning.js';
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
});
