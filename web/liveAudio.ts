/**
 * A piece's audio while it is being written, as WebM/Opus that a browser's <audio> element plays
 * progressively: the studio's PCM (from the first chunk, then live) goes through ffmpeg, whose output
 * is the HTTP response. WebM rather than Ogg because Chromium starts a WebM stream of unknown length at
 * once; small clusters so that the first audio leaves ffmpeg within a fraction of a second.
 */
import { spawn } from 'node:child_process';
import { CHANNELS, SAMPLE_RATE } from '../synth/index.js';

const ARGUMENTS = [
  ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
  ...['-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', String(CHANNELS), '-i', 'pipe:0'],
  ...['-c:a', 'libopus', '-b:a', '96k', '-application', 'audio'],
  // A cluster every 100 ms at most, written as soon as it is complete.
  ...['-f', 'webm', '-live', '1', '-cluster_time_limit', '100', '-flush_packets', '1', 'pipe:1'],
];

/**
 * Starts encoding `pcm` and returns the WebM bytes as a web stream. Cancelling the stream (the client
 * left) kills ffmpeg and stops reading `pcm`, which tells the studio this listener is gone.
 */
export function liveWebm(pcm: AsyncIterableIterator<Int16Array>, ffmpeg = 'ffmpeg'): ReadableStream<Uint8Array> {
  const child = spawn(ffmpeg, ARGUMENTS, { stdio: ['pipe', 'pipe', 'ignore'] });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    void pcm.return?.();
    child.kill('SIGKILL');
  };
  child.on('error', stop);
  child.stdin.on('error', stop);
  (async () => {
    for await (const chunk of pcm) {
      if (stopped) return;
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (!child.stdin.write(bytes)) {
        await new Promise<void>((resolve) => {
          const resume = (): void => {
            child.stdin.off('drain', resume);
            child.stdin.off('close', resume);
            resolve();
          };
          child.stdin.on('drain', resume);
          child.stdin.on('close', resume);
        });
      }
    }
    child.stdin.end();
  })().catch(stop);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // After the client left (cancel) the controller is closed: ffmpeg's last bytes go nowhere.
      // Enqueueing then would throw outside any handler and take the whole server down.
      child.stdout.on('data', (data: Buffer) => {
        if (!stopped) controller.enqueue(new Uint8Array(data));
      });
      child.stdout.on('end', () => {
        if (stopped) return;
        stopped = true;
        controller.close();
      });
    },
    cancel: stop,
  });
}
