/**
 * Our PCM to Opus packets, once per piece: 20 ms frames of 48 kHz stereo through libopus, by
 * @discordjs/opus (the binding @discordjs/voice itself encodes with), so the packets a piece is
 * encoded into can go to Discord as they are and into WebM for the browser without encoding again.
 */
import opus from '@discordjs/opus';
import { CHANNELS, FRAME_QUANTUM, SAMPLE_RATE } from './pcm.js';

/** What the ffmpeg path used for the web (`-b:a 96k`) and about what libopus picks on its own for Discord. */
export const OPUS_BITRATE = 96_000;
export const OPUS_FRAME_MS = (1000 * FRAME_QUANTUM) / SAMPLE_RATE;
/**
 * libopus's look-ahead in the "audio" application at 48 kHz, 2.5 + 4 ms: the first 312 decoded samples
 * come before the piece's first one. Containers carry it (OpusHead's pre-skip, WebM's CodecDelay) so
 * players drop them; RTP has no such field, and Discord hears them (tests/bot/voice.test.ts: lag 312).
 */
export const OPUS_PRE_SKIP = 312;

/** One stream's encoder: it keeps state from frame to frame, so a piece has one from its first frame to its last. */
export class OpusFrameEncoder {
  private readonly encoder = new opus.OpusEncoder(SAMPLE_RATE, CHANNELS);

  constructor() {
    this.encoder.setBitrate(OPUS_BITRATE);
  }

  /**
   * The packets of a chunk of interleaved stereo PCM (a whole number of 20 ms frames, as the synth renders),
   * one per frame, as views onto one fresh buffer (posted to another thread, the batch is one copy of it).
   */
  /**
   * One frame of silence: it carries out the input's last OPUS_PRE_SKIP samples, still in the encoder's
   * look-ahead, so the packets hold every sample of the stream (a container's end trim drops the rest).
   */
  flush(): Uint8Array[] {
    return this.encode(new Int16Array(FRAME_QUANTUM * CHANNELS));
  }

  encode(chunk: Int16Array): Uint8Array[] {
    const frameSamples = FRAME_QUANTUM * CHANNELS;
    if (chunk.length % frameSamples !== 0) throw new RangeError(`PCM chunks must hold whole 20 ms frames, got ${chunk.length} samples`);
    const encoded: Buffer[] = [];
    for (let start = 0; start < chunk.length; start += frameSamples) {
      const frame = chunk.subarray(start, start + frameSamples);
      encoded.push(this.encoder.encode(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)));
    }
    const whole = new Uint8Array(encoded.reduce((sum, packet) => sum + packet.length, 0));
    let offset = 0;
    return encoded.map((packet) => {
      whole.set(packet, offset);
      offset += packet.length;
      return whole.subarray(offset - packet.length, offset);
    });
  }
}

/** The Opus identification header (RFC 7845 5.1) of our streams: what WebM carries as the track's CodecPrivate. */
export function opusHead(): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1; // version
  head[9] = CHANNELS;
  head.writeUInt16LE(OPUS_PRE_SKIP, 10);
  head.writeUInt32LE(SAMPLE_RATE, 12); // the input's rate, for information
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo
  return head;
}
