import type { InstrumentName } from './instruments.js';

/**
 * One colour per instrument wherever notes are drawn: the web page's piano roll (it gets them
 * from /api/options) and the SVG piano rolls of `partita generate --out x.svg`. Tableau 10,
 * readable on the dark roll background.
 */
export const INSTRUMENT_COLORS: Readonly<Record<InstrumentName, string>> = {
  piano: '#4e79a7',
  harpsichord: '#c49a6c',
  violin: '#e15759',
  viola: '#f28e2b',
  cello: '#76b7b2',
  contrabass: '#59a14f',
  horn: '#edc948',
  oboe: '#b07aa1',
  bassoon: '#ff9da7',
  clarinet: '#bab0ac',
  flute: '#17becf',
};
