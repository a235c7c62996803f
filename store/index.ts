/** store/: the history of pieces (SQLite, or PostgreSQL) and where their files live in the data folder. */
export {
  PIECE_FILE_KINDS,
  type PieceFileKind,
  type PieceFiles,
  pieceFilePath,
  pieceFilePaths,
  piecesFolder,
  SCORE_FILE_KINDS,
  type ScoreFileKind,
} from './files.js';
export { FolderInUseError, type FolderLock, LOCK_FILE, lockDataFolder } from './folderLock.js';
export type { PieceHistory, StoredFileKind } from './history.js';
export { isPieceId, newPieceId, PIECE_ID_PATTERN } from './ids.js';
export { SCHEMA_VERSION } from './migrations.js';
export { type OpenHistoryOptions, openHistory } from './openHistory.js';
export {
  DATABASE_FILE,
  type FinishedPiece,
  isFinalStatus,
  type NewPiece,
  PIECE_SOURCES,
  PIECE_STATUSES,
  type PieceRecord,
  type PieceSource,
  type PieceStatus,
  PieceStore,
  type StoredRequest,
} from './pieceStore.js';
export { isHistoryUnreachable, PostgresHistory, type PostgresHistoryOptions, redactedUrl } from './postgresHistory.js';
export { POSTGRES_SCHEMA_VERSION } from './postgresMigrations.js';
export { recordedFile, SqliteHistory } from './sqliteHistory.js';
