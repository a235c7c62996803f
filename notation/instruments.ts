import type { InstrumentName } from '../model/instruments.js';
import type { NotatedKey } from './spelling.js';

export interface Clef {
  sign: 'G' | 'F' | 'C';
  line: number;
}

/** How a part is written: its clefs (two for a grand staff) and how far its written pitch is above the sound. */
export interface PartNotation {
  clefs: readonly Clef[];
  /** Written pitch = sounding pitch + this (horn in F: 7; contrabass: 12). */
  writtenAbove: number;
  /** The instrument's name on the score when it transposes ("Horn in F"). */
  transposedName?: string;
  abbreviation: string;
}

const TREBLE: Clef = { sign: 'G', line: 2 };
const BASS: Clef = { sign: 'F', line: 4 };
const ALTO: Clef = { sign: 'C', line: 3 };
const TENOR: Clef = { sign: 'C', line: 4 };

const ABBREVIATIONS: Record<InstrumentName, string> = {
  piano: 'Pno.',
  harpsichord: 'Hpsd.',
  violin: 'Vln.',
  viola: 'Vla.',
  cello: 'Vc.',
  contrabass: 'Cb.',
  horn: 'Hn.',
  oboe: 'Ob.',
  bassoon: 'Bsn.',
  clarinet: 'Cl.',
  flute: 'Fl.',
};

/** A cello or bassoon line that lives above the bass staff reads in tenor clef. */
const TENOR_FROM_PITCH = 57;
const TENOR_SHARE = 0.6;

/** Middle C: where a keyboard part's notes move from the left hand's staff to the right's. */
export const GRAND_STAFF_SPLIT = 60;

/**
 * The notation of one part: the usual clef for its instrument and range, written at written
 * pitch. Clarinets are in A for sharp keys and in B-flat otherwise, as orchestral writing does.
 */
export function partNotation(instrument: InstrumentName, pitches: readonly number[], concertKey: NotatedKey): PartNotation {
  const abbreviation = ABBREVIATIONS[instrument];
  switch (instrument) {
    case 'piano':
    case 'harpsichord':
      return { clefs: [TREBLE, BASS], writtenAbove: 0, abbreviation };
    case 'viola':
      return { clefs: [ALTO], writtenAbove: 0, abbreviation };
    case 'cello':
    case 'bassoon': {
      const high = pitches.filter((pitch) => pitch >= TENOR_FROM_PITCH).length;
      return { clefs: [pitches.length > 0 && high / pitches.length >= TENOR_SHARE ? TENOR : BASS], writtenAbove: 0, abbreviation };
    }
    case 'contrabass':
      return { clefs: [BASS], writtenAbove: 12, abbreviation };
    case 'horn':
      return { clefs: [TREBLE], writtenAbove: 7, transposedName: 'Horn in F', abbreviation: 'Hn. (F)' };
    case 'clarinet':
      return concertKey.fifths >= 2
        ? { clefs: [TREBLE], writtenAbove: 3, transposedName: 'Clarinet in A', abbreviation: 'Cl. (A)' }
        : { clefs: [TREBLE], writtenAbove: 2, transposedName: 'Clarinet in B♭', abbreviation: 'Cl. (B♭)' };
    default:
      return { clefs: [TREBLE], writtenAbove: 0, abbreviation };
  }
}

/** MusicXML's <transpose> for a written-above interval: diatonic steps and chromatic semitones down to the sound. */
export function transposeElement(writtenAbove: number): { diatonic: number; chromatic: number; octaveChange: number } | undefined {
  if (writtenAbove === 0) return undefined;
  const octaves = Math.floor(writtenAbove / 12);
  const rest = writtenAbove % 12;
  const DIATONIC_STEPS: Record<number, number> = { 0: 0, 2: 1, 3: 2, 7: 4 };
  return { diatonic: -(DIATONIC_STEPS[rest] ?? 0), chromatic: -rest, octaveChange: -octaves };
}
