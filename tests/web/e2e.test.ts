import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTRUMENTS } from '../../model/instruments.js';
import { SERVER_START_MS } from '../helpers/budgets.js';
import { readMidiIndependently } from '../helpers/independentMidi.js';
import { ARTIFACTS, launchBrowser, type RunningApp, startApp } from './helpers-e2e.js';

/** What the page is promised to do after Generate: sound and notes within this long. */
const START_BUDGET_MS = 5_000;
const PIECE_SECONDS = 15;

// The page functions below run in the browser; these are the few DOM shapes they touch (the
// project's TypeScript has no DOM library, and these keep the test honest about what it reads).
interface ProbeAudio {
  currentTime: number;
  paused: boolean;
  src: string;
  addEventListener(type: string, listener: () => void): void;
}
interface ProbeElement {
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, listener: () => void, options?: { capture: boolean }): void;
}
interface ProbeWindow {
  document: {
    querySelector(selector: string): unknown;
    activeElement: { id: string } | null;
    documentElement: { scrollWidth: number };
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { attributes: boolean }): void };
  performance: { now(): number };
  getComputedStyle(element: unknown): { outlineStyle: string };
  /** Page-clock timestamps (ms): the Generate click, the audio clock's start, the first note drawn. */
  probe: { click: number; sound: number; firstNote: number };
  /** The page's first-sound hook (web/public/audioGraph.js), on from openPage: the live path's first sound and frames played. */
  partitaSound?: { path: string; bufferedAt: number; framesPlayed: number };
}

/** Installs listeners that time the start on the page's own clock, free of the test's round trips. */
function installProbe(): void {
  const page = globalThis as unknown as ProbeWindow;
  const probe = { click: 0, sound: 0, firstNote: 0 };
  page.probe = probe;
  const audio = page.document.querySelector('#audio') as ProbeAudio;
  const roll = page.document.querySelector('#roll') as ProbeElement;
  const generate = page.document.querySelector('#generate') as ProbeElement;
  // Capture phase: stamp the click before the page's own handler runs.
  generate.addEventListener('click', () => Object.assign(probe, { click: page.performance.now(), sound: 0, firstNote: 0 }), {
    capture: true,
  });
  audio.addEventListener('timeupdate', () => {
    // Back-dated by the audio clock's reading: the moment the clock started moving.
    if (probe.click && !probe.sound && audio.currentTime > 0 && !audio.paused)
      probe.sound = page.performance.now() - audio.currentTime * 1000;
  });
  new page.MutationObserver(() => {
    if (probe.click && !probe.firstNote && Number(roll.dataset.notes) > 0) probe.firstNote = page.performance.now();
  }).observe(roll, { attributes: true });
}

interface StartTimes {
  clickToSoundMs: number;
  clickToFirstNoteMs: number;
}

