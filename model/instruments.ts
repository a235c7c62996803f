/**
 * partita's eleven instruments: the General MIDI program each plays with and the range it can
 * play (sounding pitch, MIDI numbers). The ranges are the ones generation will enforce; ingest
 * only counts notes outside them so the table can be checked against real scores.
 */

export const INSTRUMENT_NAMES = [
  'piano',
  'harpsichord',
  'violin',
  'viola',
  'cello',
  'contrabass',
  'horn',
  'oboe',
  'bassoon',
  'clarinet',
  'flute',
] as const;

export type InstrumentName = (typeof INSTRUMENT_NAMES)[number];

export interface InstrumentSpec {
  name: InstrumentName;
  /** General MIDI program (0-based) used when writing MIDI and choosing a SoundFont preset. */
  program: number;
  lowestPitch: number;
  highestPitch: number;
}

/** Index order is the encoding's instrument vocabulary: never reorder, only append. */
export const INSTRUMENTS: readonly InstrumentSpec[] = [
  { name: 'piano', program: 0, lowestPitch: 21, highestPitch: 108 }, // A0-C8
  { name: 'harpsichord', program: 6, lowestPitch: 29, highestPitch: 89 }, // F1-F6
  { name: 'violin', program: 40, lowestPitch: 55, highestPitch: 103 }, // G3-G7
  { name: 'viola', program: 41, lowestPitch: 48, highestPitch: 91 }, // C3-G6
  { name: 'cello', program: 42, lowestPitch: 36, highestPitch: 81 }, // C2-A5
  { name: 'contrabass', program: 43, lowestPitch: 28, highestPitch: 67 }, // E1-G4
  { name: 'horn', program: 60, lowestPitch: 34, highestPitch: 77 }, // Bb1-F5
  { name: 'oboe', program: 68, lowestPitch: 58, highestPitch: 91 }, // Bb3-G6
  { name: 'bassoon', program: 70, lowestPitch: 34, highestPitch: 75 }, // Bb1-Eb5
  { name: 'clarinet', program: 71, lowestPitch: 49, highestPitch: 94 }, // C#3 (A clarinet)-Bb6
  { name: 'flute', program: 73, lowestPitch: 60, highestPitch: 96 }, // C4-C7
];

export const INSTRUMENT_COUNT = INSTRUMENTS.length;

/** An instrument's name as people read it ("Violin"). */
export function instrumentLabel(name: InstrumentName): string {
  return `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
}

const INDEX_BY_NAME = new Map<string, number>(INSTRUMENTS.map((spec, index) => [spec.name, index]));

export function instrumentIndex(name: string): number | undefined {
  return INDEX_BY_NAME.get(name);
}

/** GM programs that name one of our instruments directly (variants of a piano count as piano). */
const DIRECT_PROGRAMS = new Map<number, InstrumentName>([
  [0, 'piano'],
  [1, 'piano'],
  [2, 'piano'],
  [3, 'piano'],
  [4, 'piano'],
  [5, 'piano'],
  [6, 'harpsichord'],
  [40, 'violin'],
  [41, 'viola'],
  [42, 'cello'],
  [43, 'contrabass'],
  [60, 'horn'],
  [68, 'oboe'],
  [69, 'oboe'], // English horn: the oboe's alto
  [70, 'bassoon'],
  [71, 'clarinet'],
  [72, 'flute'], // piccolo
  [73, 'flute'],
]);

/**
 * Programs that name a way of playing strings rather than an instrument: tremolo, pizzicato
 * and string ensembles. MusicNet's quartets put pizzicato passages on their own channel with
 * program 45, so the player has to be inferred from the part's register.
 */
const STRING_TECHNIQUE_PROGRAMS = new Set([44, 45, 48, 49]);

/** The string instrument whose range holds a part whose lowest note is `lowestPitch`. */
function stringByRegister(lowestPitch: number): InstrumentName {
  if (lowestPitch >= 55) return 'violin';
  if (lowestPitch >= 48) return 'viola';
  if (lowestPitch >= 36) return 'cello';
  return 'contrabass';
}

export interface ProgramMapping {
  instrument: InstrumentName;
  /** Set when the mapping was inferred rather than read directly, to be reported. */
  inferredFrom?: string;
}

/** Maps a GM program (and, for string techniques, the part's lowest pitch) to an instrument. */
export function instrumentForProgram(program: number, lowestPitch: number): ProgramMapping | undefined {
  const direct = DIRECT_PROGRAMS.get(program);
  if (direct) return { instrument: direct };
  if (STRING_TECHNIQUE_PROGRAMS.has(program)) {
    return { instrument: stringByRegister(lowestPitch), inferredFrom: `GM program ${program} by register` };
  }
  return undefined;
}

/**
 * Parts: MusicNet's ensembles have up to two players of one instrument (violin 1 and 2 of a
 * quartet, the pairs of a wind octet, a sextet's violas and cellos), each with a line of its own.
 * A part is (instrument, slot); slot 0 is the higher of two (violin 1). A keyboard is one part:
 * its two hands are one player and MusicNet splits them inconsistently (one track, or two, or
 * three), so a second piano "part" would mean different things in different files.
 */
export const PARTS_PER_INSTRUMENT = 2;
export const PART_COUNT = INSTRUMENT_COUNT * PARTS_PER_INSTRUMENT;

export interface PartSpec {
  instrument: InstrumentName;
  /** 0 = first (higher) player, 1 = second. */
  slot: number;
}

/** Index of a part in the encoding's part vocabulary. */
export function partIndex(instrument: number, slot: number): number {
  return instrument * PARTS_PER_INSTRUMENT + slot;
}

export function partOfIndex(index: number): { instrument: number; slot: number } {
  return { instrument: Math.floor(index / PARTS_PER_INSTRUMENT), slot: index % PARTS_PER_INSTRUMENT };
}

/** Keyboards are one part whatever the file's tracks (see above). */
export function isKeyboard(name: InstrumentName): boolean {
  return name === 'piano' || name === 'harpsichord';
}

/**
 * A part's name, as its MIDI track is named: "violin 1" when the ensemble has two violins, else
 * "violin" (the instrument's own name, as tracks were named before parts).
 */
export function partName(part: PartSpec, ensemble: readonly PartSpec[]): string {
  const doubled = ensemble.filter((other) => other.instrument === part.instrument).length > 1;
  return doubled ? `${part.instrument} ${part.slot + 1}` : part.instrument;
}
