/** The real app in-process on loopback (studio + Hono server) and a small client for its API, for the API and load tests. */
import { spawnSync } from 'node:child_process';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { createStudio, type Studio, type StudioOptions } from '../../studio/index.js';
import { startWebServer } from '../../web/server.js';

export interface TestApp {
  url: string;
  studio: Studio;
  stop(): Promise<void>;
}

export async function startTestApp(dataFolder: string, options: Partial<StudioOptions> = {}): Promise<TestApp> {
  const studio = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder, ...options });
  const server = await startWebServer({ studio, port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    studio,
    stop: async () => {
      await server.close();
      await studio.close();
    },
  };
}

export interface SseEvent {
  event: string;
  data: unknown;
  /** Milliseconds since readEvents was called. */
  at: number;
}

/**
 * Reads a Server-Sent Events stream until `done` or `failed` (or `stopAfter` says so, which then
 * disconnects), parsing each event's JSON data.
 */
export async function readEvents(url: string, stopAfter: (event: SseEvent) => boolean = () => false): Promise<SseEvent[]> {
  const started = performance.now();
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  for (;;) {
    const { value: bytes, done } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(bytes, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // As the SSE spec reads a block: lines starting with ':' are comments (the server's
      // keep-alive), and a block without data lines dispatches nothing.
      const lines = block.split('\n').filter((line) => !line.startsWith(':'));
      const dataLines = lines.filter((line) => line.startsWith('data:'));
      if (dataLines.length === 0) continue;
      const name =
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() || 'message';
      const data = dataLines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
      const event = { event: name, data: JSON.parse(data) as unknown, at: performance.now() - started };
      events.push(event);
      if (event.event === 'done' || event.event === 'failed' || stopAfter(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

/** Seconds of audio in a file, decoded by ffmpeg (its own WAV, Opus and MP3 decoders) to 48 kHz stereo s16. */
export function decodedSeconds(path: string): number {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', path, '-f', 's16le', '-ac', '2', '-ar', '48000', '-'], {
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${run.stderr.toString()}`);
  return run.stdout.byteLength / 4 / 48_000;
}

/** The nearest-rank percentile of `values`. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}