async function measureStart(page: Page, label: string): Promise<StartTimes> {
  await page.waitForFunction(
    () => {
      const { probe, partitaSound } = globalThis as unknown as ProbeWindow;
      // Live, the page plays the packets itself (no <audio> clock) where it has WebCodecs: its hook says when
      // the worklet started playing, as the <audio> clock's start would (an opening rest not counted).
      if (!probe.sound && partitaSound?.bufferedAt) probe.sound = partitaSound.bufferedAt;
      return probe.sound > 0 && probe.firstNote > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  const probe = await page.evaluate(() => (globalThis as unknown as ProbeWindow).probe);
  const times = { clickToSoundMs: Math.round(probe.sound - probe.click), clickToFirstNoteMs: Math.round(probe.firstNote - probe.click) };
  console.log(`${label}: click-to-sound ${times.clickToSoundMs} ms, click-to-first-note ${times.clickToFirstNoteMs} ms`);
  return times;
}

function noteCount(page: Page): Promise<number> {
  return page.locator('#roll').getAttribute('data-notes').then(Number);
}

function audioState(page: Page): Promise<{ currentTime: number; paused: boolean; src: string; framesPlayed: number }> {
  return page.evaluate(() => {
    const window = globalThis as unknown as ProbeWindow;
    const audio = window.document.querySelector('#audio') as ProbeAudio;
    return { currentTime: audio.currentTime, paused: audio.paused, src: audio.src, framesPlayed: window.partitaSound?.framesPlayed ?? 0 };
  });
}

/** Whether the page's audio is playing with its clock moving (two readings apart): the <audio> element's, or the live worklet's frames. */
async function audioAdvancing(page: Page): Promise<boolean> {
  const before = await audioState(page);
  await page.waitForTimeout(400);
  const after = await audioState(page);
  return after.framesPlayed > before.framesPlayed || (!after.paused && after.currentTime > before.currentTime);
}

/** Saves the MIDI through the page's own download link and reads it with the independent parser. */
async function downloadMidi(page: Page) {
  const link = page.locator('#downloads a', { hasText: 'MIDI' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  return readMidiIndependently(new Uint8Array(readFileSync(path)));
}

function expectOnly(midi: ReturnType<typeof readMidiIndependently>, instruments: string[]): void {
  expect(midi.notes.length).toBeGreaterThan(0);
  const specs = INSTRUMENTS.filter((spec) => instruments.includes(spec.name));
  const programs = new Set(midi.notes.map((note) => note.program));
  expect([...programs].filter((program) => !specs.some((spec) => spec.program === program))).toEqual([]);
  for (const note of midi.notes) {
    const spec = specs.find((candidate) => candidate.program === note.program);
    expect(note.pitch, `${spec?.name} pitch`).toBeGreaterThanOrEqual(spec?.lowestPitch ?? 128);
    expect(note.pitch, `${spec?.name} pitch`).toBeLessThanOrEqual(spec?.highestPitch ?? -1);
  }
}

describe('web player in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const pieceUrls: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  }, SERVER_START_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function openPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    await page.addInitScript('window.partitaMeasure = true');
    await page.goto(app.url);
    await page.locator('#instrument option[value="violin"]').waitFor({ state: 'attached' });
    await page.evaluate(installProbe);
    return page;
  }

  async function composeWithMouse(name: string, instrument: string, instruments: string[]): Promise<void> {
    const page = await openPage();
    await page.selectOption('#instrument', instrument);
    await page.selectOption('#composer', 'bach');
    await page.fill('#seconds', String(PIECE_SECONDS));
    await page.click('#generate');

    const times = await measureStart(page, name);
    expect(times.clickToSoundMs).toBeLessThanOrEqual(START_BUDGET_MS);
    expect(times.clickToFirstNoteMs).toBeLessThanOrEqual(START_BUDGET_MS);
    expect(await noteCount(page)).toBeGreaterThan(0);
    expect(await audioAdvancing(page)).toBe(true);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/writing|done/);

    await page.locator('#downloads').waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^done · \d+ notes/);
    pieceUrls.push(page.url());
    await page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`) });
    expectOnly(await downloadMidi(page), instruments);
    await page.close();
  }

  it('composes a violin piece after Bach: sound and notes at once, then a MIDI with only violin', async () => {
    await composeWithMouse('violin', 'violin', ['violin']);
  }, 90_000);

  it('composes a string quartet: only violin, viola and cello programs', async () => {
    await composeWithMouse('string-quartet', 'string-quartet', ['violin', 'viola', 'cello']);
  }, 90_000);

  it('opens a finished piece by its address at phone width: notes replayed, its settings, audio from the file, no sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(pieceUrls[0] ?? app.url);
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 15_000 }).toMatch(/^done · \d+ notes/);
    expect(await noteCount(page)).toBeGreaterThan(0);
    expect(await page.inputValue('#instrument')).toBe('violin');
    expect(await page.inputValue('#composer')).toBe('bach');
    await page.locator('#play').click();
    await expect.poll(async () => (await audioState(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await audioAdvancing(page)).toBe(true);
    expect((await audioState(page)).src).toMatch(/\.(ogg|mp3)$/);
    const width = await page.evaluate(() => (globalThis as unknown as ProbeWindow).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    expect(await page.locator('#history-list li').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('shows the score of a finished piece, engraved in the page, following playback (desktop and phone)', async () => {
    for (const viewport of [
      { width: 1280, height: 900, name: 'desktop' },
      { width: 360, height: 740, name: 'phone' },
    ]) {
      const page = await browser.newPage({ viewport });
      await page.goto(pieceUrls[1] ?? app.url);
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 15_000 }).toMatch(/^done · \d+ notes/);
      await page.locator('#view-score').click();
      expect(await page.locator('#roll-view').isHidden()).toBe(true);
      await page.locator('#score[data-final="true"]').waitFor({ timeout: 60_000 });
      // Verovio drew every part's staves and bars from the server's MusicXML.
      expect(Number(await page.locator('#score').getAttribute('data-measures'))).toBeGreaterThan(4);
      expect(await page.locator('#score svg g.staff').count()).toBeGreaterThanOrEqual(4);
      await page.locator('#play').click();
      await page.locator('#score g.measure.playing').waitFor({ timeout: 20_000 });
      const width = await page.evaluate(() => (globalThis as unknown as ProbeWindow).document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: join(ARTIFACTS, `web-score-${viewport.name}.png`) });
      await page.close();
    }
  }, 120_000);

  it('works from the keyboard alone: Tab to the controls, type to choose, Enter on Generate, Space to stop', async () => {
    const page = await openPage();
    const focused = () => page.evaluate(() => (globalThis as unknown as ProbeWindow).document.activeElement?.id ?? '');
    const tabTo = async (id: string) => {
      for (let presses = 0; presses < 20 && (await focused()) !== id; presses += 1) await page.keyboard.press('Tab');
      expect(await focused()).toBe(id);
    };
    await tabTo('instrument');
    await page.keyboard.type('vio'); // typeahead: Violin, the first option that starts so
    await tabTo('composer');
    await page.keyboard.type('bach');
    await tabTo('seconds');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('10');
    await tabTo('generate');
    const outline = await page.evaluate(() => {
      const window = globalThis as unknown as ProbeWindow;
      return window.getComputedStyle(window.document.querySelector('#generate')).outlineStyle;
    });
    expect(outline).toBe('solid');
    await page.screenshot({ path: join(ARTIFACTS, 'web-keyboard.png') });
    expect(await page.inputValue('#instrument')).toBe('violin');
    expect(await page.inputValue('#composer')).toBe('bach');

    await page.keyboard.press('Enter');
    const times = await measureStart(page, 'keyboard');
    expect(times.clickToSoundMs).toBeLessThanOrEqual(START_BUDGET_MS);
    await tabTo('play');
    await page.keyboard.press('Space');
    await expect.poll(async () => (await audioState(page)).paused).toBe(true);
    expect(await page.locator('#play').textContent()).toBe('Play');
    // The worklet hears of the pause a moment later: its frames stop, and stay stopped.
    await expect.poll(() => audioAdvancing(page)).toBe(false);
    // Closing the tab mid-piece drops its live audio and events: the server must shrug that off.
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const health = await fetch(`${app.url}/api/health`).then(
      (response) => response.status,
      (error: Error) => `unreachable after a tab closed mid-piece: ${error.message}`,
    );
    expect(health).toBe(200);
  }, 60_000);

  it("shows the server's message when the primer is not a MIDI file", async () => {
    const page = await openPage();
    await page.selectOption('#instrument', 'violin');
    await page.setInputFiles('#primer', {
      name: 'notes.mid',
      mimeType: 'audio/midi',
      buffer: Buffer.from('these are not the notes you are looking for'),
    });
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => candidate.url().endsWith('/api/pieces') && candidate.request().method() === 'POST'),
      page.click('#generate'),
    ]);
    expect(response.status()).toBeGreaterThanOrEqual(400);
    expect(response.status()).toBeLessThan(500);
    const { error } = (await response.json()) as { error: string };
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain(error);
    await page.screenshot({ path: join(ARTIFACTS, 'web-error.png') });
    await page.close();
  }, 30_000);

  it('refuses a primer over 1 MB and a length over the limit before sending anything', async () => {
    const page = await openPage();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.setInputFiles('#primer', { name: 'big.mid', mimeType: 'audio/midi', buffer: Buffer.alloc(1024 * 1024 + 1) });
    await page.click('#generate');
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toMatch(/MIDI file is 1\.0 MB; the limit is 1 MB/);
    await page.setInputFiles('#primer', []);
    await page.fill('#seconds', '301');
    await page.click('#generate');
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toMatch(/^Length \(seconds\): /);
    expect(await page.evaluate(() => (globalThis as unknown as ProbeWindow).document.activeElement?.id)).toBe('seconds');
    expect(posts).toEqual([]);
    await page.close();
  }, 30_000);
});
