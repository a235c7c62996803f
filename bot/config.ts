import { z } from 'zod';

/**
 * The bot's settings, from the environment. The token is a secret: it is only ever handed to
 * discord.js, never logged or put in an error message.
 */
const environmentSchema = z.object({
  DISCORD_TOKEN: z.string().min(1),
  DISCORD_APP_ID: z.string().regex(/^\d+$/, 'DISCORD_APP_ID must be the application id (digits)'),
  /** Register the commands in this guild only (instant, for development); without it they are global. */
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'DISCORD_GUILD_ID must be a guild id (digits)').optional(),
  /** Where the web player is reachable by the people in the server, for links to pieces. */
  PUBLIC_URL: z.string().url().default('http://localhost:8000'),
  /** Another REST base than discord.com's (the tests' local Discord). */
  DISCORD_API: z.string().url().optional(),
  /** Pieces one person may ask for per window. */
  PARTITA_BOT_USER_LIMIT: z.coerce.number().int().min(1).default(3),
  PARTITA_BOT_USER_WINDOW_SECONDS: z.coerce.number().positive().default(60),
  /** A voice channel with nothing playing is left after this long. */
  PARTITA_BOT_IDLE_SECONDS: z.coerce.number().positive().default(30),
  /** Run the bot as this many shard processes ('auto': Discord's recommendation); unset: one in-process client. */
  PARTITA_BOT_SHARDS: z.union([z.literal('auto'), z.coerce.number().int().min(1)]).optional(),
});

export interface BotConfig {
  token: string;
  applicationId: string;
  guildId?: string;
  publicUrl: string;
  apiBase?: string;
  userLimit: number;
  userWindowSeconds: number;
  idleSeconds: number;
  shards?: number | 'auto';
}

/** The bot's config, or undefined when DISCORD_TOKEN is not set (the bot is then off). */
export function botConfigFromEnvironment(environment: NodeJS.ProcessEnv = process.env): BotConfig | undefined {
  if (!environment.DISCORD_TOKEN) return undefined;
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Discord bot settings: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const values = parsed.data;
  return {
    token: values.DISCORD_TOKEN,
    applicationId: values.DISCORD_APP_ID,
    guildId: values.DISCORD_GUILD_ID,
    publicUrl: values.PUBLIC_URL.replace(/\/+$/, ''),
    apiBase: values.DISCORD_API,
    userLimit: values.PARTITA_BOT_USER_LIMIT,
    userWindowSeconds: values.PARTITA_BOT_USER_WINDOW_SECONDS,
    idleSeconds: values.PARTITA_BOT_IDLE_SECONDS,
    shards: values.PARTITA_BOT_SHARDS,
  };
}
