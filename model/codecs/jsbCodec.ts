import { type NetworkConfig, networkConfigSchema } from '../lstm/config.js';
import type { PreparedChorale } from '../prepare/encodeJsb.js';
import type { EventSequence, SequenceCodec } from '../train/sequences.js';

/**
 * JSB Chorales as events for the same LSTM: each sounding pitch of a time step is an event
 * (shift = time steps since the previous event, pitch), pitches of one step in ascending
 * order, and an END event closing the chorale. A step's probability is then the product of
 * its events' probabilities, the last "no more notes in this step" decision included (it is the
 * next event's shift > 0, or END), so the sum over events is the exact frame-level NLL.
 */
export const JSB_MAX_SHIFT = 8;
export const JSB_END_PITCH = 128;

export function jsbNetworkConfig(
  sizes: Partial<Pick<NetworkConfig, 'embedSize' | 'hiddenSize' | 'layers' | 'headSize'>> = {},
): NetworkConfig {
  return networkConfigSchema.parse({
    fields: [
      { name: 'shift', vocab: JSB_MAX_SHIFT + 1 },
      { name: 'pitch', vocab: JSB_END_PITCH + 1 },
    ],
    orderKeyFields: [1],
    conditionVocab: 0,
    ...sizes,
  });
}

export function jsbCodec(config: NetworkConfig): SequenceCodec {
  return {
    config,
    fieldWeights(_event, out, offset) {
      out[offset] = 1;
      out[offset + 1] = 1;
    },
    countsAsNote: (event) => event[1] !== JSB_END_PITCH,
  };
}

/** Frames -> events; `transpose` shifts every pitch (training-set augmentation). */
export function choraleToEvents(frames: readonly (readonly number[])[], transpose = 0): number[] {
  const events: number[] = [];
  let lastFrame = 0;
  const push = (frame: number, pitch: number) => {
    const shift = frame - lastFrame;
    // JSB's longest silence is 5 steps; a longer one would need rest events like MusicNet's.
    if (shift > JSB_MAX_SHIFT) throw new RangeError(`a silence of ${shift} steps is longer than the JSB encoding holds`);
    events.push(shift, pitch);
    lastFrame = frame;
  };
  frames.forEach((frame, index) => {
    for (const pitch of [...frame].sort((a, b) => a - b)) push(index, pitch + transpose);
  });
  push(frames.length, JSB_END_PITCH);
  return events;
}

export function jsbSequences(
  chorales: readonly PreparedChorale[],
  framePitches: Uint8Array,
  frameStarts: Uint32Array,
  transpositions: readonly number[] = [0],
): EventSequence[] {
  const sequences: EventSequence[] = [];
  for (const chorale of chorales) {
    const frames: number[][] = [];
    for (let f = chorale.frameOffset; f < chorale.frameOffset + chorale.frameCount; f++) {
      frames.push(Array.from(framePitches.subarray(frameStarts[f] as number, frameStarts[f + 1] as number)));
    }
    for (const transpose of transpositions) {
      sequences.push({
        id: `${chorale.id}${transpose ? `@${transpose}` : ''}`,
        events: Int32Array.from(choraleToEvents(frames, transpose)),
        conditions: [],
      });
    }
  }
  return sequences;
}
