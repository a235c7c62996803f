import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBotIfConfigured } from '../../bot/start.js';
import { createStudio } from '../../studio/index.js';
import { startWebServer } from '../../web/server.js';
import { SHIPPED_MUSICNET_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';

/** The app's history and pieces (not PARTITA_DATA: that names the training data sets). */
const DEFAULT_APP_DATA = '.partita/app';

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
  const dataFolder = resolve(process.env.PARTITA_APP_DATA ?? DEFAULT_APP_DATA);
  process.stderr.write(`partita: loading the composer and the synth (data in ${dataFolder})...\n`);
  const studio = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder });
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer({ studio, port, host: values.host });
  } catch (error) {
    await studio.close();
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
      await studio.close();
      resolveStopped();
    };
    process.once('SIGINT', () => void shutDown('SIGINT'));
    process.once('SIGTERM', () => void shutDown('SIGTERM'));
  });
}
