import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from '../../cli/dotenv.js';
import { temporaryFolder } from '../helpers/paths.js';

const NAMES = ['PARTITA_DOTENV_A', 'PARTITA_DOTENV_B', 'PARTITA_DOTENV_BLANK', 'PARTITA_DOTENV_QUOTED'];

afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});

describe('.env in the working folder', () => {
  it('sets what the environment does not, keeps what it does, and treats blank values as unset', () => {
    const folder = temporaryFolder('partita-dotenv-');
    writeFileSync(
      join(folder, '.env'),
      '# a comment\nPARTITA_DOTENV_A=from-file\nPARTITA_DOTENV_B=from-file\nPARTITA_DOTENV_BLANK=\nPARTITA_DOTENV_QUOTED="two words"\n',
    );
    process.env.PARTITA_DOTENV_B = 'from-environment';
    loadDotEnv(folder);
    expect(process.env.PARTITA_DOTENV_A).toBe('from-file');
    expect(process.env.PARTITA_DOTENV_B).toBe('from-environment');
    expect('PARTITA_DOTENV_BLANK' in process.env).toBe(false);
    expect(process.env.PARTITA_DOTENV_QUOTED).toBe('two words');
  });

  it('does nothing without a .env file', () => {
    loadDotEnv(temporaryFolder('partita-dotenv-'));
    expect(process.env.PARTITA_DOTENV_A).toBeUndefined();
  });
});
