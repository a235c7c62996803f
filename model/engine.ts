import * as tf from '@tensorflow/tfjs-core';

/**
 * Picks the fastest TensorFlow.js backend that loads here: native libtensorflow through
 * @tensorflow/tfjs-node (an optional dependency; its install needs a download, so it is absent
 * on machines without one), else WebAssembly with SIMD, else the pure-JS CPU backend.
 */
export type EngineName = 'tensorflow' | 'wasm' | 'cpu';

export interface Engine {
  name: EngineName;
  /** Why faster engines were passed over, for the log. */
  notes: string[];
}

let selected: Promise<Engine> | undefined;

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

async function tryBackend(name: EngineName, load: () => Promise<unknown>, notes: string[]): Promise<boolean> {
  try {
    await load();
    if (await tf.setBackend(name)) {
      await tf.ready();
      return true;
    }
    notes.push(`${name}: backend did not initialise`);
  } catch (error) {
    notes.push(`${name}: ${reason(error)}`);
  }
  return false;
}

async function select(preferred?: EngineName): Promise<Engine> {
  const notes: string[] = [];
  const order: [EngineName, () => Promise<unknown>][] = [
    ['tensorflow', () => import('@tensorflow/tfjs-node')],
    ['wasm', () => import('@tensorflow/tfjs-backend-wasm')],
    ['cpu', () => import('@tensorflow/tfjs-backend-cpu')],
  ];
  for (const [name, load] of preferred ? order.filter(([candidate]) => candidate === preferred) : order) {
    if (await tryBackend(name, load, notes)) return { name, notes };
  }
  throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
}

/**
 * Starts the engine once per process (later calls get the same one). PARTITA_ENGINE names a
 * backend to insist on, for measurements.
 */
export function startEngine(preferred = process.env.PARTITA_ENGINE as EngineName | undefined): Promise<Engine> {
  selected ??= select(preferred);
  return selected;
}
