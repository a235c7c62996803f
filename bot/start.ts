import type { Studio } from '../studio/index.js';
import { botConfigFromEnvironment } from './config.js';

/**
 * Starts the Discord bot when DISCORD_TOKEN is set, in this process with the app's studio, or as
 * shard processes when PARTITA_BOT_SHARDS is set (front doors to the same studio, served to them
 * over IPC); otherwise says plainly that it is off. discord.js is loaded only then: a web front door
 * without the bot does not carry it (~25 MB resident).
 */
export async function startBotIfConfigured(studio: Studio, log: (line: string) => void): Promise<{ close(): Promise<void> } | undefined> {
  const config = botConfigFromEnvironment();
  if (!config) {
    log('Discord bot: off (set DISCORD_TOKEN and DISCORD_APP_ID to start it)');
    return undefined;
  }
  if (config.shards !== undefined) {
    const { startShards } = await import('./shards.js');
    const manager = await startShards(config, config.shards, studio, log);
    return {
      async close() {
        for (const shard of manager.shards.values()) shard.kill();
      },
    };
  }
  const { startBot } = await import('./bot.js');
  return startBot(config, studio, log);
}
