/**
 * Click to sound in the web player: the real studio (embedded, the shipped model) and web server in
 * this process, Debian's Chromium headless (playwright-core, `--autoplay-policy=no-user-gesture-required`),
 * a fresh page for each piece, Generate clicked, and the time from the click to the first audible sample.
 * The page times itself (web/public/audioGraph.js, its first-sound hook, on with `window.partitaMeasure`):
 * `generateAt` at the click, `firstSoundAt` when the first sample over -80 dBFS reaches the output,
 * through the same tap whichever path played it. The <audio> path (live.webm) is what a browser without
 * WebCodecs gets, forced here by deleting `window.AudioDecoder` before the page loads. Paths alternate
 * piece by piece, so that both see the same machine, and piece i has seed i on both (the same music);
 * each piece is done before the next click. Per run: click to the first audible sample
 * (clickToSoundMs), less the piece's opening rest, which no player can shorten (clickToPieceStartMs:
 * when the piece's first note reached the output); to the POST's answer; on the WebCodecs path to the
 * first packet and to the worklet's 80 ms; on the <audio> path to its clock's start, as
 * tests/web/e2e.test.ts reads it. `--tap off` leaves <audio> out of Web Audio (no tap, only its clock):
 * the page exactly as a listener without WebCodecs has it, to check that the tap changes nothing.
 *
 *     npx tsx benchmarks/clickToSound.ts [--path webcodecs|audio|both] [--pieces 10] [--seconds 10]
 *       [--instrument violin] [--tap on|off] [--note 'what else ran'] [--out benchmarks/results/click-to-sound-<date>.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { median } from '../model/arrays.js';
import { createStudio } from '../studio/index.js';
import { readMidiNotes } from '../synth/index.js';
import { launchBrowser } from '../tests/web/helpers-e2e.js';
import { startWebServer } from '../web/server.js';

type Path = 'webcodecs' | 'audio';

const { values } = parseArgs({
  options: {
    path: { type: 'string', default: 'both' },
    pieces: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    instrument: { type: 'string', default: 'violin' },
    tap: { type: 'string', default: 'on' },
    /** What else ran on the machine, for the results (the load averages are measured). */
    note: { type: 'string' },
    out: { type: 'string' },
  },
});
const paths: Path[] = values.path === 'both' ? ['webcodecs', 'audio'] : [values.path as Path];
if (!paths.every((path) => path === 'webcodecs' || path === 'audio')) throw new Error('--path is webcodecs, audio or both');
const pieces = Number(values.pieces);
/** `--tap off`: no first-sound tap, so <audio> plays as it does for everyone; timed by its clock alone. */
const tap = values.tap !== 'off';

/**
 * Beside the tap, the <audio> element's own clock, as tests/web/e2e.test.ts times it: at the first
 * timeupdate with the clock moving, now less the clock's reading is when it started.
 */
const AUDIO_CLOCK_PROBE = `document.addEventListener('timeupdate', (event) => {
  const audio = event.target;
  const sound = window.partitaSound;
  if (sound && sound.generateAt && !window.audioClockAt && audio.currentTime > 0 && !audio.paused)
    window.audioClockAt = performance.now() - audio.currentTime * 1000;
}, true);`;

/** What the page's first-sound hook holds (web/public/audioGraph.js). */
interface SoundRecord {
  path: string;
  generateAt: number;
  answeredAt: number;
  firstSoundAt: number;
  firstPacketAt: number;
  graphReadyAt: number;
  bufferedAt: number;
  packets: number;
  framesDecoded: number;
  underruns: number;
  fallback: string;
}

interface Run {
  path: Path;
  played: string;
  /** The first audible sample at the output (the tap); absent with --tap off. */
  clickToSoundMs?: number;
  /** The piece's first sample at the output: clickToSoundMs less the piece's opening rest (firstNoteSeconds), which no player can shorten. */
  clickToPieceStartMs?: number;
  /** The <audio> element's clock started (its path only). */
  clickToAudioClockMs?: number;
  /** The server had taken the piece (POST /api/pieces answered). */
  clickToAnsweredMs: number;
  /** The live stream's request started, and its response's first byte (Resource Timing). */
  clickToLiveRequestMs?: number;
  clickToLiveResponseMs?: number;
  clickToFirstPacketMs?: number;
  /** The AudioContext and its worklets were ready (made at the click, or before). */
  clickToGraphReadyMs?: number;
  clickToBufferedMs?: number;
  /** Where the piece's first note starts: sound before it is the synth's silence. */
  firstNoteSeconds: number;
  underruns?: number;
  fallback?: string;
}

/** The p-th quantile, nearest rank. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/** Where the piece's first note starts, from its MIDI file. */
async function firstNoteSeconds(pageUrl: string): Promise<number> {
  const id = decodeURIComponent(new URL(pageUrl).pathname.split('/').at(-1) ?? '');
  const record = await studio.get(id);
  const midi = record && (await studio.localFile(record, 'mid'));
  if (!midi) return Number.NaN;
  const notes = await readMidiNotes(midi);
  return Number(Math.min(...notes.map((note) => note.startSeconds)).toFixed(3));
}

