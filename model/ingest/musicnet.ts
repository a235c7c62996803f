import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import type { PieceInfo, Score } from '../score.js';
import { parseCsvRecords } from './csv.js';
import { findMidiFiles } from './files.js';
import { readMidi } from './readMidi.js';
import { emptyReport, errorMessage, type IngestReport, recordReading } from './report.js';

export const MUSICNET_METADATA = 'musicnet_metadata.csv';

/** Kaggle nests the MIDI folder twice; other copies have it once. */
const MIDI_FOLDER_CANDIDATES = ['musicnet_midis/musicnet_midis', 'musicnet_midis'];

export function isMusicNetFolder(root: string): boolean {
  return existsSync(join(root, MUSICNET_METADATA));
}

export function musicNetMidiFolder(root: string): string {
  for (const candidate of MIDI_FOLDER_CANDIDATES) {
    const folder = join(root, candidate);
    if (existsSync(folder) && statSync(folder).isDirectory()) return candidate;
  }
  throw new Error(`${root} has ${MUSICNET_METADATA} but no musicnet_midis folder`);
}

/** MusicNet file names start with the piece id: `2186_vs6_1.mid`. */
function idFromFileName(path: string): string | undefined {
  return /^(\d+)_/.exec(basename(path))?.[1];
}

function pieceInfoFromRow(row: Record<string, string>, source: string): PieceInfo {
  const composition = row.composition?.trim() ?? '';
  const movement = row.movement?.trim() ?? '';
  return {
    id: row.id?.trim() ?? '',
    title: movement ? `${composition}: ${movement}` : composition,
    composer: row.composer?.trim().toLowerCase() || undefined,
    ensemble: row.ensemble?.trim() || undefined,
    composition: composition || undefined,
    movement: movement || undefined,
    catalogName: row.catalog_name?.trim() || undefined,
    source,
  };
}

export interface LoadedScores {
  scores: Score[];
  report: IngestReport;
  /** Metadata rows listed (MusicNet) or files found (MIDI folders). */
  listed: number;
}

/** Reads MusicNet in its Kaggle layout, joining each MIDI file with its metadata row. */
export function loadMusicNet(root: string, onProgress: ProgressCallback = ignoreProgress): LoadedScores {
  const rows = parseCsvRecords(readFileSync(join(root, MUSICNET_METADATA), 'utf8'));
  const midiFolder = musicNetMidiFolder(root);
  const filesById = new Map<string, string>();
  const report = emptyReport();
  for (const path of findMidiFiles(join(root, midiFolder))) {
    const id = idFromFileName(path);
    const source = join(midiFolder, path);
    if (id === undefined) report.skipped.push({ source, reason: 'file name does not start with a MusicNet id' });
    else filesById.set(id, source);
  }
  const listedIds = new Set(rows.map((row) => row.id?.trim() ?? ''));
  const work: PieceInfo[] = [];
  for (const row of rows) {
    const source = filesById.get(row.id?.trim() ?? '');
    if (source === undefined) report.missing.push(row.id?.trim() ?? '');
    else work.push(pieceInfoFromRow(row, source));
  }
  for (const [id, source] of filesById) {
    if (listedIds.has(id)) continue;
    report.unlisted.push(source);
    work.push({ id, title: basename(source), source });
  }
  const scores: Score[] = [];
  work.forEach((info, index) => {
    onProgress(index, work.length, info.source);
    try {
      const reading = readMidi(readFileSync(join(root, info.source)), info);
      recordReading(report, info.source, reading);
      scores.push(reading.score);
    } catch (error) {
      report.skipped.push({ source: info.source, reason: errorMessage(error) });
    }
  });
  onProgress(work.length, work.length, 'done');
  return { scores, report, listed: rows.length };
}
