import type { PieceHeader } from '../model/compose/note.js';
import type { FinishedPiece, NewPiece, PieceRecord, PieceSource, PieceStatus, StoredRequest } from './pieceStore.js';

/**
 * A row of the `pieces` table as either database gives it back, once its JSON columns are parsed and its
 * times are ISO 8601 strings (SQLite stores TEXT for both; PostgreSQL JSONB and timestamptz).
 */
export interface PieceRow {
  id: string;
  created_at: string;
  source: PieceSource;
  request: StoredRequest;
  seed: number;
  header: PieceHeader;
  status: PieceStatus;
  error: string | null;
  note_count: number;
  seconds: number;
  primer_path: string | null;
  notes_path: string | null;
  mid_path: string | null;
  wav_path: string | null;
  ogg_path: string | null;
  mp3_path: string | null;
  finished_at: string | null;
}

export function rowToRecord(row: PieceRow): PieceRecord {
  const { mid_path: mid, wav_path: wav, ogg_path: ogg, mp3_path: mp3 } = row;
  return {
    id: row.id,
    createdAt: row.created_at,
    source: row.source,
    request: row.request,
    seed: row.seed,
    header: row.header,
    status: row.status,
    ...(row.error !== null ? { error: row.error } : {}),
    noteCount: row.note_count,
    seconds: row.seconds,
    ...(row.primer_path !== null ? { primerPath: row.primer_path } : {}),
    ...(row.notes_path !== null ? { notesPath: row.notes_path } : {}),
    ...(mid && wav && ogg && mp3 ? { files: { mid, wav, ogg, mp3 } } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
  };
}

/** A new piece's values for `INSERT INTO pieces (id, created_at, source, request, seed, header, seconds, primer_path)`, status 'queued'. */
export function newPieceValues(piece: NewPiece): (string | number | null)[] {
  return [
    piece.id,
    new Date().toISOString(),
    piece.source,
    JSON.stringify(piece.request),
    piece.header.seed,
    JSON.stringify(piece.header),
    piece.header.seconds,
    piece.primerPath ?? null,
  ];
}

/** A finished piece's values for `SET note_count, seconds, notes_path, mid_path, wav_path, ogg_path, mp3_path, finished_at`, status 'done'. */
export function finishedValues(finished: FinishedPiece): (string | number)[] {
  const { files } = finished;
  return [finished.noteCount, finished.seconds, finished.notesPath, files.mid, files.wav, files.ogg, files.mp3, new Date().toISOString()];
}
