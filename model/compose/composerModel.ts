import { loadCheckpoint } from '../checkpoint.js';
import { compileMatvecKernel } from '../generate/matvecKernel.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { ParamSet } from '../lstm/params.js';

/** A trained LSTM ready to generate: loaded once at start-up and passed to compose(). */
export interface ComposerModel {
  folder: string;
  config: NetworkConfig;
  params: ParamSet;
  /** The compiled SIMD kernel each generation's stepper instantiates over its own memory. */
  kernel: WebAssembly.Module;
}

/** Loads an LSTM checkpoint (a checkpoint folder or a training run's folder) for generation. */
export async function loadComposerModel(path: string): Promise<ComposerModel> {
  const loaded = loadCheckpoint(path);
  if (loaded.model.arch !== 'lstm' || !loaded.model.network)
    throw new Error(`${loaded.folder} is not an LSTM model (arch ${loaded.model.arch})`);
  return { folder: loaded.folder, config: loaded.model.network, params: loaded.params, kernel: await compileMatvecKernel() };
}
