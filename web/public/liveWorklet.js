// The page's audio worklets (they run on the audio thread, loaded by audioGraph.js):
// - 'partita-live' plays decoded live audio from a queue of chunks: a jitter buffer of START_FRAMES
//   before it starts (and again, twice as large, after running dry, which it counts), pause and resume without losing
//   its place, and reports of how many frames it has played.
// - 'partita-first-sound' passes its input through and, once armed, reports the first block with a
//   sample over SILENCE: the page's first-sound hook (see audioGraph.js).

/** 80 ms of 48 kHz audio: enough for a packet or two to come late without a gap. */
const START_FRAMES = 3840;
/** Report the playhead about every 21 ms (8 render quanta of 128 frames). */
const REPORT_EVERY = 8;
/** A sample louder than this (-80 dBFS) is sound. */
const SILENCE = 1e-4;

class LivePlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    /** @type {Float32Array[][]} chunks of [left, right] */
    this.chunks = [];
    /** Frames of the first chunk already played. */
    this.offset = 0;
    this.queued = 0;
    this.played = 0;
    this.paused = false;
    this.buffering = true;
    /** The jitter buffer: START_FRAMES, doubled after each underrun (to 640 ms at most). */
    this.startFrames = START_FRAMES;
    this.ended = false;
    this.underruns = 0;
    this.quanta = 0;
    this.open = true;
    this.port.onmessage = ({ data }) => {
      if (data.type === 'audio') {
        this.chunks.push(data.channels);
        this.queued += data.channels[0].length;
      } else if (data.type === 'end') this.ended = true;
      else if (data.type === 'pause') this.paused = true;
      else if (data.type === 'play') this.paused = false;
      else if (data.type === 'close') this.open = false;
    };
  }

  process(_inputs, outputs) {
    if (!this.open) return false;
    const [left, right] = /** @type {Float32Array[]} */ (outputs[0]);
    const wanted = left.length;
    if (this.buffering && (this.queued >= this.startFrames || (this.ended && this.queued > 0))) {
      this.buffering = false;
      this.port.postMessage({ type: 'started', frames: this.played, contextTime: currentTime });
    }
    let written = 0;
    if (!this.paused && !this.buffering) {
      while (written < wanted && this.chunks.length > 0) {
        const chunk = /** @type {Float32Array[]} */ (this.chunks[0]);
        const available = chunk[0].length - this.offset;
        const count = Math.min(available, wanted - written);
        left.set(chunk[0].subarray(this.offset, this.offset + count), written);
        right.set((chunk[1] ?? chunk[0]).subarray(this.offset, this.offset + count), written);
        written += count;
        this.offset += count;
        if (this.offset === chunk[0].length) {
          this.chunks.shift();
          this.offset = 0;
        }
      }
      this.queued -= written;
      this.played += written;
      if (written < wanted) {
        if (this.ended) {
          this.port.postMessage({ type: 'ended', frames: this.played, underruns: this.underruns });
          return false;
        }
        // Ran dry before the end: the rest of this quantum is silence, and a larger jitter buffer fills again.
        this.underruns += 1;
        this.startFrames = Math.min(2 * this.startFrames, 8 * START_FRAMES);
        this.buffering = true;
      }
    }
    if (++this.quanta % REPORT_EVERY === 0) {
      this.port.postMessage({ type: 'played', frames: this.played, contextTime: currentTime, underruns: this.underruns });
    }
    return true;
  }
}

class FirstSound extends AudioWorkletProcessor {
  constructor() {
    super();
    this.armed = false;
    this.port.onmessage = ({ data }) => {
      if (data.type === 'arm') this.armed = true;
    };
  }

  process(inputs, outputs) {
    const input = /** @type {Float32Array[]} */ (inputs[0]);
    const output = /** @type {Float32Array[]} */ (outputs[0]);
    for (let channel = 0; channel < output.length; channel++) {
      const from = input[channel] ?? input[0];
      if (from) output[channel]?.set(from);
    }
    if (this.armed && input.some((samples) => samples.some((sample) => Math.abs(sample) > SILENCE))) {
      this.armed = false;
      this.port.postMessage({ type: 'sound' });
    }
    return true;
  }
}

registerProcessor('partita-live', LivePlayer);
registerProcessor('partita-first-sound', FirstSound);
