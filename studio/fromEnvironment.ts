import { openHistory, type PieceHistory } from '../store/index.js';
import type { Studio } from './api.js';
import { startComposeService } from './redis/composeService.js';
import { createRemoteStudio } from './redis/remoteStudio.js';
import { StudioSettingError, workersFromEnvironment } from './settings.js';
import { createStudio } from './studio.js';

const DEFAULT_PIECES_PER_WORKER = 4;
const DEFAULT_RENDERS_PER_WORKER = 2;

export interface RunningStudio {
  studio: Studio;
  /** Where pieces are written: 'embedded' (this process owns them) or the queue's Redis. */
  mode: 'embedded' | 'redis';
  /** Compose threads in this process. */
  workers: number;
  close(): Promise<void>;
}

/**
 * The studio the environment asks for. Without PARTITA_REDIS_URL: embedded, everything in this
 * process (a queue in memory, worker threads, the history). With it: this process is a front door to
 * the BullMQ queue and the live feeds on Redis, and also composes with PARTITA_WORKERS threads (none
 * with PARTITA_WORKERS=0). `partita worker` composes only (see `startWorkerFromEnvironment`).
 */
export async function startStudioFromEnvironment(
  options: { modelPath: string; dataFolder: string },
  environment: NodeJS.ProcessEnv = process.env,
): Promise<RunningStudio> {
  const workers = workersFromEnvironment(environment);
  const redisUrl = environment.PARTITA_REDIS_URL;
  if (!redisUrl) {
    if (workers === 0) {
      throw new StudioSettingError(
        'PARTITA_WORKERS=0 leaves nobody to compose: set PARTITA_REDIS_URL to a queue that `partita worker`s serve',
      );
    }
    const history = await openHistory({ dataFolder: options.dataFolder, databaseUrl: environment.PARTITA_DATABASE_URL });
    const studio = await createStudio({ ...options, workers, history });
    return { studio, mode: 'embedded', workers, close: () => studio.close() };
  }
  const history = await openHistory({ dataFolder: options.dataFolder, databaseUrl: environment.PARTITA_DATABASE_URL });
  const service = workers > 0 ? await startComposer({ ...options, redisUrl, workers, history }) : undefined;
  const studio = await createRemoteStudio({ redisUrl, history, dataFolder: options.dataFolder });
  return {
    studio,
    mode: 'redis',
    workers,
    async close() {
      await studio.close();
      await service?.close();
      await history.close();
    },
  };
}

function startComposer(options: { modelPath: string; dataFolder: string; redisUrl: string; workers: number; history: PieceHistory }) {
  return startComposeService({ ...options, piecesPerWorker: DEFAULT_PIECES_PER_WORKER, rendersPerWorker: DEFAULT_RENDERS_PER_WORKER });
}

/** `partita worker`: composes the queue's pieces with PARTITA_WORKERS threads (default 2); needs PARTITA_REDIS_URL. */
export async function startWorkerFromEnvironment(
  options: { modelPath: string; dataFolder: string },
  environment: NodeJS.ProcessEnv = process.env,
): Promise<{ workers: number; close(): Promise<void> }> {
  const redisUrl = environment.PARTITA_REDIS_URL;
  if (!redisUrl)
    throw new StudioSettingError('partita worker takes its pieces from a queue: set PARTITA_REDIS_URL (e.g. redis://127.0.0.1:6379)');
  const workers = workersFromEnvironment(environment);
  if (workers === 0) throw new StudioSettingError('partita worker needs PARTITA_WORKERS >= 1');
  const history = await openHistory({ dataFolder: options.dataFolder, databaseUrl: environment.PARTITA_DATABASE_URL });
  const service = await startComposer({ ...options, redisUrl, workers, history });
  return {
    workers,
    async close() {
      await service.close();
      await history.close();
    },
  };
}
