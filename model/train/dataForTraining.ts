import type { ModelFile } from '../checkpoint.js';
import { jsbCodec, jsbNetworkConfig, jsbSequences } from '../codecs/jsbCodec.js';
import { scoreCodec, scoreNetworkConfig, scoreSequences } from '../codecs/scoreCodec.js';
import { EVENT_WIDTH } from '../encoding/noteEvents.js';
import type { SplitName } from '../ingest/jsb.js';
import type { NetworkConfig } from '../lstm/config.js';
import type { PreparedDataset } from '../prepare/prepare.js';
import type { EventSequence, SequenceCodec } from './sequences.js';

export type NetworkSizes = Partial<Pick<NetworkConfig, 'embedSize' | 'hiddenSize' | 'layers' | 'headSize'>>;

/** A prepared data set seen through the codec its kind calls for. */
export interface CodedData {
  codecName: ModelFile['codec'];
  network: NetworkConfig;
  codec: SequenceCodec;
  split(name: SplitName): EventSequence[];
}

/** JSB training is augmented with transpositions (Walder 2016): every key the chorales could be in. */
export const JSB_TRAIN_TRANSPOSITIONS = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6];

export function codedData(dataset: PreparedDataset, sizes: NetworkSizes = {}, network?: NetworkConfig): CodedData {
  if (dataset.kind === 'jsb') {
    const config = network ?? jsbNetworkConfig(sizes);
    return {
      codecName: 'jsb',
      network: config,
      codec: jsbCodec(config),
      split: (name) =>
        jsbSequences(
          dataset.pieces.filter((piece) => piece.split === name),
          dataset.framePitches,
          dataset.frameStarts,
          name === 'train' ? JSB_TRAIN_TRANSPOSITIONS : [0],
        ),
    };
  }
  const config = network ?? scoreNetworkConfig(sizes);
  return {
    codecName: 'score',
    network: config,
    codec: scoreCodec(config),
    split: (name) =>
      scoreSequences(
        dataset.pieces.filter((piece) => piece.split === name),
        dataset.events,
        EVENT_WIDTH,
      ),
  };
}
