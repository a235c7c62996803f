/** The bounded queue: one piece writing, one waiting, the next refused with 429 and a message. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/paths.js';
import { postJson, startTestApp, type TestApp } from './apiClient.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(temporaryFolder('web-queue'), { workers: 1, piecesPerWorker: 1, rendersPerWorker: 1, queueLimit: 1 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe('a full queue', () => {
  it('refuses the piece after the queue limit with 429, Retry-After and a JSON message, and stays healthy', async () => {
    const long = { instrument: 'piano', seconds: 300 };
    const answers = await Promise.all([1, 2, 3].map((seed) => postJson(`${app.url}/api/pieces`, { ...long, seed })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([202, 202, 429]);
    const refused = answers.find((answer) => answer.status === 429);
    expect(String(refused?.json.error)).toMatch(/busy/);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ running: 1, queued: 1, queueLimit: 1 });
  }, 60_000);
});
