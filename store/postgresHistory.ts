import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { pieceFilePath, piecesFolder } from './files.js';
import { flacToWav, wavToFlac } from './flac.js';
import type { PieceHistory, StoredFileKind } from './history.js';
import { finishedValues, newPieceValues, type PieceRow, rowToRecord } from './pieceRows.js';
import type { FinishedPiece, NewPiece, PieceRecord } from './pieceStore.js';
import { inTransaction, migratePostgres } from './postgresMigrations.js';
import { recordedFile } from './sqliteHistory.js';

export interface PostgresHistoryOptions {
  /** postgres://user:password@host:port/database */
  databaseUrl: string;
  /** This machine's copies of the pieces' files: written here by the worker, fetched here on first use. */
  dataFolder: string;
}

/** The files the database holds; scores as PDF and PNG are made from the MusicXML where asked for, and cached locally only. */
type DatabaseFileKind = Exclude<StoredFileKind, 'pdf' | 'png'>;

/** How a file's bytes are kept: as written, or (the WAV) as FLAC. */
type FileEncoding = 'identity' | 'flac';

/** PostgreSQL gives timestamptz back as a Date. */
type PostgresRow = Omit<PieceRow, 'created_at' | 'finished_at'> & { created_at: Date; finished_at: Date | null };

function fromPostgres(row: PostgresRow): PieceRecord {
  return rowToRecord({ ...row, created_at: row.created_at.toISOString(), finished_at: row.finished_at?.toISOString() ?? null });
}

/** The URL without its password, to name the server in messages. */
export function redactedUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    url.searchParams.delete('password');
    return url.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}

