/**
 * Synthesizer instances shared by renders. A render owns an instance from its first chunk to its last,
 * and a stream may be drained at playback speed, so concurrent renders each need their own. Instances
 * cost a tenth of a second and a few MB each (the samples are shared, fluid.ts): the pool makes them only
 * when all are busy, up to a limit, and further renders wait their turn.
 */
export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly waiting: ((item: T) => void)[] = [];
  private created = 0;

  constructor(
    private readonly make: () => Promise<T>,
    private readonly limit: number,
    first: T,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the pool needs a limit >= 1, got ${limit}`);
    this.idle.push(first);
    this.created = 1;
  }

  async acquire(): Promise<T> {
    const item = this.idle.pop();
    if (item !== undefined) return item;
    if (this.created < this.limit) {
      this.created++;
      try {
        return await this.make();
      } catch (error) {
        this.created--;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(item: T): void {
    const next = this.waiting.shift();
    if (next) next(item);
    else this.idle.push(item);
  }

  /** The instances not in use (all of them once every render has finished). */
  drainIdle(): T[] {
    return this.idle.splice(0);
  }
}
