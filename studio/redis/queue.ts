import type { JobsOptions } from 'bullmq';
import type { PiecePlan } from '../../model/compose/compose.js';

/** A job on the queue: one piece to write, planned by the front door that accepted it. */
export interface PieceJob {
  id: string;
  plan: PiecePlan;
  title: string;
}

/** The job's id is the piece's, so any front door can find (and cancel) it. */
export function pieceJobOptions(id: string): JobsOptions {
  return { jobId: id, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
}

/**
 * A worker holds a job's lock while it writes the piece and renews it every half of this; a worker that
 * dies (kill -9, a lost machine) stops renewing, and within about this plus `STALLED_INTERVAL_MS`
 * another worker's stalled-job check hands the job on. Short, because someone is listening.
 */
export const LOCK_MS = 10_000;
export const STALLED_INTERVAL_MS = 5_000;
/** A piece is handed to another worker once; lost a second time, it fails (with a message to its listeners). */
export const MAX_STALLED = 1;
