import { INSTRUMENT_NAMES, type InstrumentName, instrumentLabel, type PartSpec } from './instruments.js';

/**
 * What a person can ask for: any one of the eleven instruments, or one of MusicNet's
 * ensembles. An ensemble is its real parts: a string quartet is violin 1, violin 2, viola and
 * cello, each a line of its own in the encoding. The ensembles are MusicNet's (its metadata's
 * `ensemble` column), so the model has seen each.
 */
export interface Instrumentation {
  name: string;
  label: string;
  /** The distinct instruments, in order of first appearance. */
  instruments: readonly InstrumentName[];
  parts: readonly PartSpec[];
}

/** Parts from a list of players: a repeated instrument is its second player. */
function partsOf(players: readonly InstrumentName[]): PartSpec[] {
  return players.map((instrument, index) => ({ instrument, slot: players.slice(0, index).filter((other) => other === instrument).length }));
}

function ensemble(name: string, label: string, players: readonly InstrumentName[]): Instrumentation {
  return { name, label, instruments: [...new Set(players)], parts: partsOf(players) };
}

export const ENSEMBLES: readonly Instrumentation[] = [
  ensemble('string-quartet', 'String quartet', ['violin', 'violin', 'viola', 'cello']),
  ensemble('piano-trio', 'Piano trio', ['piano', 'violin', 'cello']),
  ensemble('piano-quartet', 'Piano quartet', ['piano', 'violin', 'viola', 'cello']),
  // MusicNet's piano quintets are Schubert's "Trout": violin, viola, cello, double bass and piano.
  ensemble('piano-quintet', 'Piano quintet', ['piano', 'violin', 'viola', 'cello', 'contrabass']),
  ensemble('violin-piano', 'Violin and piano', ['violin', 'piano']),
  ensemble('cello-piano', 'Cello and piano', ['cello', 'piano']),
  ensemble('clarinet-piano', 'Clarinet and piano', ['clarinet', 'piano']),
  ensemble('violin-harpsichord', 'Violin and harpsichord', ['violin', 'harpsichord']),
  ensemble('horn-trio', 'Horn trio', ['horn', 'violin', 'piano']),
  ensemble('clarinet-quintet', 'Clarinet quintet', ['clarinet', 'violin', 'violin', 'viola', 'cello']),
  ensemble('wind-quintet', 'Wind quintet', ['flute', 'oboe', 'clarinet', 'horn', 'bassoon']),
  ensemble('wind-octet', 'Wind octet', ['oboe', 'oboe', 'clarinet', 'clarinet', 'horn', 'horn', 'bassoon', 'bassoon']),
  ensemble('string-sextet', 'String sextet', ['violin', 'violin', 'viola', 'viola', 'cello', 'cello']),
];

/** Every name a request may use: the eleven instruments first, then the ensembles. */
export const INSTRUMENTATION_NAMES: readonly string[] = [...INSTRUMENT_NAMES, ...ENSEMBLES.map((entry) => entry.name)];

/** The parts a name stands for, or undefined when it is neither an instrument nor an ensemble. */
export function findInstrumentation(name: string): Instrumentation | undefined {
  const key = name.trim().toLowerCase();
  const single = INSTRUMENT_NAMES.find((instrument) => instrument === key);
  if (single) return ensemble(single, instrumentLabel(single), [single]);
  return ENSEMBLES.find((entry) => entry.name === key);
}
