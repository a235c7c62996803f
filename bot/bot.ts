import { Client, Events, GatewayIntentBits, type Interaction, MessageFlags } from 'discord.js';
import type { Studio } from '../studio/index.js';
import { checkRegisteredCommands, describeChanges, inSync } from './commandRegistry.js';
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
 * Logs in and answers the slash commands. Registering them is its own step (`partita bot
 * register`, as discord.js's guide does it): re-registering at every login spends a rate-limited
 * call and, globally, can hide commands for a while. Here the first shard only checks that the
 * registered commands are the code's, and warns when they are not. Composing happens in the studio's worker threads, so the
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
  // Commands belong to the application, not to a shard: the first shard (or the only client) checks them.
  const where = config.guildId ? `in guild ${config.guildId}` : 'globally';
  if (!client.shard || client.shard.ids.includes(0)) {
    const changes = await checkRegisteredCommands(config).catch((error: unknown) => {
      log(`Discord bot: could not read the registered commands: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (changes && !inSync(changes)) {
      log(
        `Discord bot: the registered commands ${where} differ from this version's (${describeChanges(changes)}): run 'partita bot register'`,
      );
    }
  }
  const shardNote = client.shard ? ` (shard ${client.shard.ids.join(', ')})` : '';
  log(
    `Discord bot: on as ${client.user?.tag ?? 'unknown'}${shardNote}; answers /${COMMANDS.map((command) => command.data.name).join(', /')}`,
  );
  return {
    client,
    async close() {
      voice.stopAll();
      await client.destroy();
    },
  };
}
