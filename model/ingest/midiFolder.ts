import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import type { Score } from '../score.js';
import { findMidiFiles } from './files.js';
import type { LoadedScores } from './musicnet.js';
import { readMidi } from './readMidi.js';
import { emptyReport, errorMessage, recordReading } from './report.js';

/** Reads a set of MIDI files (composer and ensemble unknown); unreadable files are skipped and reported. */
export function loadMidiFiles(root: string, sources: string[], onProgress: ProgressCallback = ignoreProgress): LoadedScores {
  const report = emptyReport();
  const scores: Score[] = [];
  sources.forEach((source, index) => {
    onProgress(index, sources.length, source);
    try {
      const id = source.replace(/\.midi?$/i, '');
      const reading = readMidi(readFileSync(join(root, source)), { id, title: basename(id), source });
      recordReading(report, source, reading);
      scores.push(reading.score);
    } catch (error) {
      report.skipped.push({ source, reason: errorMessage(error) });
    }
  });
  onProgress(sources.length, sources.length, 'done');
  return { scores, report, listed: sources.length };
}

/** Reads every *.mid / *.midi below a folder. */
export function loadMidiFolder(root: string, onProgress: ProgressCallback = ignoreProgress): LoadedScores {
  return loadMidiFiles(root, findMidiFiles(root), onProgress);
}
