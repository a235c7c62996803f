import { appDataFolder, SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { startStudioFromEnvironment } from '../studio/fromEnvironment.js';
import { parentProcessChannel, type Studio, studioClient } from '../studio/index.js';

/**
 * The studio a shard process composes with: always a client, never an owner (a shard must not load
 * the model, start workers or touch the history's unfinished pieces: their owner alone decides their
 * life). With PARTITA_REDIS_URL, a front door of the queue and live feeds on Redis like any
 * `PARTITA_WORKERS=0 partita serve` (the `partita worker`s own the pieces); without it, the parent
 * process's studio over the IPC channel ShardingManager opened (studio/ipcClient.ts).
 */
export async function shardStudio(): Promise<{ studio: Studio; close(): Promise<void> }> {
  if (process.env.PARTITA_REDIS_URL) {
    const options = { modelPath: SHIPPED_MUSICNET_MODEL, dataFolder: appDataFolder() };
    return startStudioFromEnvironment(options, { ...process.env, PARTITA_WORKERS: '0' });
  }
  const studio = studioClient(parentProcessChannel());
  return { studio, close: () => studio.close() };
}
