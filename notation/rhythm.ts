/**
 * Rhythm as notation: a voice's events in one measure (on partita's grid of 24 steps per quarter
 * note) cut into note values a musician reads: whole to sixteenth, dotted where it fits, tied
 * where a value would hide a beat, and eighth-note triplets as 3:2 tuplets over a quarter-note
 * unit. A unit holding triplet and straight onsets together (the model may mix them) is written
 * as 3:2 too, in thirty-second-note triplets, so every duration stays exact.
 */

export type NoteType = 'whole' | 'half' | 'quarter' | 'eighth' | '16th' | '32nd';

/** One event of a voice inside a measure: a chord (or single note), or a rest when `pitches` is empty. */
export interface MeasureEvent {
  /** Steps from the start of the measure. */
  start: number;
  end: number;
  pitches: readonly number[];
  /** Tied from the previous measure / to the next one. */
  tieIn: boolean;
  tieOut: boolean;
}

/** One written note value: what becomes a <note> (one per pitch of the chord). */
export interface WrittenValue {
  start: number;
  /** Sounding steps (what <duration> holds at 24 divisions per quarter). */
  steps: number;
  type: NoteType;
  dots: number;
  pitches: readonly number[];
  tieIn: boolean;
  tieOut: boolean;
  /** Part of a 3:2 tuplet; where its bracket starts and stops. */
  triplet?: { bracket?: 'start' | 'stop' };
  beam?: 'begin' | 'continue' | 'end';
}

const UNIT = 24;
/** Written lengths in steps: plain values and their dotted forms. */
const VALUES: readonly { steps: number; type: NoteType; dots: number }[] = [
  { steps: 144, type: 'whole', dots: 1 },
  { steps: 96, type: 'whole', dots: 0 },
  { steps: 72, type: 'half', dots: 1 },
  { steps: 48, type: 'half', dots: 0 },
  { steps: 36, type: 'quarter', dots: 1 },
  { steps: 24, type: 'quarter', dots: 0 },
  { steps: 18, type: 'eighth', dots: 1 },
  { steps: 12, type: 'eighth', dots: 0 },
  { steps: 9, type: '16th', dots: 1 },
  { steps: 6, type: '16th', dots: 0 },
  { steps: 3, type: '32nd', dots: 0 },
];
const BEAMED_TYPES: ReadonlySet<NoteType> = new Set(['eighth', '16th', '32nd']);

function undotted(value: { steps: number; dots: number }): number {
  return value.dots ? (value.steps * 2) / 3 : value.steps;
}

/**
 * Whether a straight value may start at `start`: from a beat it may span whole beats; inside a
 * beat it must sit on its own grid and stay in the beat, so the beat stays visible.
 */
function fits(start: number, value: { steps: number; dots: number }, beat: number): boolean {
  // In compound metres a value over a beat is whole dotted beats (no half notes in 6/8).
  if (value.steps >= beat) return start % beat === 0 && (beat === UNIT || value.steps % beat === 0);
  const beatIndex = Math.floor(start / beat);
  return start % Math.min(undotted(value), UNIT) === 0 && Math.floor((start + value.steps - 1) / beat) === beatIndex;
}

function straightValues(start: number, end: number, beat: number): { start: number; steps: number; type: NoteType; dots: number }[] {
  const out = [];
  let at = start;
  while (at < end) {
    const left = end - at;
    const value =
      VALUES.find((candidate) => candidate.steps <= left && candidate.steps % 6 === 0 && fits(at, candidate, beat)) ??
      (VALUES.find((candidate) => candidate.steps === 6) as (typeof VALUES)[number]);
    out.push({ start: at, ...value });
    at += value.steps;
  }
  return out;
}

/** Inside a 3:2 unit every written value is 3/2 of what sounds: 8 steps sound as a triplet eighth (12). */
function tripletValues(start: number, end: number): { start: number; steps: number; type: NoteType; dots: number }[] {
  const out = [];
  let at = start;
  while (at < end) {
    const left = ((end - at) * 3) / 2;
    const value = VALUES.find((candidate) => candidate.steps <= left && candidate.steps <= 36) as (typeof VALUES)[number];
    const sounding = (value.steps * 2) / 3;
    out.push({ start: at, steps: sounding, type: value.type, dots: value.dots });
    at += sounding;
  }
  return out;
}

/**
 * Writes one voice's measure. `events` cover [0, measureSteps) in order, with every start and
 * end an even number of steps (on the sixteenth or the eighth-triplet grid). `beat` is 24 steps
 * in simple metres, 36 in compound ones (6/8, 9/8, 12/8).
 */
export function writeMeasure(events: readonly MeasureEvent[], measureSteps: number, beat: number): WrittenValue[] {
  const boundaries = events.flatMap((event) => [event.start, event.end]);
  const tripletUnits = new Set<number>();
  for (let unit = 0; unit < measureSteps; unit += UNIT)
    if (boundaries.some((point) => point > unit && point < unit + UNIT && point % 6 !== 0)) tripletUnits.add(unit);

  const written: WrittenValue[] = [];
  for (const event of events) {
    // Cut the event at the edges of triplet units: a tuplet bracket closes inside its unit.
    const cuts = [event.start];
    for (const unit of tripletUnits) {
      for (const edge of [unit, unit + UNIT]) if (edge > event.start && edge < event.end) cuts.push(edge);
    }
    cuts.sort((a, b) => a - b);
    cuts.push(event.end);
    const pieces = [];
    for (let index = 0; index + 1 < cuts.length; index++) {
      const from = cuts[index] as number;
      const to = cuts[index + 1] as number;
      const inTriplet = tripletUnits.has(from - (from % UNIT));
      for (const value of inTriplet ? tripletValues(from, to) : straightValues(from, to, beat))
        pieces.push({ ...value, ...(inTriplet ? { triplet: {} } : {}) });
    }
    pieces.forEach((piece, index) => {
      written.push({
        ...piece,
        pitches: event.pitches,
        tieIn: index === 0 ? event.tieIn : true,
        tieOut: index === pieces.length - 1 ? event.tieOut : true,
      });
    });
  }
  markTupletBrackets(written, tripletUnits);
  markBeams(written, beat);
  return written;
}

function markTupletBrackets(written: WrittenValue[], tripletUnits: ReadonlySet<number>): void {
  for (const unit of tripletUnits) {
    const inUnit = written.filter((value) => value.triplet && value.start >= unit && value.start < unit + UNIT);
    const first = inUnit[0];
    const last = inUnit.at(-1);
    if (first?.triplet) first.triplet.bracket = 'start';
    if (last?.triplet && last !== first) last.triplet.bracket = 'stop';
  }
}

/** Beams join consecutive eighths and shorter within a beat; a rest or a longer value breaks them. */
function markBeams(written: WrittenValue[], beat: number): void {
  let group: WrittenValue[] = [];
  const close = () => {
    if (group.length >= 2) {
      group.forEach((value, index) => {
        value.beam = index === 0 ? 'begin' : index === group.length - 1 ? 'end' : 'continue';
      });
    }
    group = [];
  };
  for (const value of written) {
    const beamable = value.pitches.length > 0 && BEAMED_TYPES.has(value.type);
    const last = group.at(-1);
    if (!beamable || (last && Math.floor(last.start / beat) !== Math.floor(value.start / beat))) close();
    if (beamable) group.push(value);
  }
  close();
}
