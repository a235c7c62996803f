import { type JsbChorales, SPLIT_NAMES, type SplitName } from '../ingest/jsb.js';
import type { JsbSummary } from './summary.js';

/** A chorale in the prepared arrays: its frames are frameOffsets[frameOffset .. frameOffset+frameCount]. */
export interface PreparedChorale {
  id: string;
  split: SplitName;
  frameOffset: number;
  frameCount: number;
}

export interface EncodedJsb {
  pieces: PreparedChorale[];
  /** Pitches of all frames back to back. */
  framePitches: Uint8Array;
  /** Frame f holds framePitches[frameStarts[f] .. frameStarts[f+1]]; one more entry than frames. */
  frameStarts: Uint32Array;
  summary: JsbSummary;
}

/** Packs the chorales' time steps into flat arrays, keeping the published split. */
export function encodeJsb(chorales: JsbChorales): EncodedJsb {
  const pitches: number[] = [];
  const starts: number[] = [0];
  const pieces: PreparedChorale[] = [];
  const splits = { train: { pieces: 0, frames: 0 }, valid: { pieces: 0, frames: 0 }, test: { pieces: 0, frames: 0 } };
  let low = 127;
  let high = 0;
  for (const split of SPLIT_NAMES) {
    chorales[split].forEach((frames, index) => {
      pieces.push({ id: `${split}-${index}`, split, frameOffset: starts.length - 1, frameCount: frames.length });
      for (const frame of frames) {
        for (const pitch of frame) {
          pitches.push(pitch);
          low = Math.min(low, pitch);
          high = Math.max(high, pitch);
        }
        starts.push(pitches.length);
      }
      splits[split].pieces++;
      splits[split].frames += frames.length;
    });
  }
  return {
    pieces,
    framePitches: Uint8Array.from(pitches),
    frameStarts: Uint32Array.from(starts),
    summary: {
      kind: 'jsb',
      pieces: pieces.length,
      splits,
      frames: starts.length - 1,
      notes: pitches.length,
      pitchRange: [low, high],
    },
  };
}
