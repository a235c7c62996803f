import { MAX_DURATION_STEPS, STEPS_PER_BEAT } from '../encoding/grid.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, MAX_SHIFT_STEPS, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import type { FieldRule } from '../generate/sampleEvents.js';
import { MASKED_LOGIT } from '../generate/sampling.js';
import { INSTRUMENTS, type InstrumentName, instrumentIndex } from '../instruments.js';

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

/** Wind instruments sound one note at a time: at most one note of theirs per onset. */
const ONE_NOTE_AT_A_TIME: ReadonlySet<InstrumentName> = new Set(['horn', 'oboe', 'bassoon', 'clarinet', 'flute']);

function maskOutside(logits: Float32Array, lowest: number, highest: number): void {
  for (let value = 0; value < logits.length; value++) if (value < lowest || value > highest) logits[value] = MASKED_LOGIT;
}

/**
 * The piece's rules for the next event, as sampling masks (so a forbidden note is never drawn,
 * rather than drawn and deleted):
 * - only the chosen instruments play, each inside its range, winds one note per onset;
 * - nothing starts after the final bar line, and every note ends by the piece's end;
 * - the final bar is one chord, every note of it held to the end; a later onset ends the piece.
 * `time` is the onset of the previous event.
 */
export function pieceRule(instruments: readonly InstrumentName[], ending: EndingPlan, time: number): FieldRule {
  const chosen = new Set(instruments.map((name) => instrumentIndex(name) as number));
  return (field, chosenValues, logits, previous) => {
    if (field === FIELD_SHIFT) {
      // In the final chord any later onset means "the piece is over": leave the choice to the model.
      if (time < ending.finalBarStep) maskOutside(logits, 0, ending.finalBarStep - time);
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
      const before = previous?.[FIELD_INSTRUMENT];
      const beforeName = before === undefined ? undefined : INSTRUMENTS[before]?.name;
      if (chosenValues[FIELD_SHIFT] === 0 && beforeName && ONE_NOTE_AT_A_TIME.has(beforeName)) logits[before as number] = MASKED_LOGIT;
      return;
    }
    const instrument = chosenValues[FIELD_INSTRUMENT] as number;
    if (instrument === REST_INSTRUMENT) return;
    if (field === FIELD_PITCH) {
      const spec = INSTRUMENTS[instrument];
      if (spec) maskOutside(logits, spec.lowestPitch, spec.highestPitch);
    } else if (field === FIELD_DURATION) {
      const left = ending.endStep - onset;
      maskOutside(logits, onset === ending.finalBarStep ? left : 1, left);
    }
  };
}
