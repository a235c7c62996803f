import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MUSICNET_MIDIS, temporaryFolder } from './paths.js';

/** A folder of a few real MusicNet files (Haydn's two quartet movements): small enough to train on in a test. */
export function smallMidiFolder(): string {
  const folder = temporaryFolder('small-midi');
  for (const file of readdirSync(join(MUSICNET_MIDIS, 'Haydn'))) cpSync(join(MUSICNET_MIDIS, 'Haydn', file), join(folder, file));
  return folder;
}
