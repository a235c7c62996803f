/**
 * The page's live audio in the real browser (Debian's Chromium, playwright-core) against the app in
 * this process: a piece being written plays through WebCodecs (live.opus, AudioDecoder, the worklet),
 * every frame the decoder gave is played, in order and with no underrun, and it is the piece's .ogg as
 * ffmpeg decodes it; Stop pauses it and Play resumes; without AudioDecoder the page plays live.webm
 * through <audio>. What the page did comes from its own first-sound hook (web/public/audioGraph.js).
 * No timings are judged here: benchmarks/clickToSound.ts measures them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP } from '../../synth/index.js';
import { align, compareAligned, monoOf } from '../helpers/alignment.js';
import { decodeWithFfmpeg, RATE } from '../helpers/audio.js';
import { SERVER_START_MS } from '../helpers/budgets.js';
import { temporaryFolder } from '../helpers/paths.js';
import { startTestApp, type TestApp } from './apiClient.js';
import { launchBrowser } from './helpers-e2e.js';

/** What the page's first-sound hook holds (web/public/audioGraph.js). */
interface SoundRecord {
  path: string;
  generateAt: number;
  firstSoundAt: number;
  packets: number;
  framesDecoded: number;
  framesPlayed: number;
  underruns: number;
  fallback: string;
}

/**
 * Before the page loads: the hook on, and a copy of every decoded chunk the page posts to its live
 * worklet (left and right, in order), which is what the worklet plays when it never runs dry.
 */
const RECORD_DECODED = `window.partitaMeasure = true;
window.decodedChunks = [];
const post = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (message, transfer) {
  if (message && message.type === 'audio') window.decodedChunks.push(message.channels.map((channel) => channel.slice()));
  return post.call(this, message, transfer);
};`;

const folder = temporaryFolder('web-e2e-live');
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startTestApp(join(folder, 'app'), { workers: 1, piecesPerWorker: 1, rendersPerWorker: 1 }),
    launchBrowser(),
  ]);
}, SERVER_START_MS);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const sound = (page: Page) => page.evaluate('window.partitaSound') as Promise<SoundRecord>;

async function generate(initScript: string, seconds: number): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(initScript);
  const page = await context.newPage();
  await page.goto(app.url);
  await page.locator('#instrument option[value="violin"]').waitFor({ state: 'attached' });
  await page.selectOption('#instrument', 'string-quartet');
  await page.fill('#seconds', String(seconds));
  await page.click('#generate');
  await page.waitForFunction('window.partitaSound.firstSoundAt > 0', undefined, { timeout: 30_000 });
  return page;
}

