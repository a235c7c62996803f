import type { InstrumentName } from '../instruments.js';
import type { MidiReading } from './readMidi.js';

/** What happened while reading a data set, file by file where it matters. */
export interface IngestReport {
  filesRead: number;
  /** MusicNet ids listed in the metadata whose MIDI file is absent. */
  missing: string[];
  /** Files MusicNet has on disk without a metadata row (read with composer unknown). */
  unlisted: string[];
  repaired: { source: string; fixes: string[] }[];
  skipped: { source: string; reason: string }[];
  unmapped: { source: string; description: string; notes: number }[];
  inferred: { source: string; description: string; instrument: InstrumentName; notes: number }[];
  zeroLengthNotes: number;
}

export function emptyReport(): IngestReport {
  return { filesRead: 0, missing: [], unlisted: [], repaired: [], skipped: [], unmapped: [], inferred: [], zeroLengthNotes: 0 };
}

/** Adds what reading one file found to the report. */
export function recordReading(report: IngestReport, source: string, reading: MidiReading): void {
  report.filesRead++;
  if (reading.repairs.length > 0) report.repaired.push({ source, fixes: reading.repairs });
  for (const part of reading.unmapped) report.unmapped.push({ source, ...part });
  for (const part of reading.inferred) report.inferred.push({ source, ...part });
  report.zeroLengthNotes += reading.zeroLengthNotes;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
