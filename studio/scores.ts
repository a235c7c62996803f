import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ComposedNote, PieceHeader } from '../model/compose/note.js';
import { startWorker } from '../model/workerScript.js';
import { engravePdf } from '../notation/engrave.js';
import { composedToMusicXml } from '../notation/musicXml.js';
import { type PieceRecord, pieceFilePath, type ScoreFileKind } from '../store/index.js';
import type { EngraveReply, EngraveRequest } from './engraveWorker.js';

export type ScoreResult = { ok: true; bytes: Buffer; final: boolean } | { ok: false; status: 404 | 409 | 500; message: string };

/**
 * A finished piece's scores, made from its notes on first request and kept beside its other
 * files (a finished piece never changes); one engraving per file at a time, however many ask.
 */
export class ScoreShelf {
  private readonly making = new Map<string, Promise<Buffer>>();
  /** MuseScore runs one score at a time: each is a process of ~1 s CPU and 100+ MB, and a flood of PDF requests must not start dozens. */
  private engraving: Promise<unknown> = Promise.resolve();

  private imageWorker: Worker | undefined;
  private readonly images = new Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>();
  private nextImage = 0;

  constructor(private readonly dataFolder: string) {}

  /** Stops the image worker (if one was started). */
  async close(): Promise<void> {
    await this.imageWorker?.terminate();
    this.imageWorker = undefined;
  }

  /** The first system as a PNG, drawn on the image worker thread (started on first use, kept). */
  private drawImage(xml: string): Promise<Buffer> {
    if (!this.imageWorker) {
      const worker = startWorker(import.meta.url, 'engraveWorker');
      worker.on('message', (reply: EngraveReply) => {
        const waiting = this.images.get(reply.id);
        this.images.delete(reply.id);
        if ('png' in reply) waiting?.resolve(Buffer.from(reply.png));
        else waiting?.reject(new Error(reply.error));
      });
      worker.on('error', (error) => {
        for (const waiting of this.images.values()) waiting.reject(error);
        this.images.clear();
        this.imageWorker = undefined;
      });
      // Nothing waits on an idle image worker: it must not keep the process alive.
      worker.unref();
      this.imageWorker = worker;
    }
    const id = this.nextImage++;
    return new Promise((resolve, reject) => {
      this.images.set(id, { resolve, reject });
      this.imageWorker?.postMessage({ id, xml } satisfies EngraveRequest);
    });
  }

  /** MusicXML of what is written so far: the score fills in while the piece is being written. */
  draft(header: PieceHeader, notes: readonly ComposedNote[]): ScoreResult {
    return { ok: true, bytes: Buffer.from(composedToMusicXml(header, notes).xml), final: false };
  }

  async finished(record: PieceRecord, kind: ScoreFileKind, readNotes: () => Promise<ComposedNote[]>): Promise<ScoreResult> {
    const path = join(this.dataFolder, pieceFilePath(record.id, kind));
    if (existsSync(path)) return { ok: true, bytes: await readFile(path), final: true };
    let making = this.making.get(path);
    if (!making) {
      making = this.make(record, kind, path, readNotes).finally(() => this.making.delete(path));
      this.making.set(path, making);
    }
    try {
      return { ok: true, bytes: await making, final: true };
    } catch (error) {
      return { ok: false, status: 500, message: error instanceof Error ? error.message : String(error) };
    }
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.engraving.then(work, work);
    this.engraving = turn.catch(() => {});
    return turn;
  }

  private async make(record: PieceRecord, kind: ScoreFileKind, path: string, readNotes: () => Promise<ComposedNote[]>): Promise<Buffer> {
    // The compose worker wrote the MusicXML with the other files; older pieces have none yet.
    const written = join(this.dataFolder, pieceFilePath(record.id, 'musicxml'));
    const xml = existsSync(written) ? await readFile(written, 'utf8') : composedToMusicXml(record.header, await readNotes()).xml;
    const bytes =
      kind === 'musicxml' ? Buffer.from(xml) : kind === 'pdf' ? await this.inTurn(() => engravePdf(xml)) : await this.drawImage(xml);
    await writeFile(`${path}.partial`, bytes);
    await rename(`${path}.partial`, path);
    return bytes;
  }
}
