import { DataError } from '../model/ingest/dataset.js';
import { StudioSettingError } from '../studio/settings.js';
import { loadDotEnv } from './dotenv.js';
import { UsageError } from './usageError.js';
import { BENCH_USAGE, BOT_USAGE, EVAL_USAGE, GENERATE_USAGE, PREPARE_USAGE, TRAIN_USAGE } from './usages.js';

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => void | Promise<void> }> = {
  prepare: { usage: PREPARE_USAGE, run: async (argv) => (await import('./commands/prepare.js')).runPrepare(argv) },
  train: { usage: TRAIN_USAGE, run: async (argv) => (await import('./commands/train.js')).runTrain(argv) },
  eval: { usage: EVAL_USAGE, run: async (argv) => (await import('./commands/eval.js')).runEval(argv) },
  bench: { usage: BENCH_USAGE, run: async (argv) => (await import('./commands/bench.js')).runBench(argv) },
  generate: { usage: GENERATE_USAGE, run: async (argv) => (await import('./commands/generate.js')).runGenerate(argv) },
  serve: {
    usage: 'partita serve [--port 8000] [--host 127.0.0.1]',
    run: async (argv) => (await import('./commands/serve.js')).runServe(argv),
  },
  worker: {
    usage: "partita worker   (composes the queue's pieces: PARTITA_REDIS_URL, PARTITA_WORKERS threads)",
    run: async (argv) => (await import('./commands/worker.js')).runWorker(argv),
  },
  bot: { usage: BOT_USAGE, run: async (argv) => (await import('./commands/bot.js')).runBot(argv) },
};

function usage(): string {
  return ['usage:', ...Object.values(COMMANDS).map((command) => `  ${command.usage}`)].join('\n');
}

/** The bot token is a secret: no message or stack that leaves this process may carry it. */
function redactSecrets(text: string): string {
  const token = process.env.DISCORD_TOKEN;
  return token && token.length >= 8 ? text.split(token).join('[DISCORD_TOKEN]') : text;
}

/** Turns any failure into one line on stderr naming the problem, and a non-zero exit. */
function fail(error: unknown): never {
  const known =
    error instanceof UsageError ||
    error instanceof StudioSettingError ||
    error instanceof DataError ||
    (error instanceof TypeError && 'code' in error);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`partita: ${redactSecrets(message.split('\n')[0] ?? '')}\n`);
  if (!known && process.env.PARTITA_DEBUG && error instanceof Error) process.stderr.write(`${redactSecrets(error.stack ?? '')}\n`);
  process.exit(known ? 2 : 1);
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  loadDotEnv();
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
  await command.run(rest);
}

// A crash outside main's promise (an emitter's error, a stray rejection) ends the same way: one redacted line.
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main(process.argv.slice(2)).catch(fail);
