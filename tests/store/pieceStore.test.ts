import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, isPieceId, newPieceId, PieceStore, pieceFilePath, SCHEMA_VERSION } from '../../store/index.js';
import { temporaryFolder } from '../helpers/paths.js';
import { celloPiece } from '../helpers/pieces.js';

const { header, request } = celloPiece(12);

describe('the piece store', () => {
  it('makes url-safe ids and refuses anything else as a file name', () => {
    const ids = Array.from({ length: 200 }, newPieceId);
    expect(ids.every(isPieceId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const bad of ['../../etc/passwd', 'short', 'AAAAAAAAAAA/', 'AAAAAAAAAAAA.mid', 'AAAAAAAAAAA\u0000']) {
      expect(isPieceId(bad)).toBe(false);
      expect(() => pieceFilePath(bad, 'mid')).toThrow(/not a piece id/);
    }
  });

  it('records a piece through its statuses, lists newest first and reopens in WAL mode at the current schema', () => {
    const folder = temporaryFolder('store');
    const store = new PieceStore(folder);
    const [first, second, third] = [newPieceId(), newPieceId(), newPieceId()];
    for (const id of [first, second, third] as string[]) store.insert({ id, source: 'web', request, header });
    store.setStatus(first as string, 'composing');
    const files = { mid: 'pieces/a.mid', wav: 'pieces/a.wav', ogg: 'pieces/a.ogg', mp3: 'pieces/a.mp3' };
    expect(store.finish(first as string, { noteCount: 9, seconds: 13.5, notesPath: 'pieces/a.notes.json', files })).toMatchObject({
      status: 'done',
      noteCount: 9,
      seconds: 13.5,
      files,
      header,
      request,
      seed: 42,
    });
    expect(store.stop(second as string, 'cancelled', 'cancelled', 3)).toMatchObject({
      status: 'cancelled',
      error: 'cancelled',
      noteCount: 3,
    });
    expect(store.list(10, 0).pieces.map((piece) => piece.id)).toEqual([third, second, first]);
    expect(store.list(1, 1)).toMatchObject({ total: 3, pieces: [{ id: second }] });
    store.close();

    const reopened = new PieceStore(folder);
    expect(reopened.failInterrupted('the server stopped')).toBe(1);
    expect(reopened.get(third as string)).toMatchObject({ status: 'failed', error: 'the server stopped' });
    expect(reopened.get(first as string)?.status).toBe('done');
    reopened.close();
    const raw = new Database(`${folder}/${DATABASE_FILE}`, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });
});