/** The decoded chunks the page recorded, interleaved as 16-bit PCM (as ffmpeg decodes to). */
async function decodedPcm(page: Page): Promise<Int16Array> {
  const base64 = (await page.evaluate(`(() => {
    const chunks = window.decodedChunks;
    const frames = chunks.reduce((sum, [left]) => sum + left.length, 0);
    const pcm = new Int16Array(2 * frames);
    let at = 0;
    for (const [left, right] of chunks)
      for (let frame = 0; frame < left.length; frame++, at += 2) {
        pcm[at] = Math.max(-32768, Math.min(32767, Math.round(left[frame] * 32768)));
        pcm[at + 1] = Math.max(-32768, Math.min(32767, Math.round(right[frame] * 32768)));
      }
    const bytes = new Uint8Array(pcm.buffer);
    let text = '';
    for (let start = 0; start < bytes.length; start += 0x8000) text += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
    return btoa(text);
  })()`)) as string;
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

describe('live audio in a real browser', () => {
  it("plays a piece being written through WebCodecs: every decoded frame, no underrun, the piece's .ogg", async () => {
    const page = await generate(RECORD_DECODED, 8);
    const started = await sound(page);
    expect(started).toMatchObject({ path: 'webcodecs', fallback: '' });
    expect(started.firstSoundAt).toBeGreaterThan(started.generateAt);
    expect(await page.locator('#play').textContent()).toBe('Stop');

    // Played to its end: the worklet's last report is every frame the decoder gave.
    await page.locator('#downloads').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction(
      `(() => { const s = window.partitaSound; return s.framesPlayed > 0 && s.framesPlayed === s.framesDecoded && document.querySelector('#play').textContent === 'Play'; })()`,
      undefined,
      { timeout: 30_000 },
    );
    const ended = await sound(page);
    expect(ended.underruns).toBe(0);
    expect(ended.framesDecoded).toBe(ended.packets * 960 - OPUS_PRE_SKIP);

    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    const ogg = join(folder, 'piece.ogg');
    writeFileSync(ogg, new Uint8Array(await (await fetch(`${app.url}/api/pieces/${id}.ogg`)).arrayBuffer()));
    const reference = decodeWithFfmpeg(ogg, 'libopus');
    const played = await decodedPcm(page);
    expect(played.length / 2).toBe(ended.framesDecoded);
    // The file ends where the piece does; the stream goes on to the end of the encoder's flush.
    expect(played.length).toBeGreaterThanOrEqual(reference.length);
    expect(played.length - reference.length).toBeLessThan(2 * 2 * 960);
    const { lagFrames } = align(monoOf(reference), monoOf(played.subarray(0, reference.length)), RATE / 10);
    expect(lagFrames).toBe(0);
    const compared = compareAligned(reference, played, 0, { rate: RATE, blockFrames: RATE / 10, quietRms: 0.003, window: 960 });
    console.log(`live WebCodecs against the .ogg: ${JSON.stringify(compared)}`);
    expect(compared.overlapFrames).toBe(reference.length / 2);
    // Two libopus decoders (Chromium's, ffmpeg's), so not bit-exact; a gap or a glitch would cost tens of dB.
    expect(compared.worstBlockSnrDb).toBeGreaterThan(40);

    // Played again, it is the file, through <audio>, from the start.
    await page.locator('#play').click();
    await page.waitForFunction(`(() => { const a = document.querySelector('#audio'); return a.currentTime > 0 && !a.paused; })()`);
    expect(await page.evaluate(`document.querySelector('#audio').src`)).toMatch(/\.ogg$/);
    await page.context().close();
  }, 120_000);

  it('Stop pauses the live stream where it is and Play goes on from there', async () => {
    const page = await generate('window.partitaMeasure = true;', 30);
    await page.waitForFunction('window.partitaSound.framesPlayed > 9600');
    await page.locator('#play').click();
    expect(await page.locator('#play').textContent()).toBe('Play');
    await page.waitForTimeout(200);
    const paused = (await sound(page)).framesPlayed;
    await page.waitForTimeout(400);
    expect((await sound(page)).framesPlayed).toBe(paused);
    // The piece finishes while paused (its file becomes the next source): Play still goes on from here.
    await page.waitForFunction(`document.querySelector('#status').textContent.startsWith('done')`, undefined, { timeout: 30_000 });
    expect((await sound(page)).framesPlayed).toBe(paused);
    await page.locator('#play').click();
    expect(await page.locator('#play').textContent()).toBe('Stop');
    await page.waitForFunction(`window.partitaSound.framesPlayed > ${paused + 4800}`);
    expect((await sound(page)).underruns).toBe(0);
    expect(await page.evaluate(`document.querySelector('#audio').getAttribute('src')`)).toBeNull();
    await page.context().close();
  }, 90_000);

  it('falls back to live.webm through <audio> where the browser has no AudioDecoder', async () => {
    const page = await generate('window.partitaMeasure = true; delete window.AudioDecoder;', 8);
    const record = await sound(page);
    expect(record.path).toBe('audio');
    expect(record.fallback).toMatch(/AudioDecoder/);
    expect(record.framesDecoded).toBe(0);
    expect(await page.evaluate(`document.querySelector('#audio').src`)).toMatch(/\/live\.webm$/);
    await page.waitForFunction(`(() => { const a = document.querySelector('#audio'); return a.currentTime > 0.2 && !a.paused; })()`);
    await page.context().close();
  }, 90_000);
});
