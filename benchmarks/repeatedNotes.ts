/**
 * How often a part's top line repeats its last pitch, and its longest run of repeats, on the first
 * 64 beats of validation pieces: real, and composed like them at several sampling settings. The
 * musicality measures count a repeat as a step (a move of <= 2 semitones), so a line stuck on one
 * note scores as smooth; this shows what they miss.
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
import { cutToBeats, DEFAULT_CUT_BEATS, type MeasuredNote, type MeasuredPiece } from '../model/eval/musicality.js';
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

/** Share of top-line moves that repeat the pitch, and the longest run of repeats, over all parts. */
function repeats(piece: MeasuredPiece): { share: number; longestRun: number } {
  const parts = new Map<string, MeasuredNote[]>();
  for (const note of cutToBeats(piece).notes) parts.set(note.part, [...(parts.get(note.part) ?? []), note]);
  let repeated = 0;
  let moves = 0;
  let longestRun = 0;
  for (const notes of parts.values()) {
    notes.sort((a, b) => a.onsetBeats - b.onsetBeats || b.pitch - a.pitch);
    const top = notes.filter((note, index) => index === 0 || (notes[index - 1] as MeasuredNote).onsetBeats !== note.onsetBeats);
    let run = 0;
    for (let index = 1; index < top.length; index++) {
      moves++;
      run = (top[index] as MeasuredNote).pitch === (top[index - 1] as MeasuredNote).pitch ? run + 1 : 0;
      repeated += run > 0 ? 1 : 0;
      longestRun = Math.max(longestRun, run);
    }
  }
  return { share: repeated / Math.max(1, moves), longestRun };
}

function summary(all: { share: number; longestRun: number }[]) {
  const runs = all.map((one) => one.longestRun).sort((a, b) => a - b);
  return {
    repeatedShare: all.reduce((sum, one) => sum + one.share, 0) / all.length,
    longestRunMedian: runs[Math.floor(runs.length / 2)],
    longestRunMax: runs.at(-1),
  };
}

await startEngine();
const dataset = prepare(values.data, defaultPreparedFolder(values.data)).dataset;
if (dataset.kind === 'jsb') throw new Error('this benchmark needs MusicNet');
const model = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
const pieces = dataset.pieces.filter((piece) => piece.split === 'valid').slice(0, Number(values.pieces));
const real = summary(pieces.map((piece) => repeats(preparedPieceMeasured(piece, dataset.events))));
const composed = [];
for (const [temperature, topP, rhythmTemperature, rhythmTopP] of SETTINGS) {
  const measured = [];
  for (const [index, piece] of pieces.entries()) {
    const seconds = ((DEFAULT_CUT_BEATS + 8) * 60) / piece.bpm;
    const sampling = { temperature, topP, rhythm: { temperature: rhythmTemperature, topP: rhythmTopP } };
    const notes = await composeLikePiece(model, piece, seconds, index + 1, sampling);
    measured.push(repeats(composedMeasured(headerLike(piece, seconds, index + 1), notes)));
  }
  composed.push({ ...{ temperature, topP, rhythm: { temperature: rhythmTemperature, topP: rhythmTopP } }, ...summary(measured) });
}
process.stdout.write(
  `${JSON.stringify({ benchmark: 'repeated-notes', checkpoint: model.folder, pieces: pieces.length, real, composed })}\n`,
);
