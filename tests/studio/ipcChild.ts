/**
 * A front door in a child process for tests/studio/ipcStudio.test.ts: the IPC client to its parent's
 * studio, driven by the parent's `{ test: ... }` messages (untagged: the client ignores them, as it does
 * discord.js's), each answered `{ report }`.
 */
import { existsSync } from 'node:fs';
import { isFinalEvent, parentProcessChannel, studioClient } from '../../studio/index.js';

const studio = studioClient(parentProcessChannel());
const report = (value: unknown): void => void process.send?.({ report: value });

async function composeThrough(): Promise<unknown> {
  const submitted = await studio.submit({ fields: { instrument: 'violin', seconds: 5, seed: 7 } }, 'discord');
  if (!submitted.ok) return { error: submitted.error };
  const { id } = submitted.piece;
  const opus = await studio.subscribeOpus(id);
  const events = await studio.subscribe(id);
  const types: string[] = [];
  let final: unknown;
  for await (const event of events ?? []) {
    types.push(event.type);
    if (isFinalEvent(event)) final = event;
  }
  let packets = 0;
  let bytes = 0;
  let allBytes = true;
  for await (const batch of opus ?? []) {
    packets += batch.length;
    for (const packet of batch) {
      bytes += packet.byteLength;
      allBytes &&= packet instanceof Uint8Array && packet.byteLength > 0;
    }
  }
  const piece = await studio.get(id);
  const musicXml = await studio.score(id, 'musicxml');
  const mid = piece && (await studio.localFile(piece, 'mid'));
  return {
    id,
    types,
    final,
    opus: { packets, bytes, allBytes },
    status: piece?.status,
    musicXml: musicXml.ok ? musicXml.bytes.toString('utf8', 0, 200) : musicXml,
    midExists: mid ? existsSync(mid) : false,
    unknown: {
      get: await studio.get('AAAAAAAAAAAA'),
      cancel: await studio.cancel('AAAAAAAAAAAA'),
      subscribe: await studio.subscribe('AAAAAAAAAAAA'),
    },
    invalid: await studio.submit({ fields: { instrument: 'kazoo' } }, 'discord'),
    health: await studio.health(),
  };
}

/** Submits a long piece and listens to it, then waits (the parent kills this process). */
async function listenAndWait(): Promise<unknown> {
  const submitted = await studio.submit({ fields: { instrument: 'piano', seconds: 300 } }, 'discord');
  if (!submitted.ok) return { error: submitted.error };
  const events = await studio.subscribe(submitted.piece.id);
  const opus = await studio.subscribeOpus(submitted.piece.id);
  const first = await events?.next();
  return { id: submitted.piece.id, first: first?.value?.type, opus: opus !== undefined };
}

process.on('message', (message: { test?: string }) => {
  if (message.test === 'compose') void composeThrough().then(report, (error: Error) => report({ thrown: error.message }));
  if (message.test === 'listen') void listenAndWait().then(report, (error: Error) => report({ thrown: error.message }));
  if (message.test === 'close') void studio.close().then(() => process.disconnect());
});
