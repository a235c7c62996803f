/**
 * At most `limit` requests per user in any `windowSeconds`: a composing request costs seconds of
 * CPU, so one person cannot fill the queue for everyone else.
 */
export class UserRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a request and returns 0, or returns the seconds until the user may ask again. */
  take(userId: string): number {
    const now = this.now();
    const windowMs = this.windowSeconds * 1000;
    const times = (this.recent.get(userId) ?? []).filter((time) => now - time < windowMs);
    if (times.length >= this.limit) {
      this.recent.set(userId, times);
      return Math.ceil(((times[0] as number) + windowMs - now) / 1000);
    }
    times.push(now);
    this.recent.set(userId, times);
    return 0;
  }
}
