import { loadCheckpoint } from '../checkpoint.js';
import { scoreNetworkConfig } from '../codecs/scoreCodec.js';
import { compileMatvecKernel } from '../generate/matvecKernel.js';
import { LstmStepper, StepperWeights } from '../generate/stepper.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { ParamSet } from '../lstm/params.js';
import { widenParams, widensInPlace } from '../lstm/widen.js';

/** A trained LSTM ready to generate: loaded once at start-up and passed to compose(). */
export interface ComposerModel {
  folder: string;
  config: NetworkConfig;
  params: ParamSet;
  /** The weights laid out once for the generation kernel; every stepper copies them. */
  weights: StepperWeights;
  /** The compiled SIMD kernel each generation's stepper instantiates over its own memory. */
  kernel: WebAssembly.Module;
  /**
   * Steppers not writing a piece right now. Making one can cost ~25 ms (every eighth makes a fresh
   * 7 MB WebAssembly memory with the weights, which the next seven share), half the first-note
   * budget, so pieces borrow and return them.
   */
  idleSteppers: LstmStepper[];
}

/** A stepper over the model with its state reset, for one piece; hand it back with returnStepper. */
export function borrowStepper(model: ComposerModel): LstmStepper {
  const stepper = model.idleSteppers.pop() ?? new LstmStepper(model.weights, model.kernel);
  stepper.reset();
  return stepper;
}

export function returnStepper(model: ComposerModel, stepper: LstmStepper): void {
  model.idleSteppers.push(stepper);
}

/** A few events through a fresh stepper, so the first real piece does not pay for compiling the JS. */
function warmUp(model: ComposerModel): void {
  const stepper = borrowStepper(model);
  const fields = model.config.fields.length;
  for (let step = 0; step < 32; step++) {
    stepper.advance(step === 0 ? undefined : new Array<number>(fields).fill(1), [0]);
    for (let field = 0; field < fields; field++) stepper.fieldLogits(field, new Array<number>(field).fill(1));
  }
  returnStepper(model, stepper);
}

/** Loads an LSTM checkpoint (a checkpoint folder or a training run's folder) for generation. */
export async function loadComposerModel(path: string): Promise<ComposerModel> {
  const loaded = loadCheckpoint(path);
  if (loaded.model.arch !== 'lstm' || !loaded.model.network)
    throw new Error(`${loaded.folder} is not an LSTM model (arch ${loaded.model.arch})`);
  const trained = loaded.model.network;
  // A model from before features were appended to the score encoding computes what it always did
  // with zero rows for them (model/lstm/widen.ts), so compose() can read today's features.
  const { embedSize, hiddenSize, layers, headSize } = trained;
  const current = loaded.model.codec === 'score' ? scoreNetworkConfig({ embedSize, hiddenSize, layers, headSize }) : trained;
  const widen = JSON.stringify(current) !== JSON.stringify(trained);
  if (widen && !widensInPlace(trained, current))
    throw new Error(`${loaded.folder} was trained with another encoding than this version of partita writes`);
  const config = current;
  const params = widen ? widenParams(loaded.params, trained, current) : loaded.params;
  const model: ComposerModel = {
    folder: loaded.folder,
    config,
    params,
    weights: new StepperWeights(config, params),
    kernel: await compileMatvecKernel(),
    idleSteppers: [],
  };
  warmUp(model);
  return model;
}
