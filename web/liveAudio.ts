/**
 * A piece's audio while it is being written, as WebM/Opus that a browser's <audio> element plays
 * progressively: the studio's Opus packets (from the first, then live) wrapped in WebM as they come.
 * The piece was encoded once, by its compose worker; a listener costs only this wrapping.
 */
import { WebmOpusMuxer } from './webm.js';

/**
 * The WebM bytes of `packets` (batches of 20 ms Opus packets) as a web stream. Cancelling the stream
 * (the client left) stops reading `packets`, which tells the studio this listener is gone.
 */
export function liveWebm(packets: AsyncIterableIterator<readonly Uint8Array[]>): ReadableStream<Uint8Array> {
  const muxer = new WebmOpusMuxer();
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(muxer.header());
    },
    async pull(controller) {
      const next = await packets.next();
      // After the client left the controller is closed: what comes then goes nowhere.
      if (cancelled) return;
      if (next.done) controller.close();
      else controller.enqueue(muxer.blocks(next.value));
    },
    cancel() {
      cancelled = true;
      void packets.return?.();
    },
  });
}
