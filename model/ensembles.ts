import { INSTRUMENT_NAMES, type InstrumentName, instrumentLabel } from './instruments.js';

/**
 * What a person can ask for: any one of the eleven instruments, or one of MusicNet's
 * ensembles. Two violins of a quartet are one "violin" part in the encoding (they share a
 * General MIDI program and the model writes both), so an ensemble is a set of instruments.
 * The ensembles are MusicNet's (its metadata's `ensemble` column), so the model has seen each.
 */
export interface Instrumentation {
  name: string;
  label: string;
  instruments: readonly InstrumentName[];
}

export const ENSEMBLES: readonly Instrumentation[] = [
  { name: 'string-quartet', label: 'String quartet', instruments: ['violin', 'viola', 'cello'] },
  { name: 'piano-trio', label: 'Piano trio', instruments: ['piano', 'violin', 'cello'] },
  { name: 'piano-quartet', label: 'Piano quartet', instruments: ['piano', 'violin', 'viola', 'cello'] },
  { name: 'piano-quintet', label: 'Piano quintet', instruments: ['piano', 'violin', 'viola', 'cello'] },
  { name: 'violin-piano', label: 'Violin and piano', instruments: ['violin', 'piano'] },
  { name: 'cello-piano', label: 'Cello and piano', instruments: ['cello', 'piano'] },
  { name: 'clarinet-piano', label: 'Clarinet and piano', instruments: ['clarinet', 'piano'] },
  { name: 'violin-harpsichord', label: 'Violin and harpsichord', instruments: ['violin', 'harpsichord'] },
  { name: 'horn-trio', label: 'Horn trio', instruments: ['horn', 'violin', 'piano'] },
  { name: 'clarinet-quintet', label: 'Clarinet quintet', instruments: ['clarinet', 'violin', 'viola', 'cello'] },
  { name: 'wind-quintet', label: 'Wind quintet', instruments: ['flute', 'oboe', 'clarinet', 'horn', 'bassoon'] },
  { name: 'wind-octet', label: 'Wind octet', instruments: ['oboe', 'clarinet', 'horn', 'bassoon'] },
  { name: 'string-sextet', label: 'String sextet', instruments: ['violin', 'viola', 'cello'] },
];

/** Every name a request may use: the eleven instruments first, then the ensembles. */
export const INSTRUMENTATION_NAMES: readonly string[] = [...INSTRUMENT_NAMES, ...ENSEMBLES.map((ensemble) => ensemble.name)];

/** The instruments a name stands for, or undefined when it is neither an instrument nor an ensemble. */
export function findInstrumentation(name: string): Instrumentation | undefined {
  const key = name.trim().toLowerCase();
  const single = INSTRUMENT_NAMES.find((instrument) => instrument === key);
  if (single) return { name: single, label: instrumentLabel(single), instruments: [single] };
  return ENSEMBLES.find((ensemble) => ensemble.name === key);
}
