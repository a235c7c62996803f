/**
 * How fast partita writes and engraves scores, on a 5-minute string quartet from the shipped
 * model (seed 1): the MusicXML writer; the PDF by MuseScore 3 (what `.pdf` uses); the first
 * system's PNG by Verovio + resvg (what the Discord embed shows); and Verovio's whole-score SVG
 * (what the browser's Score view does, here in Node). Prints one JSON object with medians.
 *
 *     node dist/benchmarks/scores.js [--runs 5]
 */
import { parseArgs } from 'node:util';
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { median } from '../model/arrays.js';
import { composePlanned, planPiece } from '../model/compose/compose.js';
import { loadComposerModel } from '../model/compose/composerModel.js';
import type { ComposedNote } from '../model/compose/note.js';
import { engravePdf, firstSystemPng } from '../notation/engrave.js';
import { composedToMusicXml } from '../notation/musicXml.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));

async function timed<T>(work: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { seconds: (performance.now() - started) / 1000, result };
}

async function medianSeconds(work: () => Promise<unknown> | unknown): Promise<number> {
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) seconds.push((await timed(work)).seconds);
  return median(seconds);
}

const model = await loadComposerModel(SHIPPED_MUSICNET_MODEL);
const plan = planPiece({ instrument: 'string-quartet', composer: 'haydn', seconds: 300, temperature: 0.8, topP: 0.95, seed: 1 });
const notes: ComposedNote[] = [];
for await (const note of composePlanned(model, plan)) notes.push(note);
const score = composedToMusicXml(plan.header, notes);

const firstPng = await timed(() => firstSystemPng(score.xml));
const { default: createVerovioModule } = await import('verovio/wasm');
const { VerovioToolkit } = await import('verovio/esm');
const verovio = new VerovioToolkit(await createVerovioModule());
const wholeScoreSvg = async () => {
  verovio.setOptions({ pageWidth: 2100, adjustPageHeight: true, breaks: 'auto', header: 'none', footer: 'none' });
  verovio.loadData(score.xml);
  let bytes = 0;
  for (let page = 1; page <= verovio.getPageCount(); page++) bytes += verovio.renderToSVG(page).length;
  return bytes;
};

process.stdout.write(
  `${JSON.stringify(
    {
      piece: { instrument: 'string-quartet', seconds: plan.header.seconds, notes: notes.length, measures: score.measures },
      musicxml: {
        seconds_median: await medianSeconds(() => composedToMusicXml(plan.header, notes)),
        bytes: Buffer.byteLength(score.xml),
        ends_snapped: score.endsSnapped,
        voice_overflow: score.voiceOverflow,
      },
      pdf_musescore3: { seconds_median: await medianSeconds(() => engravePdf(score.xml)), bytes: (await engravePdf(score.xml)).length },
      png_first_system_verovio: {
        first_call_seconds: firstPng.seconds,
        seconds_median: await medianSeconds(() => firstSystemPng(score.xml)),
        bytes: firstPng.result.length,
      },
      svg_whole_score_verovio: { seconds_median: await medianSeconds(wholeScoreSvg), pages: verovio.getPageCount() },
      runs,
    },
    null,
    2,
  )}\n`,
);
