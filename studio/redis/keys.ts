/**
 * Every Redis key and channel partita uses, in one place (BullMQ keeps its own under `bull:<queue>`).
 * A piece's keys expire a while after it ends: by then its history has everything.
 */
export const QUEUE_NAME = 'partita-pieces';
/** Worker processes announce themselves here (field: worker id, value: JSON heartbeat). */
export const WORKERS_KEY = 'partita:workers';
/** Cancellation requests for pieces being written: every worker hears them, the one writing the piece acts. */
export const CANCEL_CHANNEL = 'partita:cancel';
/** How long a finished piece's live keys stay (late listeners by then read the history). */
export const PIECE_KEYS_TTL_SECONDS = 3600;

export const pieceKeys = (id: string) => ({
  /** Redis Stream of the piece's events (status, notes, done|failed), JSON in field `e`. */
  events: `partita:piece:${id}:events`,
  /** Redis Stream of the piece's Opus packets in batches (field `p`), closed by an entry with field `end`. */
  opus: `partita:piece:${id}:opus`,
  /** Hash: how many notes and packets the streams hold (a retried job skips what listeners already have). */
  counts: `partita:piece:${id}:counts`,
  /** Set: the front doors with listeners (the abandonment rule across front doors). */
  doors: `partita:piece:${id}:doors`,
  /** String: why someone asked to cancel the piece (read by a worker before it starts on it). */
  cancel: `partita:piece:${id}:cancel`,
});