function errorText(error: unknown): string {
  // Node reports a refused connection to a name with several addresses as an AggregateError with no message.
  if (error instanceof AggregateError && !error.message) return error.errors.map(errorText).join('; ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

/** How long a connection may take to open before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The history in PostgreSQL, shared by every machine that composes or serves pieces: the `pieces` table
 * as in SQLite, the pieces' files in `piece_files` (the WAV as FLAC). Each machine keeps local copies in
 * its data folder; `localFile` fetches one from the database the first time it is asked for.
 *
 * FLAC/WAV, measured on the 8 pieces a web load test rendered (2026-12-03, 21.5 s each, 4,128,044-byte
 * WAV, ffmpeg 5.1's FLAC at its default level): 0.32 over all 8, from 0.23 (solo clarinet) to 0.51 (string
 * trio) a piece, so a piece's files (MIDI, WAV, Ogg, MP3, notes, MusicXML) take 0.42 of the bytes they
 * would with the WAV kept as WAV.
 */
export class PostgresHistory implements PieceHistory {
  /** Files being fetched into the data folder, so concurrent asks share one fetch. */
  private readonly fetching = new Map<string, Promise<string | undefined>>();

  private constructor(
    private readonly pool: Pool,
    private readonly dataFolder: string,
  ) {}

  /** Connects and brings the schema up to date (safe when several processes start at once). */
  static async open({ databaseUrl, dataFolder }: PostgresHistoryOptions): Promise<PostgresHistory> {
    const pool = new Pool({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection the server drops must not crash the process: the next query opens another.
    pool.on('error', (error) => process.stderr.write(`partita: a PostgreSQL connection was lost: ${errorText(error)}\n`));
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end();
      throw new Error(`PostgreSQL at ${redactedUrl(databaseUrl)} is not reachable: ${errorText(error)}`, { cause: error });
    }
    try {
      await migratePostgres(client);
    } catch (error) {
      client.release(true);
      await pool.end();
      throw error;
    }
    client.release();
    mkdirSync(piecesFolder(dataFolder), { recursive: true });
    return new PostgresHistory(pool, dataFolder);
  }

  async insert(piece: NewPiece): Promise<PieceRecord> {
    const primer = piece.primerPath ? await readFile(join(this.dataFolder, piece.primerPath)) : undefined;
    return this.transaction(async (client) => {
      const { rows } = await client.query<PostgresRow>(
        `INSERT INTO pieces (id, created_at, source, request, seed, header, seconds, primer_path, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued') RETURNING *`,
        newPieceValues(piece),
      );
      if (primer) await storeFile(client, piece.id, 'primer.mid', 'identity', primer);
      return fromPostgres(rows[0] as PostgresRow);
    });
  }

  async get(id: string): Promise<PieceRecord | undefined> {
    const { rows } = await this.pool.query<PostgresRow>('SELECT * FROM pieces WHERE id = $1', [id]);
    return rows[0] && fromPostgres(rows[0]);
  }

  async list(limit: number, offset: number): Promise<{ pieces: PieceRecord[]; total: number }> {
    const [pieces, count] = await Promise.all([
      this.pool.query<PostgresRow>('SELECT * FROM pieces ORDER BY position DESC LIMIT $1 OFFSET $2', [limit, offset]),
      this.pool.query<{ total: number }>('SELECT count(*)::integer AS total FROM pieces'),
    ]);
    return { pieces: pieces.rows.map(fromPostgres), total: count.rows[0]?.total ?? 0 };
  }

  async setStatus(id: string, status: 'composing' | 'rendering'): Promise<void> {
    await this.pool.query('UPDATE pieces SET status = $1 WHERE id = $2', [status, id]);
  }

  /** Copies the finished files from the data folder into the database, in the transaction that marks the piece done. */
  async finish(id: string, finished: FinishedPiece): Promise<PieceRecord> {
    const files = await this.readFinished(id, finished);
    return this.transaction(async (client) => {
      const { rows } = await client.query<PostgresRow>(
        `UPDATE pieces SET status = 'done', note_count = $1, seconds = $2, notes_path = $3,
           mid_path = $4, wav_path = $5, ogg_path = $6, mp3_path = $7, finished_at = $8 WHERE id = $9 RETURNING *`,
        [...finishedValues(finished), id],
      );
      const row = requireRow(rows, id);
      for (const file of files) await storeFile(client, id, file.kind, file.encoding, file.bytes);
      return fromPostgres(row);
    });
  }

  async stop(id: string, status: 'failed' | 'cancelled', message: string, noteCount: number): Promise<PieceRecord> {
    const { rows } = await this.pool.query<PostgresRow>(
      'UPDATE pieces SET status = $1, error = $2, note_count = $3, finished_at = $4 WHERE id = $5 RETURNING *',
      [status, message, noteCount, new Date().toISOString(), id],
    );
    return fromPostgres(requireRow(rows, id));
  }

  /**
   * Marks every unfinished piece failed, as SQLite's does: for the embedded studio only, the one owner of
   * the history. A distributed queue does not call it (it would fail pieces other machines are writing);
   * it recovers the pieces its own lost workers held.
   */
  async failInterrupted(message: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE pieces SET status = 'failed', error = $1, finished_at = $2 WHERE status IN ('queued', 'composing', 'rendering')`,
      [message, new Date().toISOString()],
    );
    return rowCount ?? 0;
  }

  /**
   * The local copy of the file, fetched from the database when this machine has none yet (written beside
   * it and renamed into place, so a reader never sees half a file). PDF and PNG scores are not in the
   * database: they are made locally from the MusicXML, so only a local copy counts.
   */
  async localFile(record: PieceRecord, kind: StoredFileKind): Promise<string | undefined> {
    const relative = recordedFile(record, kind);
    if (!relative) return undefined;
    const path = join(this.dataFolder, relative);
    if (existsSync(path)) return path;
    if (kind === 'pdf' || kind === 'png') return undefined;
    let fetching = this.fetching.get(path);
    if (!fetching) {
      fetching = this.fetch(record.id, kind, path).finally(() => this.fetching.delete(path));
      this.fetching.set(path, fetching);
    }
    return fetching;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.fetching.values());
    await this.pool.end();
  }

  private async fetch(id: string, kind: DatabaseFileKind, path: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ encoding: FileEncoding; bytes: Buffer }>(
      'SELECT encoding, bytes FROM piece_files WHERE piece_id = $1 AND kind = $2',
      [id, kind],
    );
    const file = rows[0];
    if (!file) return undefined;
    await mkdir(dirname(path), { recursive: true });
    // Named for this process and this fetch: two processes fetching at once must not write into one file.
    const partial = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
    try {
      if (file.encoding === 'flac') await flacToWav(file.bytes, partial);
      else await writeFile(partial, file.bytes);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return path;
  }

  /** The files the worker wrote for a finished piece, as the database keeps them. */
  private async readFinished(
    id: string,
    finished: FinishedPiece,
  ): Promise<{ kind: DatabaseFileKind; encoding: FileEncoding; bytes: Buffer }[]> {
    const local = (relative: string): string => join(this.dataFolder, relative);
    const plain = async (kind: DatabaseFileKind, relative: string) => ({
      kind,
      encoding: 'identity' as const,
      bytes: await readFile(local(relative)),
    });
    const musicxml = pieceFilePath(id, 'musicxml');
    return Promise.all([
      plain('mid', finished.files.mid),
      plain('ogg', finished.files.ogg),
      plain('mp3', finished.files.mp3),
      plain('notes.json', finished.notesPath),
      // Older workers wrote no MusicXML: the score is then made from the notes.
      ...(existsSync(local(musicxml)) ? [plain('musicxml', musicxml)] : []),
      wavToFlac(local(finished.files.wav)).then((bytes) => ({ kind: 'wav' as const, encoding: 'flac' as const, bytes })),
    ]);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const result = await inTransaction(client, () => work(client));
      client.release();
      return result;
    } catch (error) {
      // The connection may be what failed: it does not go back to the pool.
      client.release(true);
      throw error;
    }
  }
}

function requireRow(rows: PostgresRow[], id: string): PostgresRow {
  const row = rows[0];
  if (!row) throw new Error(`piece ${id} is not in the store`);
  return row;
}

async function storeFile(client: PoolClient, id: string, kind: DatabaseFileKind, encoding: FileEncoding, bytes: Buffer): Promise<void> {
  await client.query(
    `INSERT INTO piece_files (piece_id, kind, encoding, bytes) VALUES ($1, $2, $3, $4)
     ON CONFLICT (piece_id, kind) DO UPDATE SET encoding = excluded.encoding, bytes = excluded.bytes`,
    [id, kind, encoding, bytes],
  );
}

/** Connection-level codes: PostgreSQL going away (admin shutdown, cannot connect now), or its socket refusing. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Whether an error means the database is away (worth a 503 and a retry), not that a query was wrong. */
export function isHistoryUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && UNREACHABLE_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isHistoryUnreachable);
  return /Connection terminated|connection timeout/i.test(error.message);
}
