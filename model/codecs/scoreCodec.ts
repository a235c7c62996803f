import { MAX_DURATION_STEPS, VELOCITY_BINS } from '../encoding/grid.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_SHIFT, MAX_SHIFT_STEPS, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import type { FieldRule } from '../generate/sampleEvents.js';
import { MASKED_LOGIT } from '../generate/sampling.js';
import { INSTRUMENT_COUNT, instrumentIndex } from '../instruments.js';
import { type NetworkConfig, networkConfigSchema } from '../lstm/config.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import type { EventSequence, SequenceCodec } from '../train/sequences.js';
import { COMPOSERS } from './composers.js';

/**
 * Ties the main note encoding (model/encoding/noteEvents.ts) to the network: its five fields,
 * the canonical order of simultaneous notes (instrument, then pitch), and the conditions every
 * step sees: the composer (or "unknown") and each instrument of the ensemble.
 */
const UNKNOWN_COMPOSER_ROW = COMPOSERS.length;
const FIRST_INSTRUMENT_ROW = COMPOSERS.length + 1;

export function scoreNetworkConfig(
  sizes: Partial<Pick<NetworkConfig, 'embedSize' | 'hiddenSize' | 'layers' | 'headSize'>> = {},
): NetworkConfig {
  return networkConfigSchema.parse({
    fields: [
      { name: 'shift', vocab: MAX_SHIFT_STEPS + 1 },
      { name: 'instrument', vocab: INSTRUMENT_COUNT + 1 },
      { name: 'pitch', vocab: 128 },
      { name: 'duration', vocab: MAX_DURATION_STEPS + 1 },
      { name: 'velocity', vocab: VELOCITY_BINS },
    ],
    orderKeyFields: [1, 2],
    conditionVocab: FIRST_INSTRUMENT_ROW + INSTRUMENT_COUNT,
    ...sizes,
  });
}

/** Condition rows for a composer (undefined or unknown: the "unknown" row) and instruments. */
export function scoreConditions(composer: string | undefined, instruments: readonly string[]): number[] {
  const composerIndex = (COMPOSERS as readonly string[]).indexOf(composer ?? '');
  const rows = [composerIndex >= 0 ? composerIndex : UNKNOWN_COMPOSER_ROW];
  for (const name of instruments) {
    const index = instrumentIndex(name);
    if (index !== undefined) rows.push(FIRST_INSTRUMENT_ROW + index);
  }
  return rows;
}

export function scoreCodec(config: NetworkConfig): SequenceCodec {
  return {
    config,
    fieldWeights(event, out, offset) {
      const isRest = event[FIELD_INSTRUMENT] === REST_INSTRUMENT;
      for (let k = 0; k < config.fields.length; k++) out[offset + k] = k <= FIELD_INSTRUMENT || !isRest ? 1 : 0;
    },
    countsAsNote: (event) => event[FIELD_INSTRUMENT] !== REST_INSTRUMENT,
  };
}

/** The prepared pieces as event sequences (the prepared arrays have exactly the codec's fields). */
export function scoreSequences(pieces: readonly PreparedPiece[], events: Uint16Array, fields: number): EventSequence[] {
  return pieces.map((piece) => ({
    id: piece.id,
    events: events.subarray(piece.eventOffset * fields, (piece.eventOffset + piece.eventCount) * fields),
    conditions: scoreConditions(piece.composer, piece.instruments),
  }));
}

/**
 * The encoding's grammar, for sampling: a rest only ever bridges a full MAX_SHIFT_STEPS gap and
 * has no pitch, duration or velocity (all 0), and what follows a rest moves time on; a note
 * lasts at least one step.
 */
export const scoreGrammarRule: FieldRule = (field, chosen, logits, previous) => {
  if (field === FIELD_SHIFT && previous?.[FIELD_INSTRUMENT] === REST_INSTRUMENT) logits[0] = MASKED_LOGIT;
  if (field === FIELD_INSTRUMENT && chosen[FIELD_SHIFT] !== MAX_SHIFT_STEPS) logits[REST_INSTRUMENT] = MASKED_LOGIT;
  if (field <= FIELD_INSTRUMENT) return;
  if (chosen[FIELD_INSTRUMENT] === REST_INSTRUMENT) logits.fill(MASKED_LOGIT, 1);
  else if (field === FIELD_DURATION) logits[0] = MASKED_LOGIT;
};
