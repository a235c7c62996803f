import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tonejsMidi from '@tonejs/midi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newPieceId,
  openHistory,
  type PieceHistory,
  type PieceRecord,
  POSTGRES_SCHEMA_VERSION,
  PostgresHistory,
  pieceFilePath,
  pieceFilePaths,
  SqliteHistory,
  type StoredFileKind,
} from '../../store/index.js';
import { encodeFileWithFfmpeg } from '../../synth/ffmpeg.js';
import { encodeWav, pcmBytes, WAV_HEADER_BYTES } from '../../synth/wav.js';
import { chordSignal } from '../helpers/audio.js';
import { temporaryFolder } from '../helpers/paths.js';
import { celloPiece } from '../helpers/pieces.js';
import { freePort } from '../helpers/ports.js';
import { type PostgresServer, queryOnce, startPostgres } from '../helpers/postgres.js';

const { Midi } = tonejsMidi;

const { header, request } = celloPiece(2);

let server: PostgresServer | undefined;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

/** A history and a way to open the same history again elsewhere. */
interface Opened {
  history: PieceHistory;
  dataFolder: string;
  /** The same history from another process: on this machine for SQLite, on another machine (an empty data folder) for PostgreSQL. */
  elsewhere(): Promise<{ history: PieceHistory; dataFolder: string }>;
}

const backends: { name: string; open: () => Promise<Opened> }[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dataFolder = temporaryFolder('history-sqlite');
      return {
        history: new SqliteHistory(dataFolder),
        dataFolder,
        elsewhere: async () => ({ history: new SqliteHistory(dataFolder), dataFolder }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const databaseUrl = await (server as PostgresServer).createDatabase();
      const dataFolder = temporaryFolder('history-pg');
      return {
        history: await PostgresHistory.open({ databaseUrl, dataFolder }),
        dataFolder,
        elsewhere: async () => {
          const other = temporaryFolder('history-pg-elsewhere');
          return { history: await PostgresHistory.open({ databaseUrl, dataFolder: other }), dataFolder: other };
        },
      };
    },
  },
];

/** Writes a piece's files as the compose worker does (real MIDI, WAV, Ogg and MP3 of the same 2 s) and finishes it. */
async function finishWithFiles(
  history: PieceHistory,
  dataFolder: string,
  id: string,
): Promise<{ finished: PieceRecord; written: Record<string, Buffer> }> {
  const pcm = chordSignal(2);
  const midi = new Midi();
  midi.addTrack().addNote({ midi: 48, time: 0, duration: 1 }).addNote({ midi: 55, time: 1, duration: 1 });
  const files = pieceFilePaths(id);
  const written: Record<string, Buffer> = {
    mid: Buffer.from(midi.toArray()),
    wav: encodeWav(pcm),
    'notes.json': Buffer.from(JSON.stringify([{ pitch: 48, startSeconds: 0, seconds: 1 }])),
    musicxml: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="4.0"/>\n'),
  };
  writeFileSync(join(dataFolder, files.mid), written.mid as Buffer);
  writeFileSync(join(dataFolder, files.wav), written.wav as Buffer);
  writeFileSync(join(dataFolder, pieceFilePath(id, 'notes.json')), written['notes.json'] as Buffer);
  writeFileSync(join(dataFolder, pieceFilePath(id, 'musicxml')), written.musicxml as Buffer);
  for (const format of ['ogg', 'mp3'] as const) {
    await encodeFileWithFfmpeg([pcm], format, join(dataFolder, files[format]));
    written[format] = readFileSync(join(dataFolder, files[format]));
  }
  const finished = await history.finish(id, { noteCount: 2, seconds: 2.25, notesPath: pieceFilePath(id, 'notes.json'), files });
  return { finished, written };
}

