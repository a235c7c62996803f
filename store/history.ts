import type { PieceFileKind, ScoreFileKind } from './files.js';
import type { FinishedPiece, NewPiece, PieceRecord } from './pieceStore.js';

/** Every file a piece may have, by the name its kind gives it in the data folder. */
export type StoredFileKind = PieceFileKind | ScoreFileKind | 'notes.json' | 'primer.mid';

/**
 * The history of pieces as the studio sees it, whichever database holds it: SQLite in the data folder
 * (embedded, `SqliteHistory`) or PostgreSQL shared by many machines (`PostgresHistory`). Asynchronous
 * because a networked database is. Files are written by whoever composes the piece into its local data
 * folder first; `insert` and `finish` take them from there (PostgreSQL copies them into the database),
 * and `localFile` gives any process a path to read one from (PostgreSQL copies it back on first use:
 * a finished piece's files never change, so the copy never goes stale).
 */
export interface PieceHistory {
  /** Records a new piece as queued (with its primer, when `primerPath` names one already written). */
  insert(piece: NewPiece): Promise<PieceRecord>;
  get(id: string): Promise<PieceRecord | undefined>;
  /** Newest first. */
  list(limit: number, offset: number): Promise<{ pieces: PieceRecord[]; total: number }>;
  setStatus(id: string, status: 'composing' | 'rendering'): Promise<void>;
  /** Marks the piece done with its files (already written under the data folder). */
  finish(id: string, finished: FinishedPiece): Promise<PieceRecord>;
  /** Ends a piece without files: failed (with the message people see) or cancelled. */
  stop(id: string, status: 'failed' | 'cancelled', message: string, noteCount: number): Promise<PieceRecord>;
  /**
   * Marks every unfinished piece failed; returns how many. Only for the embedded studio, which is the
   * sole owner of its data folder (it holds the folder's lock): a distributed queue recovers its own.
   */
  failInterrupted(message: string): Promise<number>;
  /** A path on this machine holding the piece's file of `kind`, or undefined when it has none. */
  localFile(record: PieceRecord, kind: StoredFileKind): Promise<string | undefined>;
  close(): Promise<void>;
}
