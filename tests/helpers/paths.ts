import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared real data sets (never copied into the repo). */
export const DATA_ROOT = process.env.PARTITA_DATA ?? resolve(REPO_ROOT, '..', 'shared', 'data');
export const MUSICNET = join(DATA_ROOT, 'musicnet');
export const MUSICNET_MIDIS = join(MUSICNET, 'musicnet_midis', 'musicnet_midis');
/** MusicXML 4.0's published schema, which every score partita writes must satisfy. */
export const MUSICXML_SCHEMA = resolve(REPO_ROOT, '..', 'shared', 'specs', 'musicxml-4.0', 'musicxml.xsd');
export const JSB_QUARTER = join(DATA_ROOT, 'jsb', 'jsb-chorales-quarter.json');

/** The seven Bach files whose track-length headers are broken on purpose. */
export const BROKEN_BACH = [
  '2194_prelude13',
  '2211_fugue12',
  '2227_fugue6',
  '2230_prelude20',
  '2292_prelude19',
  '2305_prelude14',
  '2310_prelude15',
].map((name) => join(MUSICNET_MIDIS, 'Bach', `${name}.mid`));

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `partita-${prefix}-`));
}
