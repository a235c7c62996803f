/**
 * A worker thread that draws score images (Verovio + resvg): a PNG takes the thread about a
 * second, which must not stall a front door's event loop (HTTP, the Discord gateway, the voice
 * timer) nor a compose worker's pieces. Started by studio/scores.ts on the first image asked for.
 */
import { parentPort } from 'node:worker_threads';
import { firstSystemPng } from '../notation/engrave.js';

export interface EngraveRequest {
  id: number;
  xml: string;
}

export type EngraveReply = { id: number; png: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('engraveWorker.ts runs as a worker thread');
port.on('message', async (request: EngraveRequest) => {
  try {
    const png = await firstSystemPng(request.xml);
    port.postMessage({ id: request.id, png } satisfies EngraveReply);
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies EngraveReply);
  }
});
