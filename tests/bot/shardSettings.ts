import { registerCommands } from '../../bot/commandRegistry.js';
import type { BotConfig } from '../../bot/config.js';
import type { FakeDiscord } from '../discord/index.js';

/**
 * A sharded bot's settings against the local Discord, its commands registered. The shard processes
 * read theirs from the environment, as in production, so `environment` (and the local Discord's
 * addresses) go into this process's, which they inherit; the caller restores it.
 */
export async function shardBotSettings(fake: FakeDiscord, environment: Record<string, string> = {}): Promise<BotConfig> {
  const { world } = fake;
  Object.assign(process.env, environment, {
    DISCORD_APP_ID: world.application.id,
    DISCORD_API: fake.apiBase,
    DISCORD_GUILD_ID: world.guildId,
  });
  const config = {
    token: fake.token,
    applicationId: world.application.id,
    publicUrl: 'http://x',
    userLimit: 3,
    userWindowSeconds: 60,
    idleSeconds: 5,
  };
  await registerCommands({ ...config, guildId: world.guildId, apiBase: fake.apiBase });
  return config;
}
