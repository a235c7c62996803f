import type { Studio } from '../studio/index.js';
import { type RunningBot, startBot } from './bot.js';
import { botConfigFromEnvironment } from './config.js';

/** Starts the Discord bot when DISCORD_TOKEN is set; otherwise says plainly that it is off. */
export async function startBotIfConfigured(studio: Studio, log: (line: string) => void): Promise<RunningBot | undefined> {
  const config = botConfigFromEnvironment();
  if (!config) {
    log('Discord bot: off (set DISCORD_TOKEN and DISCORD_APP_ID to start it)');
    return undefined;
  }
  return startBot(config, studio, log);
}
