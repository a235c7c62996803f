import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PieceHeader } from '../model/compose/note.js';
import type { ComposeRequestFields } from '../model/compose/request.js';
import type { PieceFiles } from './files.js';
import { piecesFolder } from './files.js';
import { migrate } from './migrations.js';
import { finishedValues, newPieceValues, type PieceRow, rowToRecord } from './pieceRows.js';

export const PIECE_STATUSES = ['queued', 'composing', 'rendering', 'done', 'failed', 'cancelled'] as const;
export type PieceStatus = (typeof PIECE_STATUSES)[number];
export const PIECE_SOURCES = ['web', 'discord', 'cli'] as const;
export type PieceSource = (typeof PIECE_SOURCES)[number];

/** Statuses a piece never leaves. */
export function isFinalStatus(status: PieceStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

/** The request as stored: the validated fields, and whether a primer MIDI file came with them. */
export type StoredRequest = ComposeRequestFields & { primer?: boolean };

export interface PieceRecord {
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  source: PieceSource;
  request: StoredRequest;
  seed: number;
  header: PieceHeader;
  status: PieceStatus;
  error?: string;
  noteCount: number;
  /** The planned length until the piece is done, then the length of its audio. */
  seconds: number;
  /** Relative to the data folder: the primer as uploaded, the composed notes (JSON) and the downloads. */
  primerPath?: string;
  notesPath?: string;
  files?: PieceFiles;
  finishedAt?: string;
}

export interface NewPiece {
  id: string;
  source: PieceSource;
  request: StoredRequest;
  header: PieceHeader;
  primerPath?: string;
}

export interface FinishedPiece {
  noteCount: number;
  seconds: number;
  notesPath: string;
  files: PieceFiles;
}

/** SQLite keeps the JSON columns as TEXT. */
type SqliteRow = Omit<PieceRow, 'request' | 'header'> & { request: string; header: string };

function fromSqlite(row: SqliteRow): PieceRecord {
  return rowToRecord({ ...row, request: JSON.parse(row.request) as StoredRequest, header: JSON.parse(row.header) as PieceHeader });
}

/** The data folder's database file. */
export const DATABASE_FILE = 'partita.sqlite';

/**
 * The history of pieces: one SQLite file in the data folder (WAL, so readers never wait for the
 * writer), the pieces' files beside it. Every call is synchronous and fast (one indexed row).
 */
export class PieceStore {
  private readonly db: Database.Database;

  constructor(readonly dataFolder: string) {
    mkdirSync(piecesFolder(dataFolder), { recursive: true });
    this.db = new Database(join(dataFolder, DATABASE_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  insert(piece: NewPiece): PieceRecord {
    this.db
      .prepare(
        `INSERT INTO pieces (id, created_at, source, request, seed, header, seconds, primer_path, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued')`,
      )
      .run(...newPieceValues(piece));
    return this.require(piece.id);
  }

  get(id: string): PieceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM pieces WHERE id = ?').get(id) as SqliteRow | undefined;
    return row && fromSqlite(row);
  }

  /** Newest first. */
  list(limit: number, offset: number): { pieces: PieceRecord[]; total: number } {
    const rows = this.db.prepare('SELECT * FROM pieces ORDER BY rowid DESC LIMIT ? OFFSET ?').all(limit, offset) as SqliteRow[];
    const { total } = this.db.prepare('SELECT count(*) AS total FROM pieces').get() as { total: number };
    return { pieces: rows.map(fromSqlite), total };
  }

  setStatus(id: string, status: 'composing' | 'rendering'): void {
    this.db.prepare('UPDATE pieces SET status = ? WHERE id = ?').run(status, id);
  }

  finish(id: string, finished: FinishedPiece): PieceRecord {
    this.db
      .prepare(
        `UPDATE pieces SET status = 'done', note_count = ?, seconds = ?, notes_path = ?,
           mid_path = ?, wav_path = ?, ogg_path = ?, mp3_path = ?, finished_at = ? WHERE id = ?`,
      )
      .run(...finishedValues(finished), id);
    return this.require(id);
  }

  /** Ends a piece without files: failed (with the message people see) or cancelled. */
  stop(id: string, status: 'failed' | 'cancelled', message: string, noteCount: number): PieceRecord {
    this.db
      .prepare('UPDATE pieces SET status = ?, error = ?, note_count = ?, finished_at = ? WHERE id = ?')
      .run(status, message, noteCount, new Date().toISOString(), id);
    return this.require(id);
  }

  /**
   * Marks pieces a previous run left unfinished (it crashed or was killed while they were queued
   * or being written) as failed; returns how many. Call once at start-up, before taking requests.
   */
  failInterrupted(message: string): number {
    return this.db
      .prepare(`UPDATE pieces SET status = 'failed', error = ?, finished_at = ? WHERE status IN ('queued', 'composing', 'rendering')`)
      .run(message, new Date().toISOString()).changes;
  }

  close(): void {
    this.db.close();
  }

  private require(id: string): PieceRecord {
    const record = this.get(id);
    if (!record) throw new Error(`piece ${id} is not in the store`);
    return record;
  }
}
