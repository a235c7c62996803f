import type { Redis } from 'ioredis';
import type { StudioEvent } from '../events.js';
import { isFinalEvent } from '../events.js';
import { PIECE_KEYS_TTL_SECONDS, pieceKeys } from './keys.js';
import { packOpus, unpackOpus } from './opusBatch.js';

/**
 * A piece's live feed on Redis Streams: what its worker writes (events and Opus packets) and what any
 * front door reads, from the first entry, so a listener on any machine hears a piece written on any
 * other, and a late one gets the replay. Two streams per piece, so a reader of events never pulls the
 * audio through; progress is not written (a reader derives it from the notes).
 */

function logFailedWrite(id: string): (error: unknown) => void {
  return (error) =>
    process.stderr.write(`partita: the live feed of ${id} lost a write: ${error instanceof Error ? error.message : error}\n`);
}

/** Ends a piece's feed with its final event (done or failed) and lets its keys expire. */
export async function endFeed(redis: Redis, id: string, final: StudioEvent): Promise<void> {
  const keys = pieceKeys(id);
  const transaction = redis.multi().xadd(keys.opus, '*', 'end', '1').xadd(keys.events, '*', 'e', JSON.stringify(final));
  for (const key of Object.values(keys)) transaction.expire(key, PIECE_KEYS_TTL_SECONDS);
  await transaction.exec();
}

/**
 * What one attempt at writing a piece appends. A job retried on another worker (the first died) writes
 * the piece again from its seed, note for note and packet for packet; it skips as many notes and
 * packets as the feed already holds, so listeners hear the piece go on rather than start again.
 * Writes are sent in order on one connection and not awaited one by one (Redis keeps their order).
 */
export class FeedWriter {
  private constructor(
    private readonly redis: Redis,
    readonly id: string,
    private skipNotes: number,
    private skipPackets: number,
  ) {}

  static async open(redis: Redis, id: string): Promise<FeedWriter> {
    const counts = await redis.hgetall(pieceKeys(id).counts);
    return new FeedWriter(redis, id, Number(counts.notes ?? 0), Number(counts.packets ?? 0));
  }

  /** True when an earlier attempt already wrote part of the piece. */
  get resuming(): boolean {
    return this.skipNotes > 0 || this.skipPackets > 0;
  }

  event(event: Exclude<StudioEvent, { type: 'done' | 'failed' | 'progress' }>): void {
    const keys = pieceKeys(this.id);
    if (event.type !== 'notes') {
      this.redis.xadd(keys.events, '*', 'e', JSON.stringify(event)).catch(logFailedWrite(this.id));
      return;
    }
    const skipped = Math.min(this.skipNotes, event.notes.length);
    this.skipNotes -= skipped;
    const notes = event.notes.slice(skipped);
    if (notes.length === 0) return;
    this.redis
      .multi()
      .xadd(keys.events, '*', 'e', JSON.stringify({ type: 'notes', notes }))
      .hincrby(keys.counts, 'notes', notes.length)
      .exec()
      .catch(logFailedWrite(this.id));
  }

  opus(packets: readonly Uint8Array[]): void {
    const skipped = Math.min(this.skipPackets, packets.length);
    this.skipPackets -= skipped;
    const fresh = packets.slice(skipped);
    if (fresh.length === 0) return;
    const keys = pieceKeys(this.id);
    this.redis
      .multi()
      .xadd(keys.opus, '*', 'p', packOpus(fresh))
      .hincrby(keys.counts, 'packets', fresh.length)
      .exec()
      .catch(logFailedWrite(this.id));
  }
}

export type FeedItem = { type: 'event'; event: StudioEvent } | { type: 'opus'; packets: Uint8Array[] };

/** How long one read waits for new entries before `idle` is asked whether the piece ended some other way. */
const BLOCK_MS = 2000;

type StreamReply = [Buffer, [Buffer, Buffer[]][]][];

function field(fields: Buffer[], name: string): Buffer | undefined {
  for (let index = 0; index + 1 < fields.length; index += 2) if (fields[index]?.toString() === name) return fields[index + 1];
  return undefined;
}

/**
 * Reads a piece's feed from its first entry until its final event, on `redis` (a connection of its own:
 * the reads block). Opus entries of each read come before its events, so no packet written before the
 * final event is lost behind it. `idle` is asked after each quiet `BLOCK_MS`; a final event it returns
 * (the history says the piece ended, its feed never will) ends the reading.
 */
export async function* readFeed(redis: Redis, id: string, idle: () => Promise<StudioEvent | undefined>): AsyncGenerator<FeedItem> {
  const keys = pieceKeys(id);
  let lastOpus = '0';
  let lastEvent = '0';
  for (;;) {
    const reply = (await redis.xreadBuffer(
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      keys.opus,
      keys.events,
      lastOpus,
      lastEvent,
    )) as StreamReply | null;
    if (!reply) {
      const ended = await idle();
      if (ended) {
        yield { type: 'event', event: ended };
        return;
      }
      continue;
    }
    for (const [key, entries] of reply) {
      const isOpus = key.toString() === keys.opus;
      for (const [entryId, fields] of entries) {
        if (isOpus) {
          lastOpus = entryId.toString();
          const batch = field(fields, 'p');
          if (batch) yield { type: 'opus', packets: unpackOpus(batch) };
          continue;
        }
        lastEvent = entryId.toString();
        const event = JSON.parse(field(fields, 'e')?.toString() ?? 'null') as StudioEvent | null;
        if (!event) continue;
        yield { type: 'event', event };
        if (isFinalEvent(event)) return;
      }
    }
  }
}
