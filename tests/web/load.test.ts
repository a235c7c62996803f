/**
 * Eight people press Generate at once: eight ~20 s pieces over loopback on the default studio
 * (2 workers). All must finish, the first note of each must stream within a second of its POST
 * (p95), and /api/health must stay responsive throughout. Prints the figures.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/paths.js';
import { percentile, postJson, readEvents, startTestApp, type TestApp } from './apiClient.js';

const PIECES = 8;
const INSTRUMENTS = ['violin', 'piano', 'string-quartet', 'cello', 'flute', 'piano-trio', 'wind-quintet', 'clarinet'];
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(temporaryFolder('web-load'), { workers: 2 });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

it('composes 8 simultaneous pieces, each streaming its first note within a second, while /api/health stays responsive', async () => {
  const healthLatencies: number[] = [];
  let loading = true;
  const probing = (async () => {
    while (loading) {
      const started = performance.now();
      await (await fetch(`${app.url}/api/health`)).json();
      healthLatencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  const started = performance.now();
  const runs = await Promise.all(
    INSTRUMENTS.slice(0, PIECES).map(async (instrument, index) => {
      const posted = performance.now();
      const { status, json } = await postJson(`${app.url}/api/pieces`, { instrument, seconds: 20, seed: index + 1 });
      expect(status).toBe(202);
      const events = await readEvents(`${app.url}/api/pieces/${json.id}/events`);
      const firstNote = events.find((event) => event.event === 'notes');
      const sinceOpen = performance.now() - posted - (events.at(-1)?.at ?? 0);
      return {
        instrument,
        end: events.at(-1)?.event,
        firstNoteMs: (firstNote?.at ?? Number.POSITIVE_INFINITY) + sinceOpen,
        doneMs: performance.now() - posted,
      };
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  loading = false;
  await probing;

  const firstNotes = runs.map((run) => run.firstNoteMs);
  const figures = {
    pieces: PIECES,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    firstNoteMsP50: Math.round(percentile(firstNotes, 0.5)),
    firstNoteMsP95: Math.round(percentile(firstNotes, 0.95)),
    firstNoteMsMax: Math.round(Math.max(...firstNotes)),
    doneSecondsMax: Number((Math.max(...runs.map((run) => run.doneMs)) / 1000).toFixed(1)),
    healthProbes: healthLatencies.length,
    healthMsP50: Math.round(percentile(healthLatencies, 0.5)),
    healthMsMax: Math.round(Math.max(...healthLatencies)),
  };
  process.stdout.write(`web load: ${JSON.stringify(figures)}\n`);
  expect(runs.map((run) => run.end)).toEqual(new Array(PIECES).fill('done'));
  expect(figures.firstNoteMsP95).toBeLessThanOrEqual(1000);
  expect(figures.healthMsMax).toBeLessThan(1000);
}, 240_000);
