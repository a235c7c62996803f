/**
 * One shard of a sharded bot, as a process of its own (started by bot/shards.ts through
 * discord.js's ShardingManager, which tells the client its shard in the environment). Each shard
 * composes with its own studio; all of them share the data folder's SQLite history (WAL mode
 * allows several processes), so piece links work whichever shard wrote the piece.
 */
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { createStudio } from '../studio/index.js';
import { startBot } from './bot.js';
import { botConfigFromEnvironment } from './config.js';

const log = (line: string) => process.stderr.write(`[shard ${process.env.SHARDS ?? '?'}] ${line}\n`);
const config = botConfigFromEnvironment();
if (!config) throw new Error('a bot shard needs DISCORD_TOKEN');
const studio = await createStudio({
  modelPath: process.env.PARTITA_MODEL ?? SHIPPED_MUSICNET_MODEL,
  dataFolder: process.env.PARTITA_APP_DATA ?? '.partita/app',
});
const bot = await startBot(config, studio, log);
const shutdown = async () => {
  await bot.close();
  await studio.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
