import type { ComposedNote, PieceHeader } from '../model/compose/note.js';
import { isFinalEvent, type StudioEvent } from './events.js';
import { Feed } from './feed.js';

/**
 * The live state of one unfinished piece in this process: what has been written so far (events and
 * the Opus packets its worker encoded, replayed to late subscribers) and who is listening. Packets, not
 * PCM: a 5-minute piece is ~3.6 MB of them here (its PCM would be 57.6 MB), and every listener shares them.
 *
 * The abandonment rule: a piece nobody listens to any more is not worth finishing. Once it has had a
 * listener (event or audio subscriber), when the last one leaves before the piece is finished and none
 * comes back within `graceMs` (a page reload, an EventSource reconnect), `onAbandoned` is called and
 * the studio cancels the piece. A piece that never had a listener runs to the end: its submitter may
 * simply not have subscribed yet.
 */
export class PieceSession {
  private readonly log: StudioEvent[] = [];
  /** The packets so far, in the batches the worker sent them. */
  private readonly opus: (readonly Uint8Array[])[] = [];
  private readonly eventFeeds = new Set<Feed<StudioEvent>>();
  private readonly opusFeeds = new Set<Feed<readonly Uint8Array[]>>();
  private finished = false;
  private abandonTimer: NodeJS.Timeout | undefined;
  noteCount = 0;
  /** Why the piece is being cancelled, once someone asked. */
  cancelReason: string | undefined;

  constructor(
    readonly id: string,
    private readonly header: PieceHeader,
    private readonly graceMs: number,
    private readonly onAbandoned: () => void,
  ) {
    this.log.push({ type: 'header', header }, { type: 'status', status: 'queued' });
  }

  emit(event: StudioEvent): void {
    if (this.finished) return;
    if (event.type !== 'progress') this.log.push(event);
    if (event.type === 'notes') this.noteCount += event.notes.length;
    for (const feed of this.eventFeeds) feed.push(event);
    if (isFinalEvent(event)) this.finish();
  }

  addOpus(packets: readonly Uint8Array[]): void {
    if (this.finished) return;
    this.opus.push(packets);
    for (const feed of this.opusFeeds) feed.push(packets);
  }

  /** Everything so far, then live events until the final one. */
  events(): Feed<StudioEvent> {
    return this.subscribe(this.eventFeeds, this.log);
  }

  /** The notes written so far, in the order they came. */
  notesSoFar(): ComposedNote[] {
    return this.log.flatMap((event) => (event.type === 'notes' ? event.notes : []));
  }

  /** The Opus packets so far, then live batches until the piece ends. */
  opusStream(): Feed<readonly Uint8Array[]> {
    return this.subscribe(this.opusFeeds, this.opus);
  }

  get plannedSeconds(): number {
    return this.header.seconds;
  }

  get listeners(): number {
    return this.eventFeeds.size + this.opusFeeds.size;
  }

  private subscribe<T>(feeds: Set<Feed<T>>, replay: readonly T[]): Feed<T> {
    const feed = new Feed<T>((left) => this.leave(feeds, left));
    for (const item of replay) feed.push(item);
    if (this.finished) feed.end();
    else {
      feeds.add(feed);
      clearTimeout(this.abandonTimer);
      this.abandonTimer = undefined;
    }
    return feed;
  }

  private leave<T>(feeds: Set<Feed<T>>, feed: Feed<T>): void {
    feeds.delete(feed);
    if (this.finished || this.listeners > 0 || this.abandonTimer) return;
    this.abandonTimer = setTimeout(() => {
      this.abandonTimer = undefined;
      if (!this.finished && this.listeners === 0) this.onAbandoned();
    }, this.graceMs);
  }

  private finish(): void {
    this.finished = true;
    clearTimeout(this.abandonTimer);
    for (const feed of [...this.eventFeeds, ...this.opusFeeds]) feed.end();
    this.eventFeeds.clear();
    this.opusFeeds.clear();
  }
}
