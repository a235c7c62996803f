import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pieceFilePath } from './files.js';
import type { PieceHistory, StoredFileKind } from './history.js';
import { type FinishedPiece, type NewPiece, type PieceRecord, PieceStore } from './pieceStore.js';

/** The path, relative to the data folder, where a piece keeps its file of `kind` (recorded or conventional). */
export function recordedFile(record: PieceRecord, kind: StoredFileKind): string | undefined {
  if (kind === 'notes.json') return record.notesPath;
  if (kind === 'primer.mid') return record.primerPath;
  if (kind === 'mid' || kind === 'wav' || kind === 'ogg' || kind === 'mp3') return record.files?.[kind];
  // Scores are made beside the other files (the worker writes the MusicXML; PDF and PNG come on request).
  return pieceFilePath(record.id, kind);
}

/** The embedded history: SQLite in the data folder, files beside it (see PieceStore). */
export class SqliteHistory implements PieceHistory {
  private readonly store: PieceStore;

  constructor(private readonly dataFolder: string) {
    this.store = new PieceStore(dataFolder);
  }

  async insert(piece: NewPiece): Promise<PieceRecord> {
    return this.store.insert(piece);
  }

  async get(id: string): Promise<PieceRecord | undefined> {
    return this.store.get(id);
  }

  async list(limit: number, offset: number): Promise<{ pieces: PieceRecord[]; total: number }> {
    return this.store.list(limit, offset);
  }

  async setStatus(id: string, status: 'composing' | 'rendering'): Promise<void> {
    this.store.setStatus(id, status);
  }

  async finish(id: string, finished: FinishedPiece): Promise<PieceRecord> {
    return this.store.finish(id, finished);
  }

  async stop(id: string, status: 'failed' | 'cancelled', message: string, noteCount: number): Promise<PieceRecord> {
    return this.store.stop(id, status, message, noteCount);
  }

  async failInterrupted(message: string): Promise<number> {
    return this.store.failInterrupted(message);
  }

  async localFile(record: PieceRecord, kind: StoredFileKind): Promise<string | undefined> {
    const relative = recordedFile(record, kind);
    const path = relative && join(this.dataFolder, relative);
    return path && existsSync(path) ? path : undefined;
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
