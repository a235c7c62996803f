import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import type { BotConfig } from './config.js';

/** The compiled shard entry point (shards are plain Node processes: they run the built dist/). */
function shardScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'shardProcess.js');
  return join(dirname(here), '..', 'dist', 'bot', 'shardProcess.js');
}

const SHARD_READY_TIMEOUT_MS = 180_000;

/**
 * For bots in many servers: discord.js's ShardingManager runs `shards` processes ('auto': as many
 * as Discord recommends), each a bot with its own studio. The web player stays in the parent.
 */
export async function startShards(config: BotConfig, shards: number | 'auto', log: (line: string) => void): Promise<ShardingManager> {
  const manager = new ShardingManager(shardScript(), { token: config.token, totalShards: shards, respawn: true });
  manager.on('shardCreate', (shard) => log(`Discord bot: shard ${shard.id} started`));
  // Each shard loads the model and starts its studio's workers before it logs in: on a busy
  // 2-core machine that takes longer than discord.js's default 30 s ready timeout.
  await manager.spawn({ timeout: SHARD_READY_TIMEOUT_MS });
  return manager;
}
