/**
 * How often a part's top line repeats its last pitch, and its longest run of repeats, on the first
 * 64 beats of validation pieces: real, and composed like them at several sampling settings. The
 * figures are the musicality measures `repeats` and `longestRun` (model/eval/musicality.ts); the
 * measures' `steps` counts a repeat as a step (a move of <= 2 semitones), so a line stuck on one
 * note scores as smooth there, and `repeats` shows what it hides.
 *
 *     node dist/benchmarks/repeatedNotes.js [--pieces 20] [--checkpoint DIR]
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultPreparedFolder } from '../cli/commands/prepare.js';
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { loadComposerModel } from '../model/compose/composerModel.js';
import { startEngine } from '../model/engine.js';
import { composeLikePiece, headerLike } from '../model/eval/generatedPieces.js';
import { DEFAULT_CUT_BEATS, type Measures, measurePiece, summarizeMeasures } from '../model/eval/musicality.js';
import { composedMeasured, preparedPieceMeasured } from '../model/eval/musicalityReport.js';
import { prepare } from '../model/prepare/prepare.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repoRoot, '..', 'shared', 'data', 'musicnet') },
    checkpoint: { type: 'string' },
    pieces: { type: 'string', default: '20' },
  },
});
/** notes temperature / top-p, rhythm temperature / top-p */
const SETTINGS = [
  [0.6, 1, 1, 1],
  [0.7, 0.9, 1, 0.95],
  [0.8, 0.9, 1, 1],
  [0.9, 0.9, 0.9, 0.9],
] as const;

function summary(all: Measures[]) {
  const summarized = summarizeMeasures(all);
  return {
    repeatedShare: summarized.repeats.mean,
    longestRunMedian: summarized.longestRun.median,
    longestRunMax: Math.max(...all.map((measures) => measures.longestRun)),
  };
}

await startEngine();
const dataset = prepare(values.data, defaultPreparedFolder(values.data)).dataset;
if (dataset.kind === 'jsb') throw new Error('this benchmark needs MusicNet');
const model = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
const pieces = dataset.pieces.filter((piece) => piece.split === 'valid').slice(0, Number(values.pieces));
const real = summary(pieces.map((piece) => measurePiece(preparedPieceMeasured(piece, dataset.events))));
const composed = [];
for (const [temperature, topP, rhythmTemperature, rhythmTopP] of SETTINGS) {
  const measured = [];
  for (const [index, piece] of pieces.entries()) {
    const seconds = ((DEFAULT_CUT_BEATS + 8) * 60) / piece.bpm;
    const sampling = { temperature, topP, rhythm: { temperature: rhythmTemperature, topP: rhythmTopP } };
    const notes = await composeLikePiece(model, piece, seconds, index + 1, sampling);
    measured.push(measurePiece(composedMeasured(headerLike(piece, seconds, index + 1), notes)));
  }
  composed.push({ ...{ temperature, topP, rhythm: { temperature: rhythmTemperature, topP: rhythmTopP } }, ...summary(measured) });
}
process.stdout.write(
  `${JSON.stringify({ benchmark: 'repeated-notes', checkpoint: model.folder, pieces: pieces.length, real, composed })}\n`,
);
