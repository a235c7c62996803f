import type { PieceFileKind, PieceRecord, PieceSource, ScoreFileKind } from '../store/index.js';
import type { StudioEvent } from './events.js';
import type { ScoreResult } from './scores.js';

export interface SubmitInput {
  /** The compose request's fields as a client sent them (validated here). */
  fields: unknown;
  /** A MIDI file for the piece to continue. */
  primer?: Uint8Array;
}

export type SubmitErrorReason = 'invalid' | 'primer-too-large' | 'queue-full' | 'closed' | 'unavailable';
export interface SubmitError {
  reason: SubmitErrorReason;
  /** For the person who asked. */
  message: string;
  /** With 'queue-full' and 'unavailable': when trying again is worthwhile. */
  retryAfterSeconds?: number;
}
export type SubmitResult = { ok: true; piece: PieceRecord } | { ok: false; error: SubmitError };

export interface StudioHealth {
  /** Compose worker threads this studio can reach (in this process, or registered by `partita worker`s). */
  workers: number;
  piecesPerWorker: number;
  running: number;
  queued: number;
  queueLimit: number;
}

/**
 * The composing service as a front door (the web app, a bot shard) uses it. One implementation owns the
 * pieces in this process (`createStudio`, embedded); the others are clients of an owner elsewhere: the
 * parent process over IPC (bot shards), or the queue and live feeds on Redis (`partita worker`s).
 * Whichever it is, a piece has exactly one owner, which alone decides its life.
 */
export interface Studio {
  /** Validates and queues a piece; returns its record (status 'queued'). */
  submit(input: SubmitInput, source: PieceSource): Promise<SubmitResult>;
  get(id: string): Promise<PieceRecord | undefined>;
  /** History, newest first. */
  list(limit: number, offset: number): Promise<{ pieces: PieceRecord[]; total: number }>;
  /**
   * The piece's events from its start (replayed) until done or failed; undefined for an unknown id.
   * Leaving the loop counts as the listener leaving (see PieceSession's abandonment rule).
   */
  subscribe(id: string): Promise<AsyncIterableIterator<StudioEvent> | undefined>;
  /**
   * The piece's audio as its worker encoded it, once for every listener: batches of 20 ms Opus packets
   * (48 kHz stereo), from its first packet, then as rendered; undefined unless the piece is being written
   * right now (finished pieces have files). Leaving the loop counts as the listener leaving.
   */
  subscribeOpus(id: string): Promise<AsyncIterableIterator<readonly Uint8Array[]> | undefined>;
  /** Stops a queued or unfinished piece; false when there is none by that id. */
  cancel(id: string, reason?: string): Promise<boolean>;
  /**
   * The piece's score: while it is being written, MusicXML of the notes so far; once done,
   * MusicXML, a PDF or a PNG of the first system (made on first request, then kept).
   */
  score(id: string, kind: ScoreFileKind): Promise<ScoreResult>;
  /** A path on this machine to a finished piece's file (copied from the database first where it lives there). */
  localFile(piece: PieceRecord, kind: PieceFileKind): Promise<string | undefined>;
  health(): Promise<StudioHealth>;
  /** Stops what this studio owns and lets go of what it holds (workers, connections, the database). */
  close(): Promise<void>;
}

/** The studio's engine (the queue, the live feeds) cannot be reached: a front door answers 503 with this message. */
export class StudioUnavailableError extends Error {
  override readonly name = 'StudioUnavailableError';
}
