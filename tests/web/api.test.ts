/**
 * The web API end to end: the real model, worker threads, synth, ffmpeg and SQLite, over HTTP on
 * loopback. One app for the file (restarted once, on the same data folder).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPERATURE, DEFAULT_TOP_P } from '../../model/compose/request.js';
import { INSTRUMENTS } from '../../model/instruments.js';
import { newPieceId, PieceStore } from '../../store/index.js';
import { readMidiIndependently } from '../helpers/independentMidi.js';
import { temporaryFolder } from '../helpers/paths.js';
import { decodedSeconds, postJson, readEvents, type SseEvent, startTestApp, type TestApp } from './apiClient.js';

const parent = temporaryFolder('web-api');
const dataFolder = join(parent, 'app');
let app: TestApp;

const startApp = () => startTestApp(dataFolder, { workers: 2, piecesPerWorker: 3, rendersPerWorker: 1, abandonGraceMs: 400 });

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

interface Note {
  instrument: string;
  pitch: number;
  velocity: number;
  start: number;
  duration: number;
  primer?: boolean;
}

const notesOf = (events: SseEvent[]): Note[] => events.filter((event) => event.event === 'notes').flatMap((event) => event.data as Note[]);

async function download(path: string): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await fetch(`${app.url}${path}`);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function waitForStatus(id: string, statuses: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const piece = (await (await fetch(`${app.url}/api/pieces/${id}`)).json()) as Record<string, unknown>;
    if (statuses.includes(piece.status as string) || Date.now() > deadline) return piece;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the web API', () => {
  let violin: { id: string; events: SseEvent[] };

  it('describes itself: health and options', async () => {
    const health = (await (await fetch(`${app.url}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, workers: 2, running: 0, queued: 0 });
    const options = (await (await fetch(`${app.url}/api/options`)).json()) as {
      instruments: { name: string; lowestPitch: number }[];
      ensembles: { name: string }[];
      composers: { name: string; label: string }[];
      limits: Record<string, number>;
      defaults: Record<string, unknown>;
    };
    expect(options.instruments.map((spec) => spec.name)).toEqual(INSTRUMENTS.map((spec) => spec.name));
    expect(options.ensembles.map((ensemble) => ensemble.name)).toContain('string-quartet');
    expect(options.composers).toContainEqual({ name: 'dvorak', label: 'Dvořák' });
    expect(options.limits).toMatchObject({ minSeconds: 5, maxSeconds: 300, minTempo: 30, maxTempo: 240, maxPrimerBytes: 1024 * 1024 });
    // The sampling defaults are the ones the musicality measures chose (model/compose/request.ts).
    expect(options.defaults).toMatchObject({ seconds: 30, temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P });
  });

  it('composes a violin piece: 202 at once, notes streamed, then files that independent readers accept', async () => {
    const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'violin', composer: 'bach', seconds: 8, seed: 7 });
    expect(posted.status).toBe(202);
    const id = posted.json.id as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(posted.json.url).toBe(`/pieces/${id}`);
    const events = await readEvents(`${app.url}/api/pieces/${id}/events`);
    violin = { id, events };
    expect(events[0]?.event).toBe('header');
    expect(events[0]?.data).toMatchObject({ id, instruments: ['violin'], seed: 7, composer: 'bach' });
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    const { files, noteCount, seconds } = (done as SseEvent).data as { files: Record<string, string>; noteCount: number; seconds: number };
    const notes = notesOf(events);
    expect(notes.length).toBe(noteCount);
    expect(notes.length).toBeGreaterThan(5);
    expect(new Set(notes.map((note) => note.instrument))).toEqual(new Set(['violin']));

    const midi = await download(files.mid as string);
    expect(midi.response.headers.get('content-type')).toBe('audio/midi');
    expect(midi.response.headers.get('content-disposition')).toBe(`attachment; filename="partita-violin-${id}.mid"`);
    const read = readMidiIndependently(midi.bytes);
    expect(read.notes.length).toBe(noteCount);
    expect(new Set(read.notes.map((note) => note.program))).toEqual(new Set([40]));

    const types = { wav: 'audio/wav', ogg: 'audio/ogg', mp3: 'audio/mpeg' } as const;
    for (const kind of ['wav', 'ogg', 'mp3'] as const) {
      const audio = await download(files[kind] as string);
      expect(audio.response.headers.get('content-type')).toBe(types[kind]);
      const path = join(parent, `download.${kind}`);
      writeFileSync(path, audio.bytes);
      expect(Math.abs(decodedSeconds(path) - seconds), kind).toBeLessThan(0.08);
    }
    expect(seconds).toBeGreaterThan(8);
    expect(seconds).toBeLessThan(11);
  });

  it('replays a finished piece to a late subscriber: the same notes, then done', async () => {
    const again = await readEvents(`${app.url}/api/pieces/${violin.id}/events`);
    expect(again[0]?.data).toEqual(violin.events[0]?.data);
    expect(notesOf(again)).toEqual(notesOf(violin.events));
    expect(again.at(-1)?.event).toBe('done');
    const live = await fetch(`${app.url}/api/pieces/${violin.id}/live.webm`, { redirect: 'manual' });
    expect(live.status).toBe(302);
    expect(live.headers.get('location')).toBe(`/api/pieces/${violin.id}.ogg`);
  });

  it('streams live audio as WebM/Opus that ffmpeg decodes to the whole piece', async () => {
    const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'string-quartet', seconds: 6 });
    const id = posted.json.id as string;
    const live = await fetch(`${app.url}/api/pieces/${id}/live.webm`);
    expect(live.headers.get('content-type')).toBe('audio/webm');
    const path = join(parent, 'live.webm');
    writeFileSync(path, new Uint8Array(await live.arrayBuffer()));
    const piece = await waitForStatus(id, ['done'], 30_000);
    expect(Math.abs(decodedSeconds(path) - (piece.seconds as number))).toBeLessThan(0.08);
  });

  it('continues an uploaded primer (multipart) and lists history newest first', async () => {
    const primer = readFileSync(join(dataFolder, 'pieces', `${violin.id}.mid`));
    const form = new FormData();
    form.append('instrument', 'violin');
    form.append('seconds', '10');
    form.append('tempo', '');
    form.append('primer', new Blob([primer], { type: 'audio/midi' }), 'primer.mid');
    const response = await fetch(`${app.url}/api/pieces`, { method: 'POST', body: form });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const events = await readEvents(`${app.url}/api/pieces/${id}/events`);
    expect(events.at(-1)?.event).toBe('done');
    expect(notesOf(events).some((note) => note.primer)).toBe(true);
    expect((await waitForStatus(id, ['done'], 5000)).request).toMatchObject({ instrument: 'violin', primer: true });

    const history = (await (await fetch(`${app.url}/api/pieces?limit=2`)).json()) as { pieces: { id: string }[]; total: number };
    expect(history.pieces.map((piece) => piece.id)).toEqual([id, expect.any(String)]);
    expect(history.total).toBeGreaterThanOrEqual(3);
    const all = (await (await fetch(`${app.url}/api/pieces?limit=100`)).json()) as { pieces: { id: string; createdAt: string }[] };
    const times = all.pieces.map((piece) => piece.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('answers bad requests with 4xx JSON naming the problem', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${app.url}/api/pieces`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [Promise<Response>, number, RegExp][] = [
      [post('{"instrument": "violin",'), 400, /not valid JSON/],
      [post('[1, 2]'), 400, /request/],
      [post('{"instrument": "kazoo"}'), 400, /instrument: unknown instrument/],
      [post('{"instrument": "violin", "seconds": 301}'), 400, /seconds/],
      [post('{"instrument": "violin", "seconds": "20"}'), 400, /seconds/],
      [post('{"instrument": "violin", "temperature": 0}'), 400, /temperature/],
      [post('{"instrument": "violin", "composer": "Bach!"}'), 400, /composer/],
      [post('{"instrument": "violin", "seed": -1}'), 400, /seed/],
      [post('instrument=violin', 'application/x-www-form-urlencoded'), 415, /json/],
      [post(`{"instrument": "violin", "pad": "${'x'.repeat(1_200_000)}"}`), 413, /at most/],
      [fetch(`${app.url}/api/pieces/nope`), 400, /not a piece id/],
      [fetch(`${app.url}/api/pieces/AAAAAAAAAAAA`), 404, /no piece/],
      [fetch(`${app.url}/api/pieces/AAAAAAAAAAAA.wav`), 404, /no piece/],
      [fetch(`${app.url}/api/pieces/AAAAAAAAAAAA/events`), 404, /no piece/],
      [fetch(`${app.url}/api/pieces?limit=0`), 400, /limit/],
      [fetch(`${app.url}/api/nothing-here`), 404, /no such address/],
    ];
    for (const [pending, status, message] of cases) {
      const response = await pending;
      const body = (await response.json()) as { error: string };
      expect([response.status, body.error]).toEqual([status, expect.stringMatching(message)]);
    }

    const upload = async (bytes: Uint8Array, fields: Record<string, string> = { instrument: 'piano' }) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('primer', new Blob([bytes]), 'primer.mid');
      return fetch(`${app.url}/api/pieces`, { method: 'POST', body: form });
    };
    const valid = readFileSync(join(dataFolder, 'pieces', `${violin.id}.mid`));
    const uploads: [Promise<Response>, number][] = [
      [upload(new TextEncoder().encode('not a midi file at all')), 400],
      [upload(valid.subarray(0, valid.length - 20)), 400],
      [upload(new Uint8Array(1024 * 1024 + 1)), 413],
      [upload(valid, { instrument: 'piano', seconds: 'twenty' }), 400],
    ];
    for (const [pending, status] of uploads) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(typeof ((await response.json()) as { error: unknown }).error).toBe('string');
    }
  });

  it('never answers random uploads or random JSON bodies with a 5xx', async () => {
    const accepted: string[] = [];
    const check = async (response: Response) => {
      const body = (await response.json()) as { error?: string; id?: string };
      expect(response.status).toBeLessThan(500);
      if (response.status === 202) accepted.push(body.id as string);
      else expect(typeof body.error).toBe('string');
    };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, midiHeader) => {
        // Half the uploads start like a MIDI file, so the parser gets past the first check.
        const body = midiHeader ? new Uint8Array([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 1, 1, 0xe0, ...bytes]) : bytes;
        const form = new FormData();
        form.append('instrument', 'cello');
        form.append('primer', new Blob([body]), 'x.mid');
        await check(await fetch(`${app.url}/api/pieces`, { method: 'POST', body: form }));
      }),
      { numRuns: 60 },
    );
    const field = fc.oneof(fc.jsonValue(), fc.double(), fc.integer({ min: -10, max: 400 }));
    const request = fc.record(
      {
        instrument: fc.oneof(fc.constantFrom('piano', 'violin', 'string-quartet', 'Cello '), fc.string(), fc.jsonValue()),
        composer: fc.oneof(fc.constantFrom('bach', 'mozart'), fc.jsonValue()),
        seconds: field,
        tempo: field,
        temperature: field,
        topP: field,
        seed: field,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(request, fc.jsonValue()), async (body) => {
        const response = await postJson(`${app.url}/api/pieces`, body).then(
          (posted) => new Response(JSON.stringify(posted.json), { status: posted.status }),
        );
        await check(response);
        for (const id of accepted.splice(0)) await app.studio.cancel(id);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every path inside the data folder: ids that are paths are refused', async () => {
    const before = readdirSync(parent).sort();
    const attempts = [
      '/api/pieces/..%2F..%2Fetc%2Fpasswd',
      '/api/pieces/..%2F..%2Fetc%2Fpasswd.mid',
      '/api/pieces/%2e%2e%2fapp%2fpartita.sqlite',
      '/api/pieces/....%2F..%2Fx/events',
      '/api/pieces/..%2F..%2F..%2Fetc%2Fpasswd/live.webm',
      '/api/pieces/AAAAAAAAAAA%2F.mid',
      '/static/..%2F..%2Fpackage.json',
      '/static/%2e%2e/%2e%2e/package.json',
      '/pieces/..%2F..%2Fpackage.json',
    ];
    for (const path of attempts) {
      const response = await fetch(`${app.url}${path}`);
      const text = await response.text();
      expect([400, 404], path).toContain(response.status);
      expect(text, path).not.toMatch(/root:|"name": "partita"|SQLite format/);
    }
    const traversal = await fetch(`${app.url}/api/pieces/../../etc/passwd`);
    expect(traversal.status).toBe(404);
    expect(readdirSync(parent).sort()).toEqual(before);
    expect(
      readdirSync(join(dataFolder, 'pieces')).filter(
        (name) => !/^[A-Za-z0-9_-]{12}\.(mid|wav|ogg|mp3|notes\.json|primer\.mid|musicxml|pdf|png)(\.partial)?$/.test(name),
      ),
    ).toEqual([]);
  });

  it('cancels a piece when its only listener disconnects', async () => {
    const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'piano', seconds: 300 });
    const id = posted.json.id as string;
    const seen = await readEvents(`${app.url}/api/pieces/${id}/events`, (event) => event.event === 'notes');
    expect(seen.at(-1)?.event).toBe('notes');
    const piece = await waitForStatus(id, ['cancelled', 'done', 'failed'], 10_000);
    expect(piece.status).toBe('cancelled');
    expect(piece.error).toMatch(/everyone listening left/);
    expect(existsSync(join(dataFolder, 'pieces', `${id}.mid`))).toBe(false);
  });

  it('survives a restart on the same data folder; a piece left unfinished by a crash is marked failed', async () => {
    await app.stop();
    const store = new PieceStore(dataFolder);
    const crashed = newPieceId();
    const header = {
      instruments: ['piano' as const],
      parts: [{ instrument: 'piano' as const, slot: 0, name: 'Piano' }],
      tempo: 96,
      timeSignature: [4, 4] as [number, number],
      seed: 1,
      seconds: 10,
    };
    store.insert({ id: crashed, source: 'cli', request: { instrument: 'piano', seconds: 10, temperature: 1, topP: 0.95 }, header });
    store.setStatus(crashed, 'composing');
    store.close();

    app = await startApp();
    const failed = (await (await fetch(`${app.url}/api/pieces/${crashed}`)).json()) as Record<string, unknown>;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped before this piece was finished/) });
    const replay = await readEvents(`${app.url}/api/pieces/${violin.id}/events`);
    expect(notesOf(replay)).toEqual(notesOf(violin.events));
    const midi = await download(`/api/pieces/${violin.id}.mid`);
    expect(midi.response.status).toBe(200);
    const history = (await (await fetch(`${app.url}/api/pieces`)).json()) as { pieces: { id: string }[] };
    expect(history.pieces[0]?.id).toBe(crashed);
    expect(history.pieces.map((piece) => piece.id)).toContain(violin.id);
  }, 180_000);
});
