import type { PoolClient } from 'pg';

/**
 * The PostgreSQL schema, one migration per version, the same tables as SQLite's (migrations.ts) with
 * PostgreSQL's types, and the pieces' files in `piece_files`. `partita_schema` lists the versions applied.
 * Append, never edit one that shipped.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE pieces (
     position bigserial NOT NULL UNIQUE,
     id text PRIMARY KEY,
     created_at timestamptz NOT NULL,
     source text NOT NULL CHECK (source IN ('web', 'discord', 'cli')),
     request jsonb NOT NULL,
     seed integer NOT NULL,
     header jsonb NOT NULL,
     status text NOT NULL CHECK (status IN ('queued', 'composing', 'rendering', 'done', 'failed', 'cancelled')),
     error text,
     note_count integer NOT NULL DEFAULT 0,
     seconds double precision NOT NULL,
     primer_path text,
     notes_path text,
     mid_path text,
     wav_path text,
     ogg_path text,
     mp3_path text,
     finished_at timestamptz
   );
   CREATE INDEX pieces_unfinished ON pieces (status) WHERE status IN ('queued', 'composing', 'rendering');
   CREATE TABLE piece_files (
     piece_id text NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
     kind text NOT NULL CHECK (kind IN ('mid', 'wav', 'ogg', 'mp3', 'notes.json', 'primer.mid', 'musicxml')),
     encoding text NOT NULL CHECK (encoding IN ('identity', 'flac')),
     bytes bytea NOT NULL,
     PRIMARY KEY (piece_id, kind)
   );
   -- Audio is compressed already: out of line, without TOAST's compression trying again.
   ALTER TABLE piece_files ALTER COLUMN bytes SET STORAGE EXTERNAL;`,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** Runs `work` in a transaction on `client`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Brings the database to POSTGRES_SCHEMA_VERSION in one transaction under an advisory lock, so processes
 * that start at once take turns: the first migrates, the others then find nothing left to do.
 */
export async function migratePostgres(client: PoolClient): Promise<void> {
  await inTransaction(client, async () => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('partita schema migrations'))`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS partita_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM partita_schema');
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new Error(`the history database is at schema version ${current}, newer than this partita (${POSTGRES_SCHEMA_VERSION})`);
    }
    for (let version = current; version < POSTGRES_SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version] as string);
      await client.query('INSERT INTO partita_schema (version) VALUES ($1)', [version + 1]);
    }
  });
}
