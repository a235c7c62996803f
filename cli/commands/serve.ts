import { parseArgs } from 'node:util';
import { startBotIfConfigured } from '../../bot/start.js';
import { startStudioFromEnvironment } from '../../studio/fromEnvironment.js';
import { startWebServer } from '../../web/server.js';
import { appDataFolder, SHIPPED_MUSICNET_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';

function portFlag(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number 0-65535, got '${value}'`);
  return port;
}

/**
 * Starts the web player (and the Discord bot when configured) on the shipped model, until SIGINT or
 * SIGTERM, which stop the bot, the server and the composer's workers in that order.
 */
export async function runServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '8000' }, host: { type: 'string', default: '127.0.0.1' } },
    strict: true,
  });
  const port = portFlag(values.port);
  const dataFolder = appDataFolder();
  process.stderr.write(`partita: loading the composer and the synth (data in ${dataFolder})...\n`);
  const running = await startStudioFromEnvironment({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder });
  const { studio } = running;
  if (running.mode === 'redis') {
    process.stderr.write(`partita: a front door to the queue on Redis, composing with ${running.workers} thread(s) here\n`);
  }
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer({ studio, port, host: values.host });
  } catch (error) {
    await running.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: choose another with --port`);
    throw error;
  }
  process.stdout.write(`partita: the web player is at ${server.url}/\n`);
  const bot = await startBotIfConfigured(studio, (line) => process.stderr.write(`${line}\n`));

  await new Promise<void>((resolveStopped) => {
    const shutDown = async (signal: string): Promise<void> => {
      process.stderr.write(`partita: ${signal}: stopping\n`);
      await bot?.close();
      await server.close();
      await running.close();
      resolveStopped();
    };
    process.once('SIGINT', () => void shutDown('SIGINT'));
    process.once('SIGTERM', () => void shutDown('SIGTERM'));
  });
}
