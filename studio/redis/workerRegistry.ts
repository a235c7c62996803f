import type { Redis } from 'ioredis';
import { WORKERS_KEY } from './keys.js';

/** What each worker process writes under WORKERS_KEY every HEARTBEAT_MS. */
export interface WorkerHeartbeat {
  threads: number;
  piecesPerWorker: number;
  /** Date.now() of the beat. */
  seenAt: number;
}

export const HEARTBEAT_MS = 5_000;
/** A worker not heard from in three beats is gone (killed, or its machine lost). */
const GONE_AFTER_MS = 3 * HEARTBEAT_MS;

/** The worker processes alive now: their threads and how many pieces they write at once. Forgets the gone. */
export async function liveWorkers(redis: Redis): Promise<{ threads: number; capacity: number }> {
  const beats = await redis.hgetall(WORKERS_KEY);
  let threads = 0;
  let capacity = 0;
  for (const [worker, text] of Object.entries(beats)) {
    const beat = JSON.parse(text) as WorkerHeartbeat;
    if (Date.now() - beat.seenAt > GONE_AFTER_MS) {
      await redis.hdel(WORKERS_KEY, worker);
      continue;
    }
    threads += beat.threads;
    capacity += beat.threads * beat.piecesPerWorker;
  }
  return { threads, capacity };
}
