import { parseArgs } from 'node:util';
import { startWorkerFromEnvironment } from '../../studio/fromEnvironment.js';
import { appDataFolder, SHIPPED_MUSICNET_MODEL } from '../shippedModels.js';

/**
 * `partita worker`: composes and renders pieces from the queue on PARTITA_REDIS_URL until SIGINT or
 * SIGTERM, which stop it taking new ones and let the pieces it is writing finish first.
 */
export async function runWorker(argv: string[]): Promise<void> {
  parseArgs({ args: argv, options: {}, strict: true });
  const dataFolder = appDataFolder();
  process.stderr.write(`partita worker: loading the composer and the synth (files in ${dataFolder})...\n`);
  const worker = await startWorkerFromEnvironment({ modelPath: process.env.PARTITA_MODEL ?? SHIPPED_MUSICNET_MODEL, dataFolder });
  process.stdout.write(`partita worker: composing with ${worker.workers} thread(s), pid ${process.pid}\n`);
  await new Promise<void>((stopped) => {
    const stop = async (signal: string): Promise<void> => {
      process.stderr.write(`partita worker: ${signal}: finishing the pieces being written, then stopping\n`);
      await worker.close();
      stopped();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