describe.each(backends)('the history in $name', ({ name, open }) => {
  it('records pieces through their statuses and lists them newest first, with the total', async () => {
    const { history } = await open();
    const [first, second, third] = [newPieceId(), newPieceId(), newPieceId()] as [string, string, string];
    for (const id of [first, second, third]) {
      expect(await history.insert({ id, source: 'web', request, header })).toMatchObject({ id, status: 'queued', seed: 42, seconds: 2 });
    }
    const created = (await history.get(first))?.createdAt as string;
    expect(new Date(created).toISOString()).toBe(created);
    await history.setStatus(first, 'composing');
    expect((await history.get(first))?.status).toBe('composing');
    await history.setStatus(first, 'rendering');
    expect(await history.stop(second, 'cancelled', 'cancelled: everyone listening left', 3)).toMatchObject({
      status: 'cancelled',
      error: 'cancelled: everyone listening left',
      noteCount: 3,
    });
    expect((await history.list(10, 0)).pieces.map((piece) => piece.id)).toEqual([third, second, first]);
    expect(await history.list(1, 1)).toMatchObject({ total: 3, pieces: [{ id: second }] });
    expect(await history.list(5, 7)).toEqual({ total: 3, pieces: [] });
    expect(await history.get(newPieceId())).toBeUndefined();
    await expect(history.stop(newPieceId(), 'failed', 'x', 0)).rejects.toThrow(/not in the store/);

    // What the embedded studio does at start-up: every unfinished piece (queued or being written) fails.
    expect(await history.failInterrupted('the server stopped before this piece was finished')).toBe(2);
    expect(await history.get(first)).toMatchObject({ status: 'failed', error: 'the server stopped before this piece was finished' });
    expect((await history.get(first))?.finishedAt).toBeDefined();
    expect(await history.get(second)).toMatchObject({ status: 'cancelled', error: 'cancelled: everyone listening left' });
    expect(await history.failInterrupted('again')).toBe(0);
    await history.close();
  });

  it(`finishes a piece with its files, which ${name === 'SQLite' ? 'another process on this machine' : 'another machine'} then reads`, async () => {
    const { history, dataFolder, elsewhere } = await open();
    const id = newPieceId();
    const primer = Buffer.from(new Midi().toArray());
    writeFileSync(join(dataFolder, pieceFilePath(id, 'primer.mid')), primer);
    const inserted = await history.insert({
      id,
      source: 'discord',
      request: { ...request, primer: true },
      header,
      primerPath: pieceFilePath(id, 'primer.mid'),
    });
    expect(inserted).toMatchObject({ primerPath: pieceFilePath(id, 'primer.mid'), request: { primer: true } });
    expect(await history.localFile(inserted, 'wav')).toBeUndefined();

    const { finished, written } = await finishWithFiles(history, dataFolder, id);
    expect(finished).toMatchObject({ status: 'done', noteCount: 2, seconds: 2.25, files: pieceFilePaths(id), header, source: 'discord' });
    expect(finished.finishedAt).toBeDefined();

    const other = await elsewhere();
    const record = await other.history.get(id);
    expect(record).toEqual(finished);
    if (!record) return;
    for (const [kind, bytes] of Object.entries({ ...written, 'primer.mid': primer })) {
      const path = await other.history.localFile(record, kind as StoredFileKind);
      expect(path, kind).toBe(join(other.dataFolder, pieceFilePath(id, kind as StoredFileKind)));
      expect(readFileSync(path as string).equals(bytes), kind).toBe(true);
    }
    // Scores as PDF and PNG are made on request, never recorded: none yet.
    expect(await other.history.localFile(record, 'pdf')).toBeUndefined();
    expect(await other.history.localFile(record, 'png')).toBeUndefined();
    await other.history.close();
    await history.close();
  });
});

