import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Studio } from '../../studio/index.js';
import type { BotConfig } from '../config.js';
import type { UserRateLimiter } from '../rateLimiter.js';
import type { VoicePlayers } from '../voicePlayers.js';

/** What every command can use: the composing service and the bot's shared parts. */
export interface BotContext {
  studio: Studio;
  config: BotConfig;
  limiter: UserRateLimiter;
  voice: VoicePlayers;
  log: (line: string) => void;
}

/** One slash command: how Discord should show it, and what it does. */
export interface BotCommand {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
}
