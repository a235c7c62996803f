/**
 * Many listeners of one piece, one encoding: the real studio and server on loopback, 16 clients of
 * one piece's live audio (half from the start, half once it is under way, who get the replay first). Every ffmpeg the app
 * starts is the real one, run through a wrapper on PATH that logs its arguments: the piece's .mp3 is
 * its only work, whatever the number of listeners. Each listener gets the same bytes, which
 * ffmpeg decodes to the piece's own WAV, and to its .ogg sample for sample.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { align, compareAligned, monoOf } from '../helpers/alignment.js';
import { decodeWithFfmpeg, RATE } from '../helpers/audio.js';
import { temporaryFolder } from '../helpers/paths.js';
import { postJson, readEvents, startTestApp, type TestApp } from './apiClient.js';

const LISTENERS = 16;
const folder = temporaryFolder('web-listeners');
const ffmpegLog = join(folder, 'ffmpeg-calls.log');
let app: TestApp;

/** A folder whose `ffmpeg` logs each call's arguments, then runs the real ffmpeg. */
function loggingFfmpeg(): string {
  const real = spawnSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(folder, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'ffmpeg'), `#!/bin/sh\necho "$*" >> '${ffmpegLog}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, 'ffmpeg'), 0o755);
  return bin;
}

beforeAll(async () => {
  const path = process.env.PATH;
  // Worker threads copy the environment when they start: the studio's workers see this PATH.
  process.env.PATH = `${loggingFfmpeg()}:${path}`;
  try {
    app = await startTestApp(join(folder, 'app'), { workers: 1, piecesPerWorker: 1, rendersPerWorker: 1 });
  } finally {
    process.env.PATH = path;
  }
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function listen(id: string): Promise<Buffer> {
  const response = await fetch(`${app.url}/api/pieces/${id}/live.webm`, { redirect: 'manual' });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('audio/webm');
  return Buffer.from(await response.arrayBuffer());
}

it(`serves ${LISTENERS} listeners of one piece from its one encoding: no encoder per listener, the same bytes for each`, async () => {
  const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'piano', composer: 'mozart', seconds: 30, seed: 4 });
  const id = posted.json.id as string;
  const early = Array.from({ length: LISTENERS / 2 }, () => listen(id));
  // The rest come once the piece is under way, and get what was rendered so far first.
  await readEvents(`${app.url}/api/pieces/${id}/events`, (event) => event.event === 'notes');
  const late = Array.from({ length: LISTENERS / 2 }, () => listen(id));
  const bodies = await Promise.all([...early, ...late]);
  const done = await readEvents(`${app.url}/api/pieces/${id}/events`);
  expect(done.at(-1)?.event).toBe('done');

  for (const body of bodies) expect(body.equals(bodies[0] as Buffer)).toBe(true);
  const calls = existsSync(ffmpegLog) ? readFileSync(ffmpegLog, 'utf8').trim().split('\n') : [];
  console.log(
    `listeners: ${bodies.length} of ${(bodies[0] as Buffer).length} bytes each; ffmpeg started ${calls.length} times:\n${calls.join('\n')}`,
  );
  // The .mp3 the worker writes at the end (its .ogg is the listeners' packets); nothing for the listeners.
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatch(/-f mp3/);

  const path = join(folder, 'live.webm');
  writeFileSync(path, bodies[0] as Buffer);
  const heard = decodeWithFfmpeg(path);
  const piece = await app.studio.get(id);
  const wav = decodeWithFfmpeg((piece && (await app.studio.localFile(piece, 'wav'))) ?? 'no WAV');
  const { lagFrames } = align(monoOf(wav), monoOf(heard), RATE / 10);
  const compared = compareAligned(wav, heard, lagFrames, { rate: RATE, blockFrames: RATE, quietRms: 0.003, window: 960 });
  console.log(`listeners: live audio against the WAV: lag ${lagFrames} frames, SNR ${compared.snrDb.toFixed(1)} dB`);
  expect(lagFrames).toBe(0);
  expect(compared.snrDb).toBeGreaterThan(15);
  // The piece's .ogg holds the very packets the listeners got: decoded, it is what they heard, sample for sample.
  const ogg = decodeWithFfmpeg((piece && (await app.studio.localFile(piece, 'ogg'))) ?? 'no Ogg');
  expect(ogg.length).toBe(wav.length);
  expect(Buffer.from(ogg.buffer).equals(Buffer.from(heard.buffer, 0, ogg.byteLength))).toBe(true);
}, 180_000);
