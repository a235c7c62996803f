import type { InstrumentName } from '../instruments.js';

/** One note of a composed piece, as compose() streams it: everything a synth or a piano roll needs. */
export interface ComposedNote {
  instrument: InstrumentName;
  /** MIDI pitch 0-127, inside the instrument's playable range. */
  pitch: number;
  /** 1-127 */
  velocity: number;
  startSeconds: number;
  durationSeconds: number;
  /** Whether the note came from the primer rather than from the model. */
  primer?: boolean;
}

/** What is fixed before the first note: the instruments, tempo and metre the notes are written in. */
export interface PieceHeader {
  instruments: readonly InstrumentName[];
  composer?: string;
  /** Quarter-note beats per minute. */
  tempo: number;
  timeSignature: [number, number];
  seed: number;
  /** The piece's length: whole bars, as near the requested seconds as bars allow. */
  seconds: number;
}
