import { join } from 'node:path';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { sequenceLikelihood } from '../../model/eval/likelihood.js';
import { LstmNetwork } from '../../model/lstm/network.js';
import { prepare } from '../../model/prepare/prepare.js';
import { codedData } from '../../model/train/dataForTraining.js';
import { progressBar } from '../progress.js';
import { SHIPPED_JSB_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';
import { defaultPreparedFolder } from './prepare.js';

const JSB_QUARTER = join('..', 'shared', 'data', 'jsb', 'jsb-chorales-quarter.json');

/** Published test log-likelihoods per time step on JSB (quarter notes), for context. */
export const PUBLISHED_JSB_NLL = {
  'RNN-RBM (Boulanger-Lewandowski 2012)': 6.27,
  'RNN-NADE HF (Boulanger-Lewandowski 2012)': 5.56,
  'BALSTM (Johnson 2017)': 5.05,
  'LSTM (Walder 2016)': 5.01,
  'LSTM + transposition (Walder 2016)': 4.34,
};

/**
 * The exact frame-level NLL of the JSB test split under an LSTM built from partita's model
 * code (trained by `partita train --data .../jsb-chorales-quarter.json`).
 */
export async function runJsbBenchmark(values: { data?: string; checkpoint?: string }): Promise<Record<string, unknown>> {
  const dataPath = values.data ?? JSB_QUARTER;
  const prepared = prepare(dataPath, defaultPreparedFolder(dataPath), progressBar('prepare'));
  if (prepared.dataset.kind !== 'jsb') throw new UsageError(`${dataPath} is not the JSB Chorales JSON`);
  const checkpoint = loadCheckpoint(values.checkpoint ?? SHIPPED_JSB_MODEL);
  if (checkpoint.model.codec !== 'jsb' || !checkpoint.model.network) throw new UsageError(`${checkpoint.folder} is not a JSB model`);
  const data = codedData(prepared.dataset, {}, checkpoint.model.network);
  const network = new LstmNetwork(checkpoint.model.network, checkpoint.params);
  const frames = (split: string) =>
    prepared.dataset.pieces
      .filter((piece) => piece.split === split)
      .reduce((sum, piece) => sum + ('frameCount' in piece ? piece.frameCount : 0), 0);
  const test = sequenceLikelihood(network, data.codec, data.split('test'), 32, 64, progressBar('jsb test'));
  const valid = sequenceLikelihood(network, data.codec, data.split('valid'), 32, 64, progressBar('jsb valid'));
  return {
    benchmark: 'jsb',
    checkpoint: checkpoint.folder,
    frame_nll_nats: test.nllNats / frames('test'),
    valid_frame_nll_nats: valid.nllNats / frames('valid'),
    test_chorales: test.sequences,
    test_frames: frames('test'),
    train_seconds: checkpoint.model.about.trainSeconds,
    network: `${checkpoint.model.network.layers}x${checkpoint.model.network.hiddenSize} LSTM`,
    published_nll: PUBLISHED_JSB_NLL,
  };
}
