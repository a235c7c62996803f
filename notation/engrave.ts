/**
 * Engraving a MusicXML score: a PDF by MuseScore 3 (Debian's musescore3, headless), and a PNG of
 * the first system by Verovio (npm, WebAssembly) drawn by resvg. MuseScore engraves best but
 * starts a process (about a second); Verovio runs in-process, which suits a small image per
 * piece. benchmarks/scores.ts measures both.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Resvg } from '@resvg/resvg-js';

const run = promisify(execFile);
const MUSESCORE = process.env.PARTITA_MUSESCORE ?? 'musescore3';
const ENGRAVE_TIMEOUT_MS = 120_000;

/** A PDF of the whole score, engraved by MuseScore 3. */
export async function engravePdf(xml: string): Promise<Buffer> {
  const folder = await mkdtemp(join(tmpdir(), 'partita-engrave-'));
  try {
    const input = join(folder, 'score.musicxml');
    const output = join(folder, 'score.pdf');
    await writeFile(input, xml);
    try {
      await run(MUSESCORE, ['-o', output, input], {
        // No display: Qt's offscreen platform; MuseScore also wants a runtime folder of its own.
        env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: folder },
        timeout: ENGRAVE_TIMEOUT_MS,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`the PDF needs MuseScore 3 (${MUSESCORE}), which scripts/setup.sh installs from Debian's musescore3`);
      throw new Error(`MuseScore could not engrave the score: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    return await readFile(output);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface Toolkit {
  setOptions(options: Record<string, unknown>): void;
  loadData(data: string): boolean;
  renderToSVG(page: number): string;
}

let toolkit: Promise<Toolkit> | undefined;

function verovio(): Promise<Toolkit> {
  toolkit ??= (async () => {
    const { default: createVerovioModule } = await import('verovio/wasm');
    const { VerovioToolkit } = await import('verovio/esm');
    return new VerovioToolkit(await createVerovioModule()) as Toolkit;
  })();
  return toolkit;
}

/** SMuFL characters Verovio writes in its Leipzig text font, which resvg cannot read (it is embedded as CSS): the same signs from DejaVu. */
const TEXT_GLYPHS: Record<string, string> = { '\uECA5': '♩', '\uECA3': '𝅗𝅥', '\uECA2': '𝅝', '\uECA7': '♪' };

/** A PNG of the score's first system (all parts, the first few bars), `width` pixels wide, on white. */
export async function firstSystemPng(xml: string, width = 1200): Promise<Buffer> {
  const engraver = await verovio();
  // A page too short for two systems holds exactly one; the title is in the message already.
  engraver.setOptions({
    pageWidth: 2100,
    pageHeight: 600,
    adjustPageHeight: true,
    scale: 40,
    header: 'none',
    footer: 'none',
    breaks: 'auto',
  });
  if (!engraver.loadData(xml)) throw new Error('Verovio could not read the score');
  const svg = engraver
    .renderToSVG(1)
    .replace(
      /<tspan font-family="Leipzig"([^>]*)>([^<]*)<\/tspan>/g,
      (_, attributes: string, glyphs: string) =>
        `<tspan font-family="DejaVu Sans"${attributes.replace(/font-size="(\d+)px"/, (__, size: string) => `font-size="${Math.round(Number(size) * 0.6)}px"`)}>${[...glyphs].map((glyph) => TEXT_GLYPHS[glyph] ?? glyph).join('')}</tspan>`,
    );
  return new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Serif' },
  })
    .render()
    .asPng();
}
