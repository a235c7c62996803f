/**
 * The live packet stream (`GET /api/pieces/{id}/live.opus`, web/livePackets.ts) judged by others: a
 * reader written here from the framing's description takes the records apart, wraps the packets in
 * Ogg (synth/oggOpus.ts) and ffmpeg's own Opus decoder decodes them; that must be the piece's .ogg,
 * sample for sample, decoded by the same ffmpeg.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP, oggOpusFile, opusHead } from '../../synth/index.js';
import { frameRecords } from '../../web/livePackets.js';
import { decodeWithFfmpeg } from '../helpers/audio.js';
import { temporaryFolder } from '../helpers/paths.js';
import { postJson, readEvents, type SseEvent, startTestApp, type TestApp } from './apiClient.js';

const folder = temporaryFolder('web-live-packets');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(join(folder, 'app'), { workers: 1, piecesPerWorker: 1, rendersPerWorker: 1 });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

/** Splits a body into its records: a 2-byte big-endian length, then that many bytes; nothing left over. */
function records(body: Uint8Array): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + 2 > body.length) throw new Error(`a record's length is cut off at byte ${at}`);
    const length = ((body[at] as number) << 8) | (body[at + 1] as number);
    if (at + 2 + length > body.length) throw new Error(`the record at byte ${at} runs past the end`);
    found.push(body.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return found;
}

describe('the live packet stream', () => {
  it('frames records the same however they are batched', () => {
    const payloads = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array(1275).fill(9)];
    const whole = frameRecords(payloads);
    const batched = Buffer.concat([
      frameRecords(payloads.slice(0, 1)),
      frameRecords(payloads.slice(1, 3)),
      frameRecords(payloads.slice(3)),
    ]);
    expect(Buffer.from(whole).equals(batched)).toBe(true);
    expect(records(whole).map((record) => Buffer.from(record))).toEqual(payloads.map((payload) => Buffer.from(payload)));
    expect(() => frameRecords([new Uint8Array(65_536)])).toThrow(RangeError);
  });

  it("carries the OpusHead, then every packet of the piece: decoded by ffmpeg, the piece's .ogg sample for sample", async () => {
    const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'string-quartet', seconds: 8, seed: 3 });
    expect(posted.status).toBe(202);
    const id = posted.json.id as string;
    expect((posted.json.links as Record<string, string>).livePackets).toBe(`/api/pieces/${id}/live.opus`);
    const live = await fetch(`${app.url}/api/pieces/${id}/live.opus`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/x-partita-opus');
    const [head, ...packets] = records(new Uint8Array(await live.arrayBuffer()));
    expect(Buffer.from(head as Uint8Array).equals(Buffer.from(opusHead()))).toBe(true);
    expect(Buffer.from(head as Uint8Array).readUInt16LE(10)).toBe(OPUS_PRE_SKIP);

    const events = await readEvents(`${app.url}/api/pieces/${id}/events`);
    expect(events.at(-1)?.event).toBe('done');
    const { seconds } = (events.at(-1) as SseEvent).data as { seconds: number };
    // 20 ms packets for the whole piece, and the encoder's flush.
    expect(packets.length).toBe(Math.ceil((seconds * 48_000) / 960) + 1);

    const received = join(folder, 'received.ogg');
    writeFileSync(received, oggOpusFile(packets, packets.length * 960 - OPUS_PRE_SKIP));
    const file = join(folder, 'piece.ogg');
    writeFileSync(file, new Uint8Array(await (await fetch(`${app.url}/api/pieces/${id}.ogg`)).arrayBuffer()));
    const heard = decodeWithFfmpeg(received, 'opus');
    const original = decodeWithFfmpeg(file, 'opus');
    expect(original.length / 2).toBeGreaterThan(seconds * 48_000 - 960);
    // The received packets decode to at least the piece (the flush's tail beyond it) and, where both have audio, to the same samples.
    expect(heard.length).toBeGreaterThanOrEqual(original.length);
    expect(Buffer.from(heard.buffer, 0, original.byteLength).equals(Buffer.from(original.buffer))).toBe(true);

    // Once done, the live stream is gone: 404 with the file to fetch instead.
    const after = await fetch(`${app.url}/api/pieces/${id}/live.opus`);
    expect(after.status).toBe(404);
    expect(((await after.json()) as { links: { file: string } }).links.file).toBe(`/api/pieces/${id}.ogg`);
  }, 120_000);
});