async function onePiece(browser: Browser, url: string, path: Path, seed: number): Promise<Run> {
  const context = await browser.newContext();
  await context.addInitScript(
    `window.partitaMeasure = ${tap};${path === 'audio' ? ' delete window.AudioDecoder;' : ''}\n${AUDIO_CLOCK_PROBE}`,
  );
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.locator('#instrument option[value="violin"]').waitFor({ state: 'attached' });
    await page.selectOption('#instrument', values.instrument as string);
    await page.fill('#seconds', values.seconds as string);
    // The same pieces on both paths: piece i has seed i.
    await page.fill('#seed', String(seed));
    await page.click('#generate');
    const started = tap ? 'window.partitaSound.firstSoundAt > 0' : 'window.audioClockAt > 0 || window.partitaSound.bufferedAt > 0';
    await page.waitForFunction(started, undefined, { timeout: 30_000 });
    // The <audio> clock is read at a timeupdate (every 250 ms or so): give it one.
    if (path === 'audio') await page.waitForFunction('window.audioClockAt > 0', undefined, { timeout: 30_000 });
    const sound = (await page.evaluate('window.partitaSound')) as SoundRecord;
    const audioClockAt = (await page.evaluate('window.audioClockAt || 0')) as number;
    const since = (at: number) => Math.round(at - sound.generateAt);
    // Done before the next click: one piece at a time on the studio.
    await page.locator('#downloads').waitFor({ state: 'visible', timeout: 60_000 });
    const first = await firstNoteSeconds(page.url());
    // The live request's own timing, once it has ended (Resource Timing lists a stream when it is done).
    const live = (await page.evaluate(
      `(performance.getEntriesByType('resource').find((entry) => /\\/live\\.(opus|webm)$/.test(entry.name)) || {}).toJSON?.() || {}`,
    )) as { startTime?: number; responseStart?: number };
    return {
      path,
      played: sound.path,
      ...(sound.firstSoundAt ? { clickToSoundMs: since(sound.firstSoundAt) } : {}),
      ...(sound.firstSoundAt ? { clickToPieceStartMs: Math.round(since(sound.firstSoundAt) - 1000 * first) } : {}),
      ...(audioClockAt ? { clickToAudioClockMs: since(audioClockAt) } : {}),
      clickToAnsweredMs: since(sound.answeredAt),
      ...(live.startTime ? { clickToLiveRequestMs: since(live.startTime) } : {}),
      ...(live.responseStart ? { clickToLiveResponseMs: since(live.responseStart) } : {}),
      ...(sound.firstPacketAt ? { clickToFirstPacketMs: since(sound.firstPacketAt) } : {}),
      ...(sound.graphReadyAt ? { clickToGraphReadyMs: since(sound.graphReadyAt) } : {}),
      ...(sound.bufferedAt ? { clickToBufferedMs: since(sound.bufferedAt) } : {}),
      firstNoteSeconds: first,
      // The worklet ran dry (WebCodecs path), counted until the piece was done.
      ...(sound.path === 'webcodecs' ? { underruns: ((await page.evaluate('window.partitaSound.underruns')) as number) ?? 0 } : {}),
      ...(sound.fallback ? { fallback: sound.fallback } : {}),
    };
  } finally {
    await context.close();
  }
}

const loadBefore = loadavg().map((load) => Number(load.toFixed(2)));
const dataFolder = mkdtempSync(join(tmpdir(), 'partita-bench-click-'));
const studio = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder });
const server = await startWebServer({ studio, port: 0, host: '127.0.0.1' });
const browser = await launchBrowser();
try {
  const runs: Run[] = [];
  // One unmeasured piece per path first: the model's and the browser's first use.
  for (const path of paths) await onePiece(browser, server.url, path, 0);
  for (let piece = 0; piece < pieces; piece++) {
    for (const path of paths) {
      const run = await onePiece(browser, server.url, path, piece + 1);
      runs.push(run);
      process.stderr.write(`${piece + 1}/${pieces} ${path}: ${JSON.stringify(run)}\n`);
    }
  }
  /** Median, p95 and the largest of one measure over one path's runs, where it has it. */
  const stats = (path: Path, measure: keyof Run) => {
    const times = runs.filter((run) => run.path === path && typeof run[measure] === 'number').map((run) => run[measure] as number);
    return times.length ? { median: median(times), p95: quantile(times, 0.95), max: Math.max(...times), n: times.length } : undefined;
  };
  const measures: (keyof Run)[] = [
    'clickToSoundMs',
    'clickToPieceStartMs',
    'clickToAudioClockMs',
    'clickToAnsweredMs',
    'clickToLiveRequestMs',
    'clickToLiveResponseMs',
    'clickToFirstPacketMs',
    'clickToGraphReadyMs',
    'clickToBufferedMs',
  ];
  const summary = Object.fromEntries(
    paths.map((path) => [
      path,
      Object.fromEntries(measures.flatMap((measure) => (stats(path, measure) ? [[measure, stats(path, measure)]] : []))),
    ]),
  );
  const result = {
    benchmark: 'click-to-sound',
    date: new Date().toISOString(),
    command: `npx tsx benchmarks/clickToSound.ts ${process.argv.slice(2).join(' ')}`.trim(),
    piece: { instrument: values.instrument, seconds: Number(values.seconds), pieces },
    tap,
    machine: {
      cpus: cpus().length,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map((load) => Number(load.toFixed(2))),
      ...(values.note ? { note: values.note } : {}),
    },
    browser: browser.version(),
    summary,
    runs,
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  process.stdout.write(text);
} finally {
  await browser.close();
  await server.close();
  await studio.close();
  rmSync(dataFolder, { recursive: true, force: true });
}
