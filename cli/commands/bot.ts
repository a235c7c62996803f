import { parseArgs } from 'node:util';
import { describeChanges, registerCommands } from '../../bot/commandRegistry.js';
import { botConfigFromEnvironment } from '../../bot/config.js';
import { UsageError } from '../usageError.js';
import { BOT_USAGE } from '../usages.js';

export { BOT_USAGE };

/** `partita bot register`: the deploy step of discord.js's guide, reading the bot's settings from the environment or .env. */
export async function runBot(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'register') throw new UsageError(`unknown bot action '${action ?? ''}': ${BOT_USAGE}`);
  const { values } = parseArgs({
    args: rest,
    options: { guild: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.guild !== undefined && !/^\d+$/.test(values.guild))
    throw new UsageError(`--guild must be a guild id (digits), got '${values.guild}'`);
  let config: ReturnType<typeof botConfigFromEnvironment>;
  try {
    config = botConfigFromEnvironment();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (!config) throw new UsageError('DISCORD_TOKEN is not set (in the environment or .env): it is needed to register the commands');
  const target = { ...config, guildId: values.guild ?? config.guildId };
  const changes = await registerCommands(target);
  const where = target.guildId ? `in guild ${target.guildId}` : 'globally';
  if (values.json) process.stdout.write(`${JSON.stringify({ where, ...changes })}\n`);
  else process.stdout.write(`registered ${where}: ${describeChanges(changes)}\n`);
}
