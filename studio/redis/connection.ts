import { Redis } from 'ioredis';
import { redactedUrl } from '../../store/index.js';

/**
 * A connection to PARTITA_REDIS_URL. `maxRetriesPerRequest: null`: commands wait across a reconnect
 * rather than fail (BullMQ requires it of its workers' connections, and a worker's feed writes should
 * survive a blip); front doors check `isReachable` first so a person gets a 503, not a wait.
 */
export function connectRedis(url: string, name: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
  let reported = false;
  redis.on('error', (error: Error) => {
    // ioredis retries on its own; one line per outage, not one per retry.
    if (!reported) process.stderr.write(`partita: Redis at ${redactedUrl(url)}: ${error.message} (retrying)\n`);
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) process.stderr.write(`partita: Redis at ${redactedUrl(url)} is back\n`);
    reported = false;
  });
  return redis;
}

/** Resolves once the connection is ready, or rejects with a message naming the server after `timeoutMs`. */
export async function untilReady(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis at ${redactedUrl(url)} is not reachable (PARTITA_REDIS_URL)`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
