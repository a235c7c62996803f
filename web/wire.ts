/** What the API sends: pieces and studio events as JSON, with URLs instead of paths on the server's disk. */
import type { ComposedNote } from '../model/compose/note.js';
import { PIECE_FILE_KINDS, type PieceFileKind, type PieceRecord, SCORE_FILE_KINDS, type ScoreFileKind } from '../store/index.js';
import type { StudioEvent } from '../studio/index.js';

export function pieceUrls(id: string) {
  const api = `/api/pieces/${id}`;
  // The score while it is being written (MusicXML of the notes so far); `files` has it once done.
  return {
    page: `/pieces/${id}`,
    api,
    events: `${api}/events`,
    live: `${api}/live.webm`,
    livePackets: `${api}/live.opus`,
    score: `${api}.musicxml`,
  };
}

function fileUrls(id: string): Record<PieceFileKind | ScoreFileKind, string> {
  return Object.fromEntries([...PIECE_FILE_KINDS, ...SCORE_FILE_KINDS].map((kind) => [kind, `/api/pieces/${id}.${kind}`])) as Record<
    PieceFileKind | ScoreFileKind,
    string
  >;
}

export function pieceToJson(piece: PieceRecord) {
  return {
    id: piece.id,
    url: pieceUrls(piece.id).page,
    createdAt: piece.createdAt,
    source: piece.source,
    status: piece.status,
    ...(piece.error !== undefined ? { error: piece.error } : {}),
    request: piece.request,
    seed: piece.seed,
    header: piece.header,
    noteCount: piece.noteCount,
    seconds: piece.seconds,
    ...(piece.finishedAt ? { finishedAt: piece.finishedAt } : {}),
    links: pieceUrls(piece.id),
    ...(piece.status === 'done' ? { files: fileUrls(piece.id) } : {}),
  };
}

/** A tenth of a millisecond is plenty for a piano roll and keeps note batches small. */
const round = (seconds: number): number => Math.round(seconds * 1e4) / 1e4;

function noteToJson(note: ComposedNote) {
  return {
    instrument: note.instrument,
    pitch: note.pitch,
    velocity: note.velocity,
    start: round(note.startSeconds),
    duration: round(note.durationSeconds),
    ...(note.primer ? { primer: true } : {}),
  };
}

/** A studio event as a Server-Sent Event's name and JSON data. */
export function eventToSse(id: string, event: StudioEvent): { event: string; data: unknown } {
  switch (event.type) {
    case 'header':
      return { event: 'header', data: { id, ...event.header } };
    case 'status':
      return { event: 'status', data: { status: event.status } };
    case 'notes':
      return { event: 'notes', data: event.notes.map(noteToJson) };
    case 'progress':
      return { event: 'progress', data: { seconds: round(event.seconds), of: round(event.of) } };
    case 'done':
      return { event: 'done', data: { files: fileUrls(id), noteCount: event.piece.noteCount, seconds: event.piece.seconds } };
    case 'failed':
      return { event: 'failed', data: { message: event.message, cancelled: event.cancelled } };
  }
}
