import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { concatArrays } from './arrays.js';
import { networkConfigSchema } from './lstm/config.js';
import type { Param, ParamSet } from './lstm/params.js';
import { writeFileAtomic } from './prepare/store.js';

/**
 * A checkpoint is one folder that rebuilds the model by itself: `model.json` (architecture,
 * the encoding it speaks, where each weight sits) and `weights.bin` (float32, little-endian).
 * Training adds `training.json` and `optimizer.bin` so a run can resume exactly.
 */
export const CHECKPOINT_FORMAT = 1;
const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const LATEST_FILE = 'LATEST';

const weightEntrySchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  offset: z.number().int().nonnegative(),
});

export const modelFileSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  arch: z.enum(['lstm', 'seed']),
  /** Which codec turns music into this model's events. */
  codec: z.enum(['score', 'jsb', 'seed']),
  /** The LSTM's shape (arch lstm). */
  network: networkConfigSchema.optional(),
  /** The seed baseline's shape (arch seed). */
  seedNetwork: z
    .object({ windowNotes: z.number().int().positive(), hiddenSize: z.number().int().positive(), layers: z.number().int().positive() })
    .optional(),
  weights: z.array(weightEntrySchema),
  /** Free-form facts about how it was made (data, steps, figures), shown in model cards. */
  about: z.record(z.string(), z.unknown()).default({}),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

export interface LoadedCheckpoint {
  folder: string;
  model: ModelFile;
  params: ParamSet;
}

export function checkpointFiles(folder: string): { model: string; weights: string } {
  return { model: join(folder, MODEL_FILE), weights: join(folder, WEIGHTS_FILE) };
}

/** Concatenates weights in a fixed order into one buffer, recording where each sits. */
export function packParams(params: ParamSet): { entries: z.infer<typeof weightEntrySchema>[]; bytes: Uint8Array } {
  const entries: z.infer<typeof weightEntrySchema>[] = [];
  let length = 0;
  for (const [name, param] of params) {
    entries.push({ name, shape: param.shape, offset: length });
    length += param.data.length;
  }
  const all = new Float32Array(length);
  for (const entry of entries) all.set((params.get(entry.name) as Param).data, entry.offset);
  return { entries, bytes: new Uint8Array(all.buffer) };
}

export function packFloatArrays(arrays: Float32Array[]): Uint8Array {
  return new Uint8Array(concatArrays(arrays, (length) => new Float32Array(length)).buffer);
}

export function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  const copy = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}

/** Writes the model part of a checkpoint into `folder` (which must exist). */
export function writeModel(
  folder: string,
  shape: Pick<ModelFile, 'arch' | 'codec' | 'network' | 'seedNetwork'>,
  params: ParamSet,
  about: Record<string, unknown>,
): void {
  const { entries, bytes } = packParams(params);
  writeFileAtomic(join(folder, WEIGHTS_FILE), bytes);
  const model: ModelFile = { format: CHECKPOINT_FORMAT, ...shape, weights: entries, about };
  writeFileAtomic(join(folder, MODEL_FILE), `${JSON.stringify(model, null, 1)}\n`);
}

/**
 * Resolves what a user may pass as a checkpoint: a checkpoint folder itself, or a training
 * output folder (its `best/` if there is one, else its latest checkpoint).
 */
export function resolveCheckpointFolder(path: string): string {
  if (existsSync(join(path, MODEL_FILE))) return path;
  if (existsSync(join(path, 'best', MODEL_FILE))) return join(path, 'best');
  const latest = latestCheckpoint(path);
  if (latest) return latest;
  throw new Error(`no model in ${path} (expected ${MODEL_FILE}, best/ or a training run's checkpoints)`);
}

export function loadCheckpoint(path: string): LoadedCheckpoint {
  const folder = resolveCheckpointFolder(path);
  const files = checkpointFiles(folder);
  let model: ModelFile;
  try {
    model = modelFileSchema.parse(JSON.parse(readFileSync(files.model, 'utf8')));
  } catch (error) {
    throw new Error(`${files.model} is not a partita model: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const all = readFloats(files.weights);
  const params: ParamSet = new Map();
  for (const entry of model.weights) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.offset + size > all.length) throw new Error(`${files.weights} is shorter than ${files.model} says (weight ${entry.name})`);
    params.set(entry.name, { shape: entry.shape, data: all.slice(entry.offset, entry.offset + size) });
  }
  return { folder, model, params };
}

/** The checkpoint a training run last completed, by its LATEST pointer. */
export function latestCheckpoint(runFolder: string): string | undefined {
  const pointer = join(runFolder, LATEST_FILE);
  if (!existsSync(pointer)) return undefined;
  const folder = join(runFolder, readFileSync(pointer, 'utf8').trim());
  return existsSync(join(folder, MODEL_FILE)) ? folder : undefined;
}

/**
 * Writes a checkpoint so that kill -9 at any moment leaves the previous one loadable: fill a
 * fresh folder, rename it into place, then move the LATEST pointer (an atomic rename), and only
 * then delete older checkpoints.
 */
export function commitCheckpoint(runFolder: string, name: string, fill: (folder: string) => void): string {
  mkdirSync(runFolder, { recursive: true });
  const staging = join(runFolder, `.staging-${name}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  fill(staging);
  const final = join(runFolder, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(staging, final);
  writeFileAtomic(join(runFolder, LATEST_FILE), `${name}\n`);
  for (const entry of readdirSync(runFolder)) {
    if ((entry.startsWith('checkpoint-') && entry !== name) || entry.startsWith('.staging-'))
      rmSync(join(runFolder, entry), { recursive: true, force: true });
  }
  return final;
}
