import type { ComposedNote, PieceHeader } from '../model/compose/note.js';
import type { PieceRecord } from '../store/index.js';

/**
 * What a piece's subscribers hear, in this order: its header, status changes, notes in batches
 * (with progress after each batch), then exactly one of done or failed. A late subscriber first
 * gets everything written so far (header, status, every note), then the rest as it happens.
 */
export type StudioEvent =
  | { type: 'header'; header: PieceHeader }
  | { type: 'status'; status: 'queued' | 'composing' | 'rendering' }
  | { type: 'notes'; notes: ComposedNote[] }
  /** How far the composer has got: the start of its latest note, of the piece's planned seconds. Live only, never replayed. */
  | { type: 'progress'; seconds: number; of: number }
  | { type: 'done'; piece: PieceRecord }
  /** `cancelled`: stopped on purpose (cancel(), or everyone listening left) rather than by an error. */
  | { type: 'failed'; message: string; cancelled: boolean };

export function isFinalEvent(event: StudioEvent): boolean {
  return event.type === 'done' || event.type === 'failed';
}
