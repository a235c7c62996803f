import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import { describeFiles, findMidiFiles, isMidiPath } from './files.js';
import { type JsbChorales, loadJsbChorales } from './jsb.js';
import { loadMidiFiles } from './midiFolder.js';
import { isMusicNetFolder, type LoadedScores, loadMusicNet, MUSICNET_METADATA, musicNetMidiFolder } from './musicnet.js';

export type DataKind = 'musicnet' | 'midi' | 'jsb';

/** A data set path that cannot be used; its message is one line naming the problem. */
export class DataError extends Error {}

export type Dataset = ({ kind: 'musicnet' | 'midi' } & LoadedScores) | { kind: 'jsb'; chorales: JsbChorales };

interface DataSource {
  kind: DataKind;
  /** Folder the files are relative to. */
  root: string;
  /** Files that make up the data set, relative to root. */
  files: string[];
}

/** Works out what kind of data set a path holds, per the command-line contract. */
export function locateData(path: string): DataSource {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new DataError(`data path not found: ${path}`);
  const stats = statSync(absolute);
  if (stats.isFile()) {
    if (absolute.toLowerCase().endsWith('.json')) return { kind: 'jsb', root: dirname(absolute), files: [basename(absolute)] };
    if (isMidiPath(absolute)) return { kind: 'midi', root: dirname(absolute), files: [basename(absolute)] };
    throw new DataError(
      `${path} is not a data set: expected a MusicNet folder, a folder of MIDI files, a .mid file or a JSB Chorales .json`,
    );
  }
  if (isMusicNetFolder(absolute)) {
    let midiFolder: string;
    try {
      midiFolder = musicNetMidiFolder(absolute);
    } catch (error) {
      throw new DataError(error instanceof Error ? error.message : String(error));
    }
    const midis = findMidiFiles(join(absolute, midiFolder)).map((file) => join(midiFolder, file));
    return { kind: 'musicnet', root: absolute, files: [MUSICNET_METADATA, ...midis] };
  }
  const midis = findMidiFiles(absolute);
  if (midis.length === 0) throw new DataError(`no MIDI files (*.mid, *.midi) found in ${path}`);
  return { kind: 'midi', root: absolute, files: midis };
}

/** Changes whenever a file of the data set is added, removed, resized or touched. */
export function fingerprintData(source: DataSource): string {
  const hash = createHash('sha256');
  hash.update(`${source.kind}\n${source.root}\n`);
  for (const line of describeFiles(source.root, source.files)) hash.update(`${line}\n`);
  return hash.digest('hex');
}

export function loadDataset(source: DataSource, onProgress: ProgressCallback = ignoreProgress): Dataset {
  switch (source.kind) {
    case 'jsb':
      try {
        return { kind: 'jsb', chorales: loadJsbChorales(join(source.root, source.files[0] ?? '')) };
      } catch (error) {
        throw new DataError(error instanceof Error ? error.message : String(error));
      }
    case 'musicnet':
      return { kind: 'musicnet', ...loadMusicNet(source.root, onProgress) };
    case 'midi': {
      const loaded = loadMidiFiles(source.root, source.files, onProgress);
      if (loaded.scores.length === 0) {
        const first = loaded.report.skipped[0];
        throw new DataError(`no readable MIDI in ${source.root}${first ? `: ${first.source}: ${first.reason}` : ''}`);
      }
      return { kind: 'midi', ...loaded };
    }
  }
}
