import type { PieceHistory } from './history.js';
import { PostgresHistory } from './postgresHistory.js';
import { SqliteHistory } from './sqliteHistory.js';

export interface OpenHistoryOptions {
  /** This machine's data folder: SQLite's database and the files (or, with PostgreSQL, local copies of them). */
  dataFolder: string;
  /** postgres://…: the history in PostgreSQL; unset or empty, SQLite in the data folder. Default PARTITA_DATABASE_URL. */
  databaseUrl?: string | undefined;
}

/**
 * The history the configuration asks for: PostgreSQL when a database URL is set (PARTITA_DATABASE_URL),
 * else SQLite in the data folder. Throws "PostgreSQL at … is not reachable: …" when the server cannot be reached.
 */
export async function openHistory({
  dataFolder,
  databaseUrl = process.env.PARTITA_DATABASE_URL,
}: OpenHistoryOptions): Promise<PieceHistory> {
  if (databaseUrl) return PostgresHistory.open({ databaseUrl, dataFolder });
  return new SqliteHistory(dataFolder);
}
