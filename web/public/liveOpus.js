// A piece's live audio decoded in the page: the raw Opus packets of live.opus (a 2-byte big-endian length
// before each record; the first record is the OpusHead), WebCodecs' AudioDecoder, and the 'partita-live'
// worklet (liveWorklet.js), which starts once 80 ms are decoded. No container for the browser to buffer
// and probe first, which is most of what <audio> on live.webm waits for. Packets are decoded about
// AHEAD_FRAMES ahead of the playhead, not all at once: a 5-minute piece arrives in seconds, and its
// packets are 30 times smaller than its PCM.

import { audioGraph, RATE, resumeAudio, sound } from './audioGraph.js';

const CONFIG = { codec: 'opus', sampleRate: RATE, numberOfChannels: 2 };
/** 20 ms packets. */
const PACKET_FRAMES = 960;
/** Decode up to 2 s ahead of what has been played. */
const AHEAD_FRAMES = 2 * RATE;

/**
 * @typedef {{
 *   playing: () => void,
 *   paused: () => void,
 *   ended: () => void,
 *   blocked: () => void,
 *   failed: (error: Error, heard: boolean) => void,
 * }} LiveListeners
 */

export class LiveOpus {
  /** @param {string} url @param {LiveListeners} listeners */
  constructor(url, listeners) {
    this.url = url;
    this.listeners = listeners;
    this.abort = new AbortController();
    /** @type {Uint8Array[]} */
    this.packets = [];
    this.nextPacket = 0;
    this.decoding = 0;
    this.received = false;
    this.flushed = false;
    this.preSkip = 0;
    this.posted = 0;
    this.played = 0;
    this.lastReport = { frames: 0, contextTime: 0 };
    this.started = false;
    this.paused = true;
    this.ended = false;
    this.closed = false;
    /** @type {AudioWorkletNode | undefined} */
    this.node = undefined;
    /** @type {[{type: string}, Transferable[]][]} what waits for the worklet */
    this.outbox = [];
    /** @type {AudioDecoder | undefined} */
    this.decoder = undefined;
    this.context = audioGraph().context;
  }

  /** Starts fetching and decoding at once; plays when `autoplay`, else waits for play(). @param {boolean} autoplay */
  start(autoplay) {
    this.paused = !autoplay;
    const response = fetch(this.url, { signal: this.abort.signal, cache: 'no-store' });
    this.run(response).catch((/** @type {Error} */ error) => this.fail(error));
  }

  /** @param {Promise<Response>} responding */
  async run(responding) {
    const supported = await AudioDecoder.isConfigSupported(CONFIG);
    if (!supported.supported) throw new Error('this browser has no Opus AudioDecoder');
    this.decoder = new AudioDecoder({ output: (data) => this.decoded(data), error: (error) => this.fail(error) });
    this.decoder.configure(CONFIG);
    // The worklet may still be loading: packets are read and decoded meanwhile, and wait in the outbox.
    this.connect().catch((/** @type {Error} */ error) => this.fail(error));
    const response = await responding;
    if (!response.ok || !response.body) throw new Error(`the live packets answered ${response.status}`);
    await this.read(response.body.getReader());
  }

  async connect() {
    const output = await audioGraph().output;
    sound.graphReadyAt ||= performance.now();
    if (this.closed) return;
    const node = new AudioWorkletNode(this.context, 'partita-live', { numberOfInputs: 0, outputChannelCount: [2] });
    node.port.onmessage = ({ data }) => this.report(data);
    if (this.paused) node.port.postMessage({ type: 'pause' });
    for (const [message, transfer] of this.outbox) node.port.postMessage(message, transfer);
    this.outbox = [];
    node.connect(output);
    this.node = node;
    if (!this.paused) this.resumeContext();
  }

  /** To the worklet, or to the outbox until it is there. @param {{type: string}} message @param {Transferable[]} [transfer] */
  send(message, transfer = []) {
    if (this.node) this.node.port.postMessage(message, transfer);
    else this.outbox.push([message, transfer]);
  }

