import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from the module beside `callerUrl` named `name` (without extension),
 * running the same code as its caller: compiled dist/ runs the compiled worker; the TypeScript
 * sources (vitest, tsx) run the worker's TypeScript through tsx, so a test never exercises a
 * stale dist/ (tsx is a development dependency: only sources need it).
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const here = fileURLToPath(callerUrl);
  if (here.endsWith('.js')) return new Worker(join(dirname(here), `${name}.js`), options);
  const source = pathToFileURL(join(dirname(here), `${name}.ts`)).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
