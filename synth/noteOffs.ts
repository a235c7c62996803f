/** Pending note-offs, earliest first: a binary min-heap on the frame at which each note ends. */
export interface NoteOff {
  frame: number;
  channel: number;
  pitch: number;
  /** Which note-on this ends; a later note-on of the same key on the same channel supersedes it. */
  noteId: number;
}

export class NoteOffQueue {
  private readonly heap: NoteOff[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): NoteOff | undefined {
    return this.heap[0];
  }

  push(event: NoteOff): void {
    const heap = this.heap;
    heap.push(event);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): NoteOff | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && this.before(left, smallest)) smallest = left;
        if (right < heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }

  /** Ties go to the older note so that note-offs at one instant keep the order their notes began in. */
  private before(a: number, b: number): boolean {
    const x = this.heap[a] as NoteOff;
    const y = this.heap[b] as NoteOff;
    return x.frame < y.frame || (x.frame === y.frame && x.noteId < y.noteId);
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    [heap[a], heap[b]] = [heap[b] as NoteOff, heap[a] as NoteOff];
  }
}
