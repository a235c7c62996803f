import type { InstrumentName } from '../instruments.js';

/** One note of a composed piece, as compose() streams it: everything a synth or a piano roll needs. */
export interface ComposedNote {
  instrument: InstrumentName;
  /** The part that plays it ("violin 1"), one of the header's parts; absent means the instrument's only part. */
  part?: string;
  /** MIDI pitch 0-127, inside the instrument's playable range. */
  pitch: number;
  /** 1-127 */
  velocity: number;
  startSeconds: number;
  durationSeconds: number;
  /** Whether the note came from the primer rather than from the model. */
  primer?: boolean;
}

export interface HeaderPart {
  instrument: InstrumentName;
  /** 0 = first player of that instrument. */
  slot: number;
  name: string;
}

/** What is fixed before the first note: the instruments, tempo and metre the notes are written in. */
export interface PieceHeader {
  /** The distinct instruments (one synth channel each). */
  instruments: readonly InstrumentName[];
  /** The players, each a line and a MIDI track of its own ("violin 1", "violin 2", "viola", ...). */
  parts: readonly HeaderPart[];
  /** The key it is written in ("d-minor"): the one asked for, else one drawn by the seed (see drawKey); absent in pieces from before keys. */
  key?: string;
  composer?: string;
  /** Quarter-note beats per minute. */
  tempo: number;
  timeSignature: [number, number];
  seed: number;
  /** The piece's length: whole bars, as near the requested seconds as bars allow. */
  seconds: number;
}
