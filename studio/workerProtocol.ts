import { join } from 'node:path';
import type { PiecePlan } from '../model/compose/compose.js';
import type { ComposedNote } from '../model/compose/note.js';
import { type FinishedPiece, pieceFilePath, pieceFilePaths } from '../store/index.js';

/** Absolute paths a worker writes a finished piece to (each first under a temporary name, then renamed). */
export interface PieceOutputPaths {
  mid: string;
  wav: string;
  ogg: string;
  mp3: string;
  notes: string;
  /** The score, written with the other files. */
  musicxml: string;
}

/** Where a worker writes a piece's files under a data folder (the paths the history records, made absolute). */
export function pieceOutputPaths(dataFolder: string, id: string): PieceOutputPaths {
  const absolute = (relative: string): string => join(dataFolder, relative);
  const files = pieceFilePaths(id);
  return {
    mid: absolute(files.mid),
    wav: absolute(files.wav),
    ogg: absolute(files.ogg),
    mp3: absolute(files.mp3),
    notes: absolute(pieceFilePath(id, 'notes.json')),
    musicxml: absolute(pieceFilePath(id, 'musicxml')),
  };
}

/** What the history records of a piece a worker reported done. */
export function finishedPiece(message: Extract<FromWorker, { type: 'done' }>): FinishedPiece {
  const { id, noteCount, seconds } = message;
  return { noteCount, seconds, notesPath: pieceFilePath(id, 'notes.json'), files: pieceFilePaths(id) };
}

/** What the main thread tells a compose worker. */
export type ToWorker =
  | { type: 'start'; id: string; plan: PiecePlan; title: string; paths: PieceOutputPaths }
  | { type: 'cancel'; id: string }
  /** Stop every piece, free the synth and exit. */
  | { type: 'close' };

/**
 * What a compose worker reports. `opus`: the piece's audio as it is rendered, encoded once: 20 ms Opus
 * packets of 48 kHz stereo, in order from the piece's first 20 ms, in batches (one per rendered chunk).
 */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'notes'; id: string; notes: ComposedNote[] }
  | { type: 'composed'; id: string; noteCount: number }
  | { type: 'opus'; id: string; packets: Uint8Array[] }
  | { type: 'done'; id: string; noteCount: number; seconds: number }
  | { type: 'failed'; id: string; message: string }
  | { type: 'cancelled'; id: string; noteCount: number };
