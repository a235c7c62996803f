import { MAX_DURATION_STEPS, STEPS_PER_BEAT } from '../encoding/grid.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, MAX_SHIFT_STEPS, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import type { FieldRule } from '../generate/sampleEvents.js';
import { MASKED_LOGIT } from '../generate/sampling.js';
import { INSTRUMENTS, type InstrumentName, partOfIndex } from '../instruments.js';

/** Where a piece ends: whole bars, the last of them one held chord. Steps from the start. */
export interface EndingPlan {
  barSteps: number;
  /** Onset of the last bar: the final chord sounds here and nothing starts later. */
  finalBarStep: number;
  /** The piece's last step: a bar line; every note has ended by it. */
  endStep: number;
}

const MIN_BARS = 2;

/** The length in whole bars nearest the requested seconds (at least two). */
export function planEnding(seconds: number, tempo: number, timeSignature: [number, number]): EndingPlan {
  const [numerator, denominator] = timeSignature;
  const barSteps = Math.max(1, Math.round((numerator * 4 * STEPS_PER_BEAT) / denominator));
  const barSeconds = (barSteps / STEPS_PER_BEAT) * (60 / tempo);
  const bars = Math.max(MIN_BARS, Math.round(seconds / barSeconds));
  // A final chord longer than the encoding's longest note (a very long bar) is held for what fits.
  const finalChordSteps = Math.min(barSteps, MAX_DURATION_STEPS);
  const endStep = bars * barSteps;
  return { barSteps, finalBarStep: endStep - finalChordSteps, endStep };
}

/**
 * Onsets the model may choose: sixteenth notes (6 steps) and eighth-note triplets (8 steps).
 * MusicNet has performance-timed pieces whose onsets drift by a step or two; once the model
 * draws such a shift it keeps writing 1-2 step shifts (45 notes a second on a solo violin).
 * Mixing finer grids (32nds with sixteenth triplets) let it do the same one step at a time.
 */
function onNotatedGrid(step: number): boolean {
  return step % 6 === 0 || step % 8 === 0;
}

/**
 * Most notes one player starts together: a pianist's two hands, a string player's double or
 * triple stop, one for winds. Without it the model, once it starts stacking, writes ten-note
 * chords for a solo violin.
 */
const MAX_NOTES_PER_ONSET: Readonly<Record<InstrumentName, number>> = {
  piano: 6,
  harpsichord: 6,
  violin: 3,
  viola: 2,
  cello: 2,
  contrabass: 1,
  horn: 1,
  oboe: 1,
  bassoon: 1,
  clarinet: 1,
  flute: 1,
};

function maskOutside(logits: Float32Array, lowest: number, highest: number): void {
  for (let value = 0; value < logits.length; value++) if (value < lowest || value > highest) logits[value] = MASKED_LOGIT;
}

/**
 * A piece's rules, built once per piece; given the time, the sampling masks for the next event
 * (so a forbidden note is never drawn, rather than drawn and deleted):
 * - only the chosen parts play, each inside its instrument's range and chord size (MAX_NOTES_PER_ONSET);
 * - onsets and note ends keep to a notated grid (see onNotatedGrid);
 * - nothing starts after the final bar line, and every note ends by the piece's end;
 * - the final bar is one chord, every note of it held to the end; a later onset ends the piece.
 * Called with `time`, the onset of the previous event; `startedAtTime[p]` counts part p's notes there.
 */
export function pieceRules(parts: readonly number[], ending: EndingPlan, startedAtTime: readonly number[]): (time: number) => FieldRule {
  const chosen = new Set(parts);
  return (time) => (field, chosenValues, logits) => {
    if (field === FIELD_SHIFT) {
      // In the final chord any later onset means "the piece is over": leave the choice to the model.
      if (time >= ending.finalBarStep) return;
      maskOutside(logits, 0, ending.finalBarStep - time);
      for (let shift = 1; shift < logits.length; shift++) if (!onNotatedGrid(time + shift)) logits[shift] = MASKED_LOGIT;
      return;
    }
    const onset = time + (chosenValues[FIELD_SHIFT] as number);
    if (onset > ending.finalBarStep) return;
    if (field === FIELD_INSTRUMENT) {
      const restFits = chosenValues[FIELD_SHIFT] === MAX_SHIFT_STEPS && onset < ending.finalBarStep;
      for (let value = 0; value < logits.length; value++) {
        const allowed = value === REST_INSTRUMENT ? restFits : chosen.has(value);
        if (!allowed) logits[value] = MASKED_LOGIT;
      }
      if (chosenValues[FIELD_SHIFT] !== 0) return;
      for (const part of chosen) {
        const spec = INSTRUMENTS[partOfIndex(part).instrument];
        if (spec && (startedAtTime[part] ?? 0) >= MAX_NOTES_PER_ONSET[spec.name]) logits[part] = MASKED_LOGIT;
      }
      return;
    }
    const part = chosenValues[FIELD_INSTRUMENT] as number;
    if (part === REST_INSTRUMENT) return;
    if (field === FIELD_PITCH) {
      const spec = INSTRUMENTS[partOfIndex(part).instrument];
      if (spec) maskOutside(logits, spec.lowestPitch, spec.highestPitch);
    } else if (field === FIELD_DURATION) {
      const left = ending.endStep - onset;
      maskOutside(logits, onset === ending.finalBarStep ? left : 1, left);
      // Notes end on the same grid as they start, so the score writes every length exactly
      // (MusicNet's performance-timed files taught the model ends like 22 or 26 steps).
      for (let duration = 1; duration < left && duration < logits.length; duration++)
        if (!onNotatedGrid(onset + duration)) logits[duration] = MASKED_LOGIT;
    }
  };
}
