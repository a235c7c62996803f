import { parentProcessChannel, type Studio, studioClient } from '../studio/index.js';

/**
 * The studio a shard process composes with: always a client, never an owner (a shard must not load
 * the model, start workers or touch the history: the studio alone decides a piece's life). Today it
 * is the parent process's studio over the IPC channel ShardingManager opened (studio/ipcClient.ts).
 *
 * The seam for other owners: a Redis-backed client (queue and live feeds on Redis, `partita worker`s
 * composing) is chosen here, from the environment, and returned instead; nothing else in the shard
 * changes, since the bot only sees the Studio interface.
 */
export async function shardStudio(): Promise<Studio> {
  return studioClient(parentProcessChannel());
}
