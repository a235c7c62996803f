/** The score over HTTP: MusicXML that grows while a piece is written, then MusicXML, PDF and PNG of the finished piece. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_START_MS } from '../helpers/budgets.js';
import { validateAgainstSchema } from '../helpers/musescore.js';
import { MUSICXML_SCHEMA, temporaryFolder } from '../helpers/paths.js';
import { postJson, readEvents, startTestApp, type TestApp } from './apiClient.js';

const folder = temporaryFolder('web-score-files');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(temporaryFolder('web-score'), { workers: 1, rendersPerWorker: 1 });
}, SERVER_START_MS);

afterAll(async () => {
  await app?.stop();
});

function measures(xml: string): number {
  return (xml.match(/<measure /g) ?? []).length / Math.max(1, (xml.match(/<part id=/g) ?? []).length);
}

describe('the score of a piece', () => {
  it('fills in while the piece is written, then comes as MusicXML, PDF and PNG that other programs read', async () => {
    const posted = await postJson(`${app.url}/api/pieces`, { instrument: 'string-quartet', composer: 'haydn', seconds: 40, seed: 3 });
    expect(posted.status).toBe(202);
    const id = String(posted.json.id);
    const links = posted.json.links as { score: string };

    // While it is written: a draft, never cached, with fewer bars than the finished score.
    await readEvents(`${app.url}/api/pieces/${id}/events`, (event) => event.event === 'notes');
    const draft = await fetch(`${app.url}${links.score}`);
    expect(draft.status).toBe(200);
    expect(draft.headers.get('cache-control')).toBe('no-store');
    const draftXml = await draft.text();
    const early = await fetch(`${app.url}/api/pieces/${id}.pdf`);
    expect([200, 409]).toContain(early.status);

    await readEvents(`${app.url}/api/pieces/${id}/events`, (event) => event.event === 'done');
    const piece = (await (await fetch(`${app.url}/api/pieces/${id}`)).json()) as { files: Record<string, string> };
    const xmlAnswer = await fetch(`${app.url}${piece.files.musicxml}`);
    expect(xmlAnswer.headers.get('content-type')).toBe('application/vnd.recordare.musicxml+xml');
    expect(xmlAnswer.headers.get('content-disposition')).toMatch(/partita-string-quartet-.*\.musicxml/);
    const xml = await xmlAnswer.text();
    expect(measures(xml)).toBeGreaterThanOrEqual(measures(draftXml));
    expect(xml).toContain('<work-title>String quartet after Haydn</work-title>');
    const xmlPath = join(folder, 'piece.musicxml');
    writeFileSync(xmlPath, xml);
    const valid = validateAgainstSchema([xmlPath], MUSICXML_SCHEMA);
    expect(valid.ok, valid.report).toBe(true);

    // Two requests at once share one engraving and get the same PDF.
    const [pdfA, pdfB] = await Promise.all([fetch(`${app.url}${piece.files.pdf}`), fetch(`${app.url}${piece.files.pdf}`)]);
    expect(pdfA.status).toBe(200);
    expect(pdfA.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await pdfA.arrayBuffer());
    expect(Buffer.from(await pdfB.arrayBuffer()).equals(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const png = Buffer.from(await (await fetch(`${app.url}${piece.files.png}`)).arrayBuffer());
    const pngPath = join(folder, 'first-system.png');
    writeFileSync(pngPath, png);
    // ffprobe, an independent reader, sees a PNG image of sensible size.
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', pngPath], { encoding: 'utf8' })) as {
      streams: { codec_name: string; width: number; height: number }[];
    };
    expect(probe.streams[0]?.codec_name).toBe('png');
    expect(probe.streams[0]?.width).toBe(1200);
    expect(probe.streams[0]?.height).toBeGreaterThan(200);
  }, 240_000);

  it('answers 404 with a message for an unknown piece and 400 for a bad name', async () => {
    const unknown = await fetch(`${app.url}/api/pieces/AAAAAAAAAAAA.musicxml`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/no piece/);
    const bad = await fetch(`${app.url}/api/pieces/AAAAAAAAAAAA.docx`);
    expect(bad.status).toBe(400);
  });
});
