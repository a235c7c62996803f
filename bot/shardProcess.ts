/**
 * One shard of a sharded bot, as a process of its own (started by bot/shards.ts through
 * discord.js's ShardingManager, which tells the client its shard in the environment). A shard is a
 * front door: it composes through the parent's studio (shardStudio.ts), which alone owns the
 * pieces, the workers and the history, so a shard's death or respawn never touches a piece.
 */
import { startBot } from './bot.js';
import { botConfigFromEnvironment } from './config.js';
import { shardStudio } from './shardStudio.js';

const log = (line: string) => process.stderr.write(`[shard ${process.env.SHARDS ?? '?'}] ${line}\n`);
const config = botConfigFromEnvironment();
if (!config) throw new Error('a bot shard needs DISCORD_TOKEN');
const { studio, close: closeStudio } = await shardStudio();
const bot = await startBot(config, studio, log);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await bot.close();
  await closeStudio();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
// Without the parent there is no studio to answer anyone: stop (its ShardingManager is gone too).
process.once('disconnect', shutdown);
