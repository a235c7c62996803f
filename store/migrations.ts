import type Database from 'better-sqlite3';

/**
 * The schema, one migration per version. SQLite's `user_version` holds how many have been
 * applied; each runs in a transaction with its version bump. Append, never edit one that shipped.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE pieces (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('web', 'discord', 'cli')),
     request TEXT NOT NULL,
     seed INTEGER NOT NULL,
     header TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'composing', 'rendering', 'done', 'failed', 'cancelled')),
     error TEXT,
     note_count INTEGER NOT NULL DEFAULT 0,
     seconds REAL NOT NULL,
     primer_path TEXT,
     notes_path TEXT,
     mid_path TEXT,
     wav_path TEXT,
     ogg_path TEXT,
     mp3_path TEXT,
     finished_at TEXT
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the history database is at schema version ${current}, newer than this partita (${SCHEMA_VERSION})`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