describe('the history in PostgreSQL', () => {
  it('keeps the WAV as FLAC and gives the same samples back on another machine, one fetch for many asks', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    const dataFolder = temporaryFolder('history-pg');
    const history = await PostgresHistory.open({ databaseUrl, dataFolder });
    const id = newPieceId();
    await history.insert({ id, source: 'cli', request, header });
    const { finished, written } = await finishWithFiles(history, dataFolder, id);

    const rows = await queryOnce<{ kind: string; encoding: string; bytes: Buffer }>(
      databaseUrl,
      'SELECT kind, encoding, bytes FROM piece_files WHERE piece_id = $1 ORDER BY kind',
      [id],
    );
    expect(rows.map((row) => [row.kind, row.encoding])).toEqual([
      ['mid', 'identity'],
      ['mp3', 'identity'],
      ['musicxml', 'identity'],
      ['notes.json', 'identity'],
      ['ogg', 'identity'],
      ['wav', 'flac'],
    ]);
    const flac = rows.find((row) => row.kind === 'wav')?.bytes as Buffer;
    expect(flac.subarray(0, 4).toString('latin1')).toBe('fLaC');
    expect(flac.length).toBeLessThan((written.wav as Buffer).length);

    const otherFolder = temporaryFolder('history-pg-elsewhere');
    const other = await PostgresHistory.open({ databaseUrl, dataFolder: otherFolder });
    const paths = await Promise.all([other.localFile(finished, 'wav'), other.localFile(finished, 'wav'), other.localFile(finished, 'mid')]);
    expect(paths[0]).toBe(paths[1]);
    const wav = readFileSync(paths[0] as string);
    expect(wav.subarray(WAV_HEADER_BYTES).equals(pcmBytes(chordSignal(2)))).toBe(true);
    expect(wav.equals(written.wav as Buffer)).toBe(true);
    expect(readdirSync(join(otherFolder, 'pieces')).sort()).toEqual([`${id}.mid`, `${id}.wav`]);
    await other.close();
    await history.close();
  });

  it('migrates once when several processes open a new database at once', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    const histories = await Promise.all(
      Array.from({ length: 4 }, () => PostgresHistory.open({ databaseUrl, dataFolder: temporaryFolder('history-pg') })),
    );
    const id = newPieceId();
    await histories[0]?.insert({ id, source: 'web', request, header });
    for (const history of histories) expect((await history.get(id))?.status).toBe('queued');
    await Promise.all(histories.map((history) => history.close()));
    const rows = await queryOnce<{ version: number }>(databaseUrl, 'SELECT version FROM partita_schema ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1));
  });

  it('goes on after the server restarts', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    const history = await PostgresHistory.open({ databaseUrl, dataFolder: temporaryFolder('history-pg') });
    const id = newPieceId();
    await history.insert({ id, source: 'web', request, header });
    server?.stopServer();
    server?.startServer();
    // The pool's idle connection died with the server; the next query may still meet it once.
    const status = await history.get(id).then(
      (record) => record?.status,
      () => history.get(id).then((record) => record?.status),
    );
    expect(status).toBe('queued');
    await history.close();
  });
});

describe('openHistory', () => {
  it('opens SQLite without a database URL and PostgreSQL with one', async () => {
    const sqlite = await openHistory({ dataFolder: temporaryFolder('history-open'), databaseUrl: '' });
    expect(sqlite).toBeInstanceOf(SqliteHistory);
    await sqlite.close();
    const postgres = await openHistory({
      dataFolder: temporaryFolder('history-open'),
      databaseUrl: await (server as PostgresServer).createDatabase(),
    });
    expect(postgres).toBeInstanceOf(PostgresHistory);
    await postgres.close();
  });

  it('says which server it could not reach, without the password', async () => {
    const port = await freePort();
    const attempt = openHistory({
      dataFolder: temporaryFolder('history-open'),
      databaseUrl: `postgres://partita:s3cret@127.0.0.1:${port}/partita`,
    });
    await expect(attempt).rejects.toThrow(
      new RegExp(`^PostgreSQL at postgres://partita@127\\.0\\.0\\.1:${port}/partita is not reachable: .*ECONNREFUSED`),
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});
