/**
 * Where one compose worker's memory goes: the steps a worker takes at start-up, one after another
 * in this process, with the RSS (VmRSS), the JS heap, ArrayBuffers (outside the heap: the
 * model's Float32Arrays, the SoundFont's bytes) and FluidSynth's WebAssembly memory after each.
 *
 *     node dist/benchmarks/memoryParts.js [--renders 2] [--steppers 4]
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { borrowStepper, loadComposerModel, returnStepper } from '../model/compose/composerModel.js';
import { loadSynth } from '../synth/index.js';

const { values } = parseArgs({
  options: { renders: { type: 'string', default: '2' }, steppers: { type: 'string', default: '4' } },
});
const MB = 1024 * 1024;
const require = createRequire(import.meta.url);

function rssMb(): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return Math.round((Number(match?.[1]) * 1024) / MB);
}

/** FluidSynth's wasm memory (one per thread: every instance in it), once the module is loaded. */
function fluidHeapMb(): number | undefined {
  try {
    const module = require('js-synthesizer/externals/libfluidsynth-2.4.6-with-libsndfile.js') as { HEAP8?: Int8Array };
    return module.HEAP8 ? Math.round(module.HEAP8.buffer.byteLength / MB) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The mappings holding most of the RSS (/proc/self/smaps): a WebAssembly memory is one anonymous
 * mapping of 8-10 GB reserved (guard regions included), only its touched pages resident.
 */
function largestMappings(count = 12): string[] {
  const mappings: { rssKb: number; sizeMb: number; name: string }[] = [];
  let current: { sizeMb: number; name: string } | undefined;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const size = Number.parseInt(header[2] as string, 16) - Number.parseInt(header[1] as string, 16);
      current = { sizeMb: Math.round(size / MB), name: header[3] || '[anonymous]' };
    } else if (line.startsWith('Rss:') && current) mappings.push({ ...current, rssKb: Number(line.split(/\s+/)[1]) });
  }
  return mappings
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, count)
    .map((mapping) => `${Math.round(mapping.rssKb / 1024)} MB resident of ${mapping.sizeMb} MB: ${mapping.name}`);
}

const steps: Record<string, unknown>[] = [];
function step(name: string, extra: Record<string, unknown> = {}): void {
  const usage = process.memoryUsage();
  steps.push({
    step: name,
    rssMb: rssMb(),
    heapUsedMb: Math.round(usage.heapUsed / MB),
    arrayBuffersMb: Math.round(usage.arrayBuffers / MB),
    externalMb: Math.round(usage.external / MB),
    fluidWasmMb: fluidHeapMb(),
    ...extra,
  });
}

step('modules imported');
const model = await loadComposerModel(SHIPPED_MUSICNET_MODEL);
step('model loaded (one stepper warmed)', { weightsImageMb: Math.round(model.weights.image.byteLength / MB) });
const steppers = Array.from({ length: Number(values.steppers) }, () => borrowStepper(model));
for (const stepper of steppers) returnStepper(model, stepper);
step(`${steppers.length} steppers`);
let started = performance.now();
const synth = await loadSynth({ maxConcurrentRenders: Number(values.renders) });
step('synth loaded (one FluidSynth instance)', { seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
started = performance.now();
const drain = async (): Promise<void> => {
  for await (const _ of synth.render([], { instruments: ['piano'] }, { tailSeconds: 0 })) {
    // Only the instance matters.
  }
};
await Promise.all(Array.from({ length: Number(values.renders) }, drain));
step(`${values.renders} FluidSynth instances`, { seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
globalThis.gc?.();
step('after gc (if --expose-gc)');
const mappings = largestMappings();
synth.close();
process.stdout.write(`${JSON.stringify({ steps, largestMappings: mappings }, null, 2)}\n`);
