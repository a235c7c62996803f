/**
 * A piece's audio while it is being written, as its raw Opus packets for a page that decodes them
 * itself (WebCodecs' AudioDecoder): no container for the browser to buffer and probe before it plays.
 *
 * Framing (`application/x-partita-opus`): records of a 2-byte big-endian length, then that many bytes.
 * The first record is the stream's OpusHead (RFC 7845 5.1: stereo, 48 kHz, its pre-skip of 312 samples,
 * which the page drops); every other record is one 20 ms Opus packet, in order from the piece's first.
 * The stream ends when the piece does (the last packet is the encoder's flush; the piece's .ogg says
 * where its audio ends).
 *
 * A plain chunked response rather than the events' SSE (text: base64 would add a third to each packet,
 * and the packets would queue behind the notes) or a WebSocket (two-way, for a one-way stream): a
 * fetch() reader gets each batch as it is written, 2 bytes of framing a packet.
 */
import { opusHead } from '../synth/index.js';

/** A record's length field: two bytes, so at most 65,535 bytes (a 20 ms Opus packet is at most 1,275). */
const LENGTH_BYTES = 2;

/** `payloads` as length-prefixed records, in one buffer. */
export function frameRecords(payloads: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(payloads.reduce((sum, payload) => sum + LENGTH_BYTES + payload.length, 0));
  let at = 0;
  for (const payload of payloads) {
    if (payload.length > 0xffff) throw new RangeError(`an Opus packet of ${payload.length} bytes does not fit a record`);
    out[at] = payload.length >> 8;
    out[at + 1] = payload.length & 0xff;
    out.set(payload, at + LENGTH_BYTES);
    at += LENGTH_BYTES + payload.length;
  }
  return out;
}

/**
 * The stream of `packets` (batches of 20 ms Opus packets) as a web stream: the OpusHead, then each
 * batch as it comes. Cancelling it (the client left) stops reading `packets`, which tells the studio
 * this listener is gone.
 */
export function livePackets(packets: AsyncIterableIterator<readonly Uint8Array[]>): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(frameRecords([opusHead()]));
    },
    async pull(controller) {
      const next = await packets.next();
      // After the client left the controller is closed: what comes then goes nowhere.
      if (cancelled) return;
      if (next.done) controller.close();
      else controller.enqueue(frameRecords(next.value));
    },
    cancel() {
      cancelled = true;
      void packets.return?.();
    },
  });
}
