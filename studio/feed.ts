/**
 * A one-reader async queue: the producer pushes as things happen, the reader iterates at its own
 * pace (nothing is dropped; what it has not read yet waits here). Leaving the loop early calls
 * `onLeave`, which is how the studio knows a listener went away.
 */
export class Feed<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private left = false;

  constructor(private readonly onLeave: (feed: Feed<T>) => void) {}

  push(item: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: item, done: false });
    } else this.items.push(item);
  }

  /** No more items: the reader gets what is queued, then the end. */
  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The reader left (a `break`, an error, or a disconnected client). */
  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    if (!this.left && !this.ended) {
      this.left = true;
      this.onLeave(this);
    }
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
