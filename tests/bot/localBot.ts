import { type RunningBot, startBot } from '../../bot/bot.js';
import type { BotConfig } from '../../bot/config.js';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { createStudio, type Studio } from '../../studio/index.js';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../discord/index.js';
import { temporaryFolder } from '../helpers/paths.js';

/** The unmodified bot, in this process, against a local Discord, composing with the shipped model. */
export interface LocalBot {
  fake: FakeDiscord;
  studio: Studio;
  bot: RunningBot;
  config: BotConfig;
  /** Every line the bot logged. */
  logged: string[];
  close(): Promise<void>;
}

export interface LocalBotOptions {
  /** Prefix of the studio's temporary data folder. */
  name: string;
  workers?: number;
  publicUrl?: string;
  discord?: FakeDiscordOptions;
  /** Overrides of the bot's settings (rate limit, idle time...). */
  settings?: Partial<Pick<BotConfig, 'userLimit' | 'userWindowSeconds' | 'idleSeconds'>>;
}

export async function startLocalBot(options: LocalBotOptions): Promise<LocalBot> {
  const fake = await startFakeDiscord(options.discord);
  const studio = await createStudio({
    modelPath: SHIPPED_MUSICNET_MODEL,
    dataFolder: temporaryFolder(options.name),
    workers: options.workers ?? 2,
  });
  const { world } = fake;
  const config: BotConfig = {
    ...{ userLimit: 4, userWindowSeconds: 600, idleSeconds: 1 },
    ...options.settings,
    token: fake.token,
    applicationId: world.application.id,
    guildId: world.guildId,
    apiBase: fake.apiBase,
    publicUrl: options.publicUrl ?? 'http://partita.example',
  };
  const logged: string[] = [];
  const bot = await startBot(config, studio, (line) => logged.push(line));
  return {
    fake,
    studio,
    bot,
    config,
    logged,
    async close() {
      await bot.close();
      await studio.close();
      await fake.close();
    },
  };
}

/** The piece id at the end of the link in a reply's first embed. */
export function pieceIdOf(message: { embeds: unknown }): string {
  const url = (message.embeds as { url?: string }[])[0]?.url;
  const id = url?.split('/').at(-1);
  if (!id) throw new Error('the reply has no link to its piece');
  return id;
}
