import type * as tf from '@tensorflow/tfjs';
import { keyedAsComposed } from '../codecs/scoreCodec.js';
import type { ComposerModel } from '../compose/composerModel.js';
import type { SplitName } from '../ingest/jsb.js';
import { LstmNetwork } from '../lstm/network.js';
import type { PreparedDataset } from '../prepare/prepare.js';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import type { SeedNetwork } from '../seed/seedModel.js';
import { codedData } from '../train/dataForTraining.js';
import { FieldBigram } from './bigram.js';
import { composeLikePiece, headerLike, preparedPieceNotes, sampleLstmPiece, sampleSeedPiece } from './generatedPieces.js';
import { sequenceLikelihood } from './likelihood.js';
import { DEFAULT_CUT_BEATS, type MeasuredPiece } from './musicality.js';
import { composedMeasured, musicalityReport, preparedPieceMeasured, seedMeasured } from './musicalityReport.js';
import { compareSets, type PieceFeatures, pieceFeatures } from './musicStats.js';
import { seedPitchFigures } from './seedLikelihood.js';

export interface EvaluateOptions {
  split: SplitName | 'all';
  /** Pieces generated per model for the musical statistics. */
  samples: number;
  /** Pieces compose() writes per real piece for the musicality measures. */
  generatedPerPiece: number;
  /** Events per generated (and per real) piece in the statistics. */
  eventsPerSample: number;
  seedWindows: number;
  /** Score only the first N pieces of the split (quick checks). */
  pieceLimit?: number;
  onProgress?: ProgressCallback;
}

/**
 * Everything `partita eval` reports: the exact bits per note of the LSTM on a split, the same
 * figure for a field bigram, the seed baseline's pitch bits, and the Yang & Lerch overlapping
 * areas of generated against real pieces for both models.
 */
export async function evaluateScores(
  dataset: Extract<PreparedDataset, { kind: 'musicnet' | 'midi' }>,
  lstm: ComposerModel,
  seed: { model: tf.LayersModel; shape: SeedNetwork } | undefined,
  options: EvaluateOptions,
) {
  const data = codedData(dataset, {}, lstm.config);
  const splits: SplitName[] = options.split === 'all' ? ['train', 'valid', 'test'] : [options.split];
  const splitPieces = splits.flatMap((split) => dataset.pieces.filter((piece) => piece.split === split));
  const pieces = splitPieces.slice(0, options.pieceLimit);
  const sequences = splits.flatMap((split) => data.split(split)).slice(0, options.pieceLimit);
  const network = new LstmNetwork(lstm.config, lstm.params);
  const likelihood = sequenceLikelihood(network, data.codec, sequences, 32, 64, options.onProgress ?? ignoreProgress);
  const composedLikelihood = sequenceLikelihood(network, data.codec, sequences.map(keyedAsComposed), 32, 64, ignoreProgress);
  const bigram = new FieldBigram(data.codec).fit(data.split('train'));
  const bigramBits = bigram.nll(sequences) / Math.LN2 / Math.max(1, likelihood.notes);

  // The statistics need several pieces whatever --pieces says: they come from the whole split.
  const models = splitPieces.filter((piece) => piece.eventCount > options.eventsPerSample).slice(0, options.samples);
  const realSamples = models.map((piece) => preparedPieceNotes(piece, dataset.events, options.eventsPerSample));
  const real = realSamples.map((notes) => pieceFeatures(notes));
  // The network sampled freely (its own key and metre from the real piece), then through compose(), rules and all: what a user hears.
  const ours = models.map((piece, index) => pieceFeatures(sampleLstmPiece(lstm, piece, options.eventsPerSample, index + 1)));
  const composed: PieceFeatures[] = [];
  for (const [index, piece] of models.entries()) {
    const seconds = Math.max(...(realSamples[index] ?? []).map((note) => note.start + note.duration));
    const notes = await composeLikePiece(lstm, piece, seconds, index + 1);
    composed.push(pieceFeatures(notes.map((note) => ({ pitch: note.pitch, start: note.startSeconds, duration: note.durationSeconds }))));
  }
  const musicalStatistics: Record<string, unknown> = {
    samples: models.length,
    events_per_sample: options.eventsPerSample,
    lstm: compareSets(real, ours),
    compose: compareSets(real, composed),
  };
  // Musicality: every piece of the split (or --pieces of them), first 64 beats, against pieces
  // compose() writes under the same composer, parts, tempo and metre.
  const realMeasured = pieces.map((piece) => preparedPieceMeasured(piece, dataset.events));
  const partita: MeasuredPiece[] = [];
  for (const [index, piece] of pieces.entries()) {
    const seconds = ((DEFAULT_CUT_BEATS + 8) * 60) / piece.bpm;
    for (let copy = 0; copy < options.generatedPerPiece; copy++) {
      const seed = 1000 * copy + index + 1;
      partita.push(composedMeasured(headerLike(piece, seconds, seed), await composeLikePiece(lstm, piece, seconds, seed)));
    }
  }
  const generated: Record<string, MeasuredPiece[]> = { partita };
  let seedFigures: Record<string, unknown> | undefined;
  if (seed) {
    const seedFeatures = models.map((piece, index) =>
      pieceFeatures(sampleSeedPiece(seed.model, seed.shape, dataset.seed, piece, options.eventsPerSample, index + 1)),
    );
    musicalStatistics.seed = compareSets(real, seedFeatures);
    generated.seed = pieces.map((piece, index) => {
      const count = Math.min(600, Math.max(32, realMeasured[index]?.notes.length ?? 0));
      return seedMeasured(sampleSeedPiece(seed.model, seed.shape, dataset.seed, piece, count, index + 1), piece);
    });
    seedFigures = seedPitchFigures(seed.model, seed.shape, dataset.seed, pieces, options.seedWindows);
  }
  const fieldNames = lstm.config.fields.map((field) => field.name);
  return {
    split: options.split,
    pieces: likelihood.sequences,
    notes: likelihood.notes,
    events: likelihood.events,
    nll_bits_per_note: likelihood.bitsPerNote,
    /** With the piece's key at every note, as compose() has it (no look-ahead in the local key). */
    nll_bits_per_note_as_composed: composedLikelihood.bitsPerNote,
    nll_nats_total: likelihood.nllNats,
    bits_per_note_by_field: Object.fromEntries(
      fieldNames.map((name, k) => [name, (likelihood.nllPerField[k] ?? 0) / Math.LN2 / Math.max(1, likelihood.notes)]),
    ),
    bigram_bits_per_note: bigramBits,
    seed: seedFigures,
    musical_statistics: musicalStatistics,
    musicality: musicalityReport({ real: realMeasured, generated }),
  };
}
