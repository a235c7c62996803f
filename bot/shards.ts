import { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import { childProcessChannel, type Studio, type StudioServer, serveStudio } from '../studio/index.js';
import type { BotConfig } from './config.js';

/**
 * The shard entry point, in the same code as its caller: compiled dist/ runs the compiled shard; the
 * TypeScript sources (vitest, tsx) run the shard's source through tsx, so a test never exercises a
 * stale dist/ (as model/workerScript.ts does for worker threads).
 */
function shardScript(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return { file: join(dirname(here), 'shardProcess.js'), execArgv: [] };
  return { file: join(dirname(here), 'shardProcess.ts'), execArgv: ['--import', 'tsx'] };
}

const SHARD_READY_TIMEOUT_MS = 180_000;

/**
 * For bots in many servers: discord.js's ShardingManager runs `shards` processes ('auto': as many
 * as Discord recommends), each a bot that composes through `studio`, this process's (its owner),
 * served over the IPC channel the manager opens to each shard process, respawned ones included.
 * When a shard's process dies its server leaves that shard's streams, so listeners count down.
 */
export async function startShards(
  config: BotConfig,
  shards: number | 'auto',
  studio: Studio,
  log: (line: string) => void,
): Promise<ShardingManager> {
  const script = shardScript();
  const manager = new ShardingManager(script.file, { token: config.token, totalShards: shards, respawn: true, execArgv: script.execArgv });
  manager.on('shardCreate', (shard) => {
    log(`Discord bot: shard ${shard.id} started`);
    let server: StudioServer | undefined;
    shard.on('spawn', (child) => {
      server?.close();
      // The manager forks processes (its default mode): a worker-thread shard would need a port channel.
      if (!(child instanceof ChildProcess)) throw new Error('bot shards must be processes (ShardingManager mode "process")');
      server = serveStudio(studio, childProcessChannel(child));
    });
    shard.on('death', () => {
      server?.close();
      server = undefined;
      log(`Discord bot: shard ${shard.id} stopped${manager.respawn ? '; starting it again' : ''}`);
    });
    // A respawn that fails is reported here (an 'error' nobody listens to would end this process).
    shard.on('error', (error) => log(`Discord bot: shard ${shard.id}: ${error.message}`));
  });
  // Each shard waits for its Discord session only (no model: it composes through this studio), but on
  // a busy 2-core machine that can still take longer than discord.js's default 30 s ready timeout.
  await manager.spawn({ timeout: SHARD_READY_TIMEOUT_MS });
  return manager;
}
