const DEFAULT_WORKERS = 2;

/** A setting the environment got wrong, in words for the person who set it. */
export class StudioSettingError extends Error {
  override readonly name = 'StudioSettingError';
}

/** PARTITA_WORKERS: compose threads in this process (0: none, only with a queue that workers elsewhere serve). */
export function workersFromEnvironment(environment: NodeJS.ProcessEnv = process.env): number {
  const text = environment.PARTITA_WORKERS;
  if (text === undefined || text === '') return DEFAULT_WORKERS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new StudioSettingError(`PARTITA_WORKERS must be a whole number >= 0, got '${text}'`);
  return value;
}
