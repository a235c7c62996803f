/**
 * Pulls audio out of FluidSynth frame by frame and hands it on in fixed-size 16-bit stereo chunks.
 * The renderer says how far to render (up to the next event); this class cuts the result into chunks.
 */
import type { Synthesizer } from './fluid.js';
import { toInt16Interleaved } from './pcm.js';

export class ChunkWriter {
  /** Frames rendered since the start of the piece. */
  frame = 0;
  private filled = 0;
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private fadeStart = Number.POSITIVE_INFINITY;
  private fadeEnd = Number.POSITIVE_INFINITY;

  constructor(
    private readonly synthesizer: Synthesizer,
    private readonly chunkFrames: number,
  ) {
    this.left = new Float32Array(chunkFrames);
    this.right = new Float32Array(chunkFrames);
  }

  /** Renders up to `target` (an absolute frame), yielding every chunk that fills on the way. */
  *advanceTo(target: number): Generator<Int16Array> {
    while (this.frame < target) {
      const frames = Math.min(target - this.frame, this.chunkFrames - this.filled);
      const end = this.filled + frames;
      this.synthesizer.render([this.left.subarray(this.filled, end), this.right.subarray(this.filled, end)]);
      this.filled = end;
      this.frame += frames;
      if (this.filled === this.chunkFrames) yield this.take();
    }
  }

  /** Yields what is left over as a last, shorter chunk. */
  *flush(): Generator<Int16Array> {
    if (this.filled > 0) yield this.take();
  }

  /** Ramps the output linearly to silence between two absolute frames, so a piece never ends on a click. */
  fadeOut(start: number, end: number): void {
    this.fadeStart = start;
    this.fadeEnd = end;
  }

  private take(): Int16Array {
    const first = this.frame - this.filled;
    for (let index = Math.max(0, this.fadeStart - first); index < this.filled; index++) {
      const frame = first + index;
      const gain = Math.max(0, (this.fadeEnd - frame) / (this.fadeEnd - this.fadeStart));
      this.left[index] = (this.left[index] as number) * gain;
      this.right[index] = (this.right[index] as number) * gain;
    }
    const chunk = toInt16Interleaved(this.left, this.right, this.filled);
    this.filled = 0;
    return chunk;
  }
}
