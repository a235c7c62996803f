import { Client, Events, GatewayIntentBits, type Interaction, MessageFlags } from 'discord.js';
import type { Studio } from '../studio/index.js';
import { COMMANDS } from './commands/index.js';
import type { BotConfig } from './config.js';
import { UserRateLimiter } from './rateLimiter.js';
import { VoicePlayers } from './voicePlayers.js';

export interface RunningBot {
  client: Client;
  close(): Promise<void>;
}

/** The error a person sees: never a stack, never a secret. */
function userMessage(error: unknown): string {
  return `Something went wrong: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}`;
}

/**
 * Logs in, registers the slash commands (in DISCORD_GUILD_ID when set: instant, for development;
 * else globally) and answers them. Composing happens in the studio's worker threads, so the
 * gateway's heartbeats never wait for the model. discord.js resumes dropped gateway sessions
 * and honours REST rate limits (429s) by itself.
 */
export async function startBot(config: BotConfig, studio: Studio, log: (line: string) => void): Promise<RunningBot> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...(config.apiBase ? { rest: { api: config.apiBase } } : {}),
  });
  const voice = new VoicePlayers(config.idleSeconds, log);
  const context = { studio, config, voice, log, limiter: new UserRateLimiter(config.userLimit, config.userWindowSeconds) };
  const byName = new Map(COMMANDS.map((command) => [command.data.name, command]));

  client.on(Events.InteractionCreate, async (interaction: Interaction) => {
    if (!interaction.isChatInputCommand()) return;
    const command = byName.get(interaction.commandName);
    if (!command) return;
    try {
      await command.execute(interaction, context);
    } catch (error) {
      log(`discord: /${interaction.commandName} failed: ${error instanceof Error ? error.message : String(error)}`);
      const answer = { content: userMessage(error), flags: MessageFlags.Ephemeral } as const;
      await (interaction.deferred || interaction.replied ? interaction.followUp(answer) : interaction.reply(answer)).catch(() => {});
    }
  });
  client.on(Events.ShardDisconnect, (_event, shard) => log(`discord: shard ${shard} disconnected; reconnecting`));
  client.on(Events.ShardResume, (shard) => log(`discord: shard ${shard} resumed`));
  client.on(Events.Error, (error) => log(`discord: ${error.message}`));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(config.token);
  await ready;
  // Commands belong to the application, not to a shard: the first shard (or the only client) registers them.
  const names = `/${COMMANDS.map((command) => command.data.name).join(', /')}`;
  if (!client.shard || client.shard.ids.includes(0)) {
    const body = COMMANDS.map((command) => command.data);
    if (config.guildId) await client.application?.commands.set(body, config.guildId);
    else await client.application?.commands.set(body);
    log(
      `Discord bot: on as ${client.user?.tag ?? 'unknown'}; ${names} registered ${config.guildId ? `in guild ${config.guildId}` : 'globally'}`,
    );
  } else {
    log(`Discord bot: on as ${client.user?.tag ?? 'unknown'} (shard ${client.shard.ids.join(', ')}; shard 0 registers ${names})`);
  }
  return {
    client,
    async close() {
      voice.stopAll();
      await client.destroy();
    },
  };
}
