import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The models committed with partita (see their MODEL_CARD.md). */
const here = dirname(fileURLToPath(import.meta.url));
// cli/ in the sources, dist/cli/ once compiled.
const REPO_ROOT = resolve(here, basename(resolve(here, '..')) === 'dist' ? '../..' : '..');
export const SHIPPED_MODELS_FOLDER = join(REPO_ROOT, 'models');
export const SHIPPED_MUSICNET_MODEL = join(SHIPPED_MODELS_FOLDER, 'musicnet-lstm');
export const SHIPPED_SEED_MODEL = join(SHIPPED_MODELS_FOLDER, 'musicnet-seed');
export const SHIPPED_JSB_MODEL = join(SHIPPED_MODELS_FOLDER, 'jsb-lstm');

/** The app's history and pieces: PARTITA_APP_DATA, default .partita/app (not PARTITA_DATA: that names the training data sets). */
export function appDataFolder(environment: NodeJS.ProcessEnv = process.env): string {
  return resolve(environment.PARTITA_APP_DATA ?? '.partita/app');
}
