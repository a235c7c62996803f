import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_DURATION_STEPS, STEPS_PER_BEAT, VELOCITY_BINS } from '../encoding/grid.js';
import { EVENT_WIDTH, type EventArray, MAX_SHIFT_STEPS, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import { SEED_WIDTH, type SeedArray } from '../encoding/seedNotes.js';
import { type DataKind, type Dataset, fingerprintData, loadDataset, locateData } from '../ingest/dataset.js';
import { INSTRUMENTS } from '../instruments.js';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import { type EncodedJsb, encodeJsb, type PreparedChorale } from './encodeJsb.js';
import { encodeScores, type PreparedPiece } from './encodeScores.js';
import { assignSplits } from './split.js';
import { readTypedArray, writeFileAtomic, writeTypedArray } from './store.js';
import type { DatasetSummary, ScoreDatasetSummary } from './summary.js';

/** Bump when the stored layout or the encoding changes, so old caches are rebuilt. */
export const PREPARED_FORMAT_VERSION = 2;

const MANIFEST = 'manifest.json';
const EVENTS_FILE = 'events.u16';
const SEED_FILE = 'seed.f32';
const FRAME_PITCHES_FILE = 'frame-pitches.u8';
const FRAME_STARTS_FILE = 'frame-starts.u32';

/** The encoding's constants, stored so a reader can check it speaks the same encoding. */
export const ENCODING_DESCRIPTION = {
  stepsPerBeat: STEPS_PER_BEAT,
  maxShiftSteps: MAX_SHIFT_STEPS,
  maxDurationSteps: MAX_DURATION_STEPS,
  velocityBins: VELOCITY_BINS,
  eventWidth: EVENT_WIDTH,
  restInstrument: REST_INSTRUMENT,
  instruments: INSTRUMENTS.map((spec) => spec.name),
  seedWidth: SEED_WIDTH,
};

export interface Manifest {
  format: number;
  kind: DataKind;
  data: string;
  fingerprint: string;
  encoding: typeof ENCODING_DESCRIPTION;
  pieces: PreparedPiece[] | PreparedChorale[];
  summary: DatasetSummary;
}

export type PreparedDataset =
  | { kind: 'musicnet' | 'midi'; manifest: Manifest; pieces: PreparedPiece[]; events: EventArray; seed: SeedArray }
  | { kind: 'jsb'; manifest: Manifest; pieces: PreparedChorale[]; framePitches: Uint8Array; frameStarts: Uint32Array };

export interface PrepareResult {
  dataset: PreparedDataset;
  out: string;
  /** True when an up-to-date earlier run was reused. */
  cached: boolean;
}

function readManifest(out: string): Manifest | undefined {
  const path = join(out, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Loads a prepared data set written by prepare(). */
export function loadPrepared(out: string): PreparedDataset {
  const manifest = readManifest(out);
  if (!manifest) throw new Error(`no prepared data set in ${out} (run partita prepare)`);
  if (manifest.format !== PREPARED_FORMAT_VERSION) throw new Error(`${out} was prepared by another version of partita; prepare it again`);
  if (manifest.kind === 'jsb') {
    return {
      kind: 'jsb',
      manifest,
      pieces: manifest.pieces as PreparedChorale[],
      framePitches: readTypedArray(out, FRAME_PITCHES_FILE, (buffer) => new Uint8Array(buffer)),
      frameStarts: readTypedArray(out, FRAME_STARTS_FILE, (buffer) => new Uint32Array(buffer)),
    };
  }
  return {
    kind: manifest.kind,
    manifest,
    pieces: manifest.pieces as PreparedPiece[],
    events: readTypedArray(out, EVENTS_FILE, (buffer) => new Uint16Array(buffer)),
    seed: readTypedArray(out, SEED_FILE, (buffer) => new Float32Array(buffer)),
  };
}

function summarizeScores(
  dataset: Extract<Dataset, { kind: 'musicnet' | 'midi' }>,
  encoded: ReturnType<typeof encodeScores>,
): ScoreDatasetSummary {
  const { missing, ...report } = dataset.report;
  return {
    kind: dataset.kind,
    pieces: encoded.pieces.length,
    listed: dataset.listed,
    missing: { count: missing.length, ids: missing },
    notes: encoded.pieces.reduce((sum, piece) => sum + piece.notes, 0),
    events: encoded.events.length / EVENT_WIDTH,
    splits: encoded.splits,
    composers: encoded.composers,
    ensembles: encoded.ensembles,
    instruments: encoded.instruments,
    roundTrip: encoded.roundTrip,
    report,
  };
}

function writeScores(
  out: string,
  manifestBase: Omit<Manifest, 'pieces' | 'summary'>,
  dataset: Extract<Dataset, { kind: 'musicnet' | 'midi' }>,
): void {
  const splits = assignSplits(dataset.scores.map((score) => ({ id: score.id, group: score.ensemble })));
  const encoded = encodeScores(dataset.scores, splits);
  writeTypedArray(out, EVENTS_FILE, encoded.events);
  writeTypedArray(out, SEED_FILE, encoded.seed);
  const manifest: Manifest = { ...manifestBase, pieces: encoded.pieces, summary: summarizeScores(dataset, encoded) };
  writeFileAtomic(join(out, MANIFEST), `${JSON.stringify(manifest)}\n`);
}

function writeJsb(out: string, manifestBase: Omit<Manifest, 'pieces' | 'summary'>, encoded: EncodedJsb): void {
  writeTypedArray(out, FRAME_PITCHES_FILE, encoded.framePitches);
  writeTypedArray(out, FRAME_STARTS_FILE, encoded.frameStarts);
  const manifest: Manifest = { ...manifestBase, pieces: encoded.pieces, summary: encoded.summary };
  writeFileAtomic(join(out, MANIFEST), `${JSON.stringify(manifest)}\n`);
}

/**
 * Reads a data set, encodes it once and stores the arrays in `out`. A later call on unchanged
 * data (same files, sizes and times, same format version) reuses them without parsing anything.
 * The manifest is written last, so an interrupted run leaves no cache that looks complete.
 */
export function prepare(dataPath: string, out: string, onProgress: ProgressCallback = ignoreProgress): PrepareResult {
  const source = locateData(dataPath);
  const fingerprint = fingerprintData(source);
  const existing = readManifest(out);
  if (existing && existing.fingerprint === fingerprint && existing.format === PREPARED_FORMAT_VERSION) {
    return { dataset: loadPrepared(out), out, cached: true };
  }
  const dataset = loadDataset(source, onProgress);
  mkdirSync(out, { recursive: true });
  const manifestBase = {
    format: PREPARED_FORMAT_VERSION,
    kind: source.kind,
    data: resolve(dataPath),
    fingerprint,
    encoding: ENCODING_DESCRIPTION,
  };
  if (dataset.kind === 'jsb') writeJsb(out, manifestBase, encodeJsb(dataset.chorales));
  else writeScores(out, manifestBase, dataset);
  return { dataset: loadPrepared(out), out, cached: false };
}
