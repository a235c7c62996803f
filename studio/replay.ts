import { readFile } from 'node:fs/promises';
import type { ComposedNote } from '../model/compose/note.js';
import type { PieceRecord } from '../store/index.js';
import type { StudioEvent } from './events.js';

/** Notes per replayed batch: a whole piece in a few events, none of them huge. */
const REPLAY_BATCH = 256;

/** The notes of a finished piece, from its notes file (none for a piece that has none). */
export async function readFinishedNotes(notesFile: string | undefined): Promise<ComposedNote[]> {
  if (!notesFile) return [];
  return JSON.parse(await readFile(notesFile, 'utf8')) as ComposedNote[];
}

/** A finished piece's events, read back from the store and its notes file, as its subscribers heard them live. */
export async function* replayFinished(record: PieceRecord, notesFile: string | undefined): AsyncGenerator<StudioEvent> {
  yield { type: 'header', header: record.header };
  if (record.status !== 'done') {
    yield { type: 'failed', message: record.error ?? 'the piece was not finished', cancelled: record.status === 'cancelled' };
    return;
  }
  const notes = await readFinishedNotes(notesFile);
  for (let start = 0; start < notes.length; start += REPLAY_BATCH) yield { type: 'notes', notes: notes.slice(start, start + REPLAY_BATCH) };
  yield { type: 'done', piece: record };
}