  /** @param {ReadableStreamDefaultReader<Uint8Array>} reader */
  async read(reader) {
    let pending = new Uint8Array(0);
    let head = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (this.closed) return;
      if (done) break;
      const bytes = pending.length ? concat(pending, value) : value;
      let at = 0;
      while (at + 2 <= bytes.length) {
        const length = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
        if (at + 2 + length > bytes.length) break;
        const record = bytes.slice(at + 2, at + 2 + length);
        at += 2 + length;
        if (head) {
          // OpusHead (RFC 7845 5.1): the encoder's look-ahead, decoded samples that come before the piece.
          if (new TextDecoder().decode(record.subarray(0, 8)) !== 'OpusHead') throw new Error('the live packets have no OpusHead');
          this.preSkip = (record[10] ?? 0) | ((record[11] ?? 0) << 8);
          head = false;
        } else {
          if (!sound.firstPacketAt && this.packets.length === 0) sound.firstPacketAt = performance.now();
          this.packets.push(record);
        }
      }
      pending = bytes.slice(at);
      sound.packets = this.packets.length;
      this.pump();
    }
    if (pending.length) throw new Error('the live packets ended inside a record');
    this.received = true;
    this.pump();
  }

  /** Decodes while less than AHEAD_FRAMES wait to be played; at the end, flushes and tells the worklet. */
  pump() {
    const decoder = this.decoder;
    if (decoder?.state !== 'configured' || this.closed) return;
    while (this.nextPacket < this.packets.length && this.posted + this.decoding * PACKET_FRAMES - this.played < AHEAD_FRAMES) {
      const index = this.nextPacket++;
      const data = /** @type {Uint8Array} */ (this.packets[index]);
      // Decoded, a packet is not needed again: drop it so a long piece does not stay in memory twice.
      this.packets[index] = new Uint8Array(0);
      this.decoding += 1;
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: index * 20_000, duration: 20_000, data }));
    }
    if (this.received && !this.flushed && this.nextPacket === this.packets.length) {
      this.flushed = true;
      decoder
        .flush()
        .then(() => this.send({ type: 'end' }))
        .catch((/** @type {Error} */ error) => this.fail(error));
    }
  }

  /** @param {AudioData} data */
  decoded(data) {
    this.decoding -= 1;
    if (this.closed) {
      data.close();
      return;
    }
    const skip = Math.min(this.preSkip, data.numberOfFrames);
    this.preSkip -= skip;
    const frames = data.numberOfFrames - skip;
    const channels = [];
    for (let plane = 0; plane < 2; plane++) {
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: Math.min(plane, data.numberOfChannels - 1), format: 'f32-planar' });
      channels.push(skip ? samples.slice(skip) : samples);
    }
    data.close();
    sound.framesDecoded += frames;
    if (frames > 0) {
      this.posted += frames;
      this.send(
        { type: 'audio', channels },
        channels.map((channel) => channel.buffer),
      );
    }
    this.pump();
  }

  /** @param {{type: string, frames: number, contextTime?: number, underruns?: number}} message */
  report(message) {
    if (this.closed) return;
    this.played = message.frames;
    sound.framesPlayed = message.frames;
    sound.underruns = message.underruns ?? sound.underruns;
    if (message.contextTime !== undefined) this.lastReport = { frames: message.frames, contextTime: message.contextTime };
    if (message.type === 'started' && !this.started) {
      this.started = true;
      sound.bufferedAt = performance.now();
      if (!this.paused) this.listeners.playing();
    } else if (message.type === 'ended') {
      this.ended = true;
      this.listeners.ended();
      this.close();
      return;
    }
    this.pump();
  }

  get playing() {
    return !this.paused && !this.ended && !this.closed;
  }

  /** Seconds played, between the worklet's reports by the audio clock. */
  get currentTime() {
    const since = this.playing && this.started ? Math.max(0, this.context.currentTime - this.lastReport.contextTime) : 0;
    return Math.min(this.posted, this.lastReport.frames + since * RATE) / RATE;
  }

  play() {
    if (this.ended || this.closed) return;
    this.paused = false;
    this.node?.port.postMessage({ type: 'play' });
    this.resumeContext();
    if (this.started) this.listeners.playing();
  }

  pause() {
    if (this.paused) return;
    this.paused = true;
    this.node?.port.postMessage({ type: 'pause' });
    this.lastReport = { frames: this.played, contextTime: this.context.currentTime };
    this.listeners.paused();
  }

  resumeContext() {
    if (this.context.state === 'running') return;
    // Without a gesture (a shared link) the browser may keep it suspended: then Play, pressed, resumes it.
    resumeAudio();
    setTimeout(() => {
      if (this.context.state !== 'running' && this.playing) this.listeners.blocked();
    }, 300);
  }

  /** @param {Error} error */
  fail(error) {
    if (this.closed) return;
    const heard = this.started && this.played > 0;
    this.close();
    this.listeners.failed(error, heard);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    if (this.node) {
      this.node.port.postMessage({ type: 'close' });
      this.node.disconnect();
    }
  }
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function concat(a, b) {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
