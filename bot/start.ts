import type { Studio } from '../studio/index.js';
import type { RunningBot } from './bot.js';
import { botConfigFromEnvironment } from './config.js';

/**
 * Starts the Discord bot when DISCORD_TOKEN is set, in this process with the app's studio, or as
 * shard processes when PARTITA_BOT_SHARDS is set; otherwise says plainly that it is off.
 * discord.js is imported only then: it holds ~35 MB of the process's memory, for nothing when the
 * bot is off.
 */
export async function startBotIfConfigured(studio: Studio, log: (line: string) => void): Promise<{ close(): Promise<void> } | undefined> {
  const config = botConfigFromEnvironment();
  if (!config) {
    log('Discord bot: off (set DISCORD_TOKEN and DISCORD_APP_ID to start it)');
    return undefined;
  }
  if (config.shards !== undefined) {
    const { startShards } = await import('./shards.js');
    const manager = await startShards(config, config.shards, log);
    return {
      async close() {
        for (const shard of manager.shards.values()) shard.kill();
      },
    };
  }
  const { startBot } = await import('./bot.js');
  const bot: RunningBot = await startBot(config, studio, log);
  return bot;
}
