import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usageError.js';

/**
 * Reads `.env` from the working folder, as bot hosts expect: Node's own parser
 * (process.loadEnvFile), no extra dependency. Variables already set in the environment win, and
 * a blank value counts as unset. A
 * file Node cannot read is one line naming it; the values themselves are never echoed (the
 * file holds the bot's token).
 */
export function loadDotEnv(folder = process.cwd()): void {
  const path = resolve(folder, '.env');
  if (!existsSync(path)) return;
  const before = { ...process.env };
  try {
    process.loadEnvFile(path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    throw new UsageError(`${path} could not be read as a .env file${code}: write one NAME=value per line`);
  }
  for (const [name, value] of Object.entries(process.env)) {
    // A blank line of .env.example ("DISCORD_TOKEN=") means "not set", not "set to nothing".
    if (!(name in before) && value === '') delete process.env[name];
  }
  for (const [name, value] of Object.entries(before)) process.env[name] = value;
}
