import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PiecePlan, planPiece } from '../model/compose/compose.js';
import { ComposeError } from '../model/compose/errors.js';
import type { ComposedNote } from '../model/compose/note.js';
import { MAX_PRIMER_BYTES, parseComposeRequest } from '../model/compose/request.js';
import { findInstrumentation } from '../model/ensembles.js';
import {
  isFinalStatus,
  type PieceHistory,
  type PieceRecord,
  type PieceSource,
  pieceFilePath,
  type ScoreFileKind,
  type StoredRequest,
} from '../store/index.js';
import type { SubmitError, SubmitInput } from './api.js';
import type { StudioEvent } from './events.js';
import { readFinishedNotes, replayFinished } from './replay.js';
import type { ScoreResult, ScoreShelf } from './scores.js';

/** What any studio needs to know of a piece to have it written: its plan and its title. */
export interface PlannedPiece {
  plan: PiecePlan;
  request: StoredRequest;
  title: string;
}

/** What a client refused with 'queue-full' is told to wait: about the time a few pieces take. */
export const RETRY_AFTER_SECONDS = 10;

function pieceTitle(plan: PiecePlan, instrument: string): string {
  const label = findInstrumentation(instrument)?.label ?? instrument;
  return `partita: ${label}${plan.header.composer ? ` after ${plan.header.composer}` : ''}, seed ${plan.header.seed}`;
}

/**
 * Validates and plans a submission, turning anything wrong with what the client sent (fields, a primer
 * too big or unreadable) into a message for them.
 */
export function planSubmission(input: SubmitInput): PlannedPiece | SubmitError {
  const { primer } = input;
  if (primer && primer.byteLength > MAX_PRIMER_BYTES) {
    return { reason: 'primer-too-large', message: `primer: the MIDI file must be at most ${MAX_PRIMER_BYTES} bytes` };
  }
  try {
    const parsed = parseComposeRequest(input.fields);
    const plan = planPiece(primer ? { ...parsed, primer } : parsed);
    return { plan, request: primer ? { ...parsed, primer: true } : parsed, title: pieceTitle(plan, parsed.instrument) };
  } catch (error) {
    if (error instanceof ComposeError) return { reason: 'invalid', message: error.message };
    // Anything else came out of parsing the primer's bytes: they are what the client controls.
    if (primer) return { reason: 'invalid', message: 'primer: not a readable MIDI file' };
    throw error;
  }
}

export function queueFullError(running: number, waiting: number): SubmitError {
  return {
    reason: 'queue-full',
    message: `the composer is busy (${running} pieces being written, ${waiting} waiting); try again shortly`,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  };
}

/** Records an accepted piece as queued, with its primer saved beside its other files. */
export async function recordSubmission(
  history: PieceHistory,
  dataFolder: string,
  piece: { id: string; source: PieceSource; input: SubmitInput; planned: PlannedPiece },
): Promise<PieceRecord> {
  const { id, input, planned } = piece;
  let primerPath: string | undefined;
  if (input.primer) {
    primerPath = pieceFilePath(id, 'primer.mid');
    await writeFile(join(dataFolder, primerPath), input.primer);
  }
  return history.insert({
    id,
    source: piece.source,
    request: planned.request,
    header: planned.plan.header,
    ...(primerPath ? { primerPath } : {}),
  });
}

/** A finished piece's events, replayed from the history; undefined unless it is finished. */
export async function replayFromHistory(
  history: PieceHistory,
  record: PieceRecord,
): Promise<AsyncIterableIterator<StudioEvent> | undefined> {
  if (!isFinalStatus(record.status)) return undefined;
  return replayFinished(record, await history.localFile(record, 'notes.json'));
}

/**
 * A piece's score: a draft of the notes so far while it is written (`notesSoFar` given by whoever
 * follows it live), else the finished piece's files, made on first request.
 */
export async function pieceScore(
  history: PieceHistory,
  scores: ScoreShelf,
  record: PieceRecord | undefined,
  kind: ScoreFileKind,
  notesSoFar: (() => ComposedNote[]) | undefined,
): Promise<ScoreResult> {
  if (!record) return { ok: false, status: 404, message: 'no piece with this id' };
  if (notesSoFar && !isFinalStatus(record.status)) {
    if (kind === 'musicxml') return scores.draft(record.header, notesSoFar());
    return { ok: false, status: 409, message: `the piece is ${record.status}: its ${kind.toUpperCase()} comes when it is done` };
  }
  if (record.status !== 'done') {
    const status = record.status === 'queued' || record.status === 'composing' || record.status === 'rendering' ? 409 : 404;
    return { ok: false, status, message: `the piece is ${record.status}: no score` };
  }
  // The worker wrote the MusicXML with the other files: have it here before making the others from it.
  await history.localFile(record, 'musicxml');
  return scores.finished(record, kind, async () => readFinishedNotes(await history.localFile(record, 'notes.json')));
}
