import { createHash } from 'node:crypto';

export interface RateLimitRule {
  /** Matches the path below `/api/v10` (a string must match exactly). */
  path: string | RegExp;
  method?: string;
  /** How many matching requests get a 429 before requests pass again. */
  count?: number;
  retryAfterSeconds?: number;
  /** A global limit (X-RateLimit-Global) instead of a per-route one. */
  global?: boolean;
}

export interface RateLimitVerdict {
  status: 200 | 429;
  headers: Record<string, string>;
  body?: { message: string; retry_after: number; global: boolean; code?: number };
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

/**
 * Per-route buckets as Discord keeps them (route template + major parameter), with the headers
 * @discordjs/rest reads, plus 429s a test asks for. Real limits apply too: a client that ignores
 * the headers and bursts past `limit` in a window gets a 429 like it would from Discord.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly injected: Required<RateLimitRule>[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Answers the next `count` requests matching `rule` with 429. */
  failNext(rule: RateLimitRule): void {
    this.injected.push({ method: '', count: 1, retryAfterSeconds: 1, global: false, ...rule });
  }

  check(method: string, path: string, template: string, majorParameter: string): RateLimitVerdict {
    const now = Date.now();
    const hash = createHash('sha1').update(`${method} ${template}`).digest('hex').slice(0, 16);
    const key = `${hash}:${majorParameter}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: this.limit, resetAt: now + this.windowMs };
      this.buckets.set(key, bucket);
    }
    const headers = (remaining: number, resetAfterMs: number): Record<string, string> => ({
      'X-RateLimit-Limit': String(this.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': ((now + resetAfterMs) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': (resetAfterMs / 1000).toFixed(3),
      'X-RateLimit-Bucket': hash,
    });

    const rule = this.injected.find((r) => (!r.method || r.method === method) && matches(r.path, path));
    if (rule) {
      rule.count--;
      if (rule.count <= 0) this.injected.splice(this.injected.indexOf(rule), 1);
      return limited(headers(0, rule.retryAfterSeconds * 1000), rule.retryAfterSeconds, rule.global);
    }
    if (bucket.remaining === 0) return limited(headers(0, bucket.resetAt - now), (bucket.resetAt - now) / 1000, false);
    bucket.remaining--;
    return { status: 200, headers: headers(bucket.remaining, bucket.resetAt - now) };
  }
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function limited(headers: Record<string, string>, retryAfterSeconds: number, global: boolean): RateLimitVerdict {
  return {
    status: 429,
    headers: {
      ...headers,
      // Discord sends whole seconds in the header and the precise value in the body.
      'Retry-After': String(Math.ceil(retryAfterSeconds)),
      'X-RateLimit-Scope': global ? 'global' : 'user',
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
    },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
  };
}
