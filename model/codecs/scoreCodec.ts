import { KEY_COUNT, transposeKey } from '../analysis/keys.js';
import { METRE_COUNT, metreIndex, type TimeSignaturePair } from '../analysis/metre.js';
import { MAX_DURATION_STEPS, VELOCITY_BINS } from '../encoding/grid.js';
import { eventLocalKeys } from '../encoding/localKeys.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, MAX_SHIFT_STEPS, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import {
  COPY_FEATURES,
  HEAD_FEATURES,
  INPUT_FEATURES,
  KEY_FEATURE_SLOT,
  type MetreChange,
  PieceContext,
  pitchFeatureOrNone,
} from '../encoding/pieceContext.js';
import type { FieldRule } from '../generate/sampleEvents.js';
import { MASKED_LOGIT } from '../generate/sampling.js';
import { INSTRUMENTS, PART_COUNT, partOfIndex } from '../instruments.js';
import { type NetworkConfig, networkConfigSchema } from '../lstm/config.js';
import { seededRandom } from '../lstm/params.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import type { EventSequence, SequenceCodec } from '../train/sequences.js';
import { COMPOSERS } from './composers.js';

/**
 * Ties the main note encoding (model/encoding/noteEvents.ts) to the network: its five fields
 * (shift, part, pitch, duration, velocity), the canonical order of simultaneous notes (part,
 * then pitch), the conditions every step sees (composer, each part of the ensemble, metre, key)
 * and the per-step features of model/encoding/pieceContext.ts (bar position, lookback).
 */
const UNKNOWN_COMPOSER_ROW = COMPOSERS.length;
const FIRST_PART_ROW = COMPOSERS.length + 1;
const FIRST_METRE_ROW = FIRST_PART_ROW + PART_COUNT;
const FIRST_KEY_ROW = FIRST_METRE_ROW + METRE_COUNT;
/** The key row for "no key asked for": the model picks one (trained on a share of pieces with their key hidden). */
export const UNKNOWN_KEY = KEY_COUNT;
const FIRST_FEATURE_ROW = FIRST_KEY_ROW + KEY_COUNT + 1;
const FEATURE_ROWS = INPUT_FEATURES.reduce<number[]>((rows, _feature, index) => {
  rows.push(index === 0 ? FIRST_FEATURE_ROW : (rows[index - 1] as number) + (INPUT_FEATURES[index - 1]?.vocab ?? 0));
  return rows;
}, []);
const CONDITION_VOCAB = FIRST_FEATURE_ROW + INPUT_FEATURES.reduce((sum, feature) => sum + feature.vocab, 0);
const PITCH_CONTEXT_SLOTS = HEAD_FEATURES.flatMap((feature, slot) => (feature.pitch ? [slot] : []));

/** Largest transposition tried in training (Walder-style augmentation), in semitones either way. */
const MAX_TRANSPOSITION = 6;
/** Share of training sequences (per epoch) whose key is hidden, so "any key" is a request the model knows. */
const KEY_DROPOUT = 0.2;

export function scoreNetworkConfig(
  sizes: Partial<Pick<NetworkConfig, 'embedSize' | 'hiddenSize' | 'layers' | 'headSize'>> = {},
): NetworkConfig {
  return networkConfigSchema.parse({
    fields: [
      { name: 'shift', vocab: MAX_SHIFT_STEPS + 1 },
      { name: 'part', vocab: PART_COUNT + 1 },
      { name: 'pitch', vocab: 128 },
      { name: 'duration', vocab: MAX_DURATION_STEPS + 1 },
      { name: 'velocity', vocab: VELOCITY_BINS },
    ],
    orderKeyFields: [1, 2],
    conditionVocab: CONDITION_VOCAB,
    headContexts: HEAD_FEATURES.map((feature) => ({ field: feature.field, vocab: feature.vocab })),
    copies: COPY_FEATURES,
    ...sizes,
  });
}

/** What holds for a whole piece: who it is after, who plays, in what metre and key. */
export interface PieceConditions {
  composer?: string;
  /** Part indices. */
  parts: readonly number[];
  timeSignature: TimeSignaturePair;
  /** A key index, or UNKNOWN_KEY. */
  key: number;
}

/** Condition rows that hold for every step of a piece. */
export function scoreConditions(piece: PieceConditions): number[] {
  const composerIndex = (COMPOSERS as readonly string[]).indexOf(piece.composer ?? '');
  const rows = [composerIndex >= 0 ? composerIndex : UNKNOWN_COMPOSER_ROW];
  for (const part of piece.parts) rows.push(FIRST_PART_ROW + part);
  rows.push(FIRST_METRE_ROW + metreIndex(piece.timeSignature));
  rows.push(FIRST_KEY_ROW + piece.key);
  return rows;
}

/** Condition rows of one step's own features (PieceContext.inputFeatures()). */
export function stepConditions(features: readonly number[]): number[] {
  return features.map((value, index) => (FEATURE_ROWS[index] as number) + value);
}

/** The rows a step reads: the piece's, then its own. */
export function conditionsAt(pieceRows: readonly number[], context: PieceContext): number[] {
  return [...pieceRows, ...stepConditions(context.inputFeatures())];
}

/** Runs PieceContext over a piece's events: each event's step conditions and head features (`keys`: each event's). */
export function eventFeatures(
  events: ArrayLike<number>,
  fields: number,
  metres: readonly MetreChange[],
  keys: ArrayLike<number>,
): { eventConditions: Int32Array; contexts: Int32Array } {
  const count = events.length / fields;
  const eventConditions = new Int32Array(count * INPUT_FEATURES.length);
  const contexts = new Int32Array(count * HEAD_FEATURES.length);
  const context = new PieceContext(metres);
  for (let index = 0; index < count; index++) {
    context.key = keys[index] as number;
    const event = Array.from({ length: fields }, (_, k) => events[index * fields + k] as number);
    eventConditions.set(stepConditions(context.inputFeatures()), index * INPUT_FEATURES.length);
    contexts.set(context.headFeatures(event[FIELD_SHIFT] as number, event[FIELD_INSTRUMENT] as number), index * HEAD_FEATURES.length);
    context.push(event);
  }
  return { eventConditions, contexts };
}

function hashText(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** The transpositions that keep every part inside its instrument's range (or no further out than it already was). */
function transpositionRange(events: ArrayLike<number>, fields: number): [number, number] {
  let low = -MAX_TRANSPOSITION;
  let high = MAX_TRANSPOSITION;
  for (let row = 0; row < events.length; row += fields) {
    const part = events[row + FIELD_INSTRUMENT] as number;
    if (part === REST_INSTRUMENT) continue;
    const spec = INSTRUMENTS[partOfIndex(part).instrument];
    const pitch = events[row + FIELD_PITCH] as number;
    if (!spec) continue;
    low = Math.max(low, Math.min(0, spec.lowestPitch - pitch));
    high = Math.min(high, Math.max(0, spec.highestPitch - pitch));
  }
  return [low, high];
}

/** A piece's sequence: its events, piece conditions, and the PieceContext features of every event. */
interface ScoreSequence extends EventSequence {
  keyRowSlot: number;
  key: number;
  transpositions: [number, number];
}

export function scoreCodec(config: NetworkConfig): SequenceCodec {
  const fields = config.fields.length;
  return {
    config,
    fieldWeights(event, out, offset) {
      const isRest = event[FIELD_INSTRUMENT] === REST_INSTRUMENT;
      for (let k = 0; k < config.fields.length; k++) out[offset + k] = k <= FIELD_INSTRUMENT || !isRest ? 1 : 0;
    },
    countsAsNote: (event) => event[FIELD_INSTRUMENT] !== REST_INSTRUMENT,
    /**
     * Training sees each piece in a key chosen per epoch, within every part's range (so the
     * model learns lines, not the few keys MusicNet's pieces are in), and sometimes without its key.
     */
    augment(sequence, epoch) {
      const scored = sequence as ScoreSequence;
      if (scored.transpositions === undefined) return sequence;
      const random = seededRandom(hashText(sequence.id) ^ Math.imul(epoch + 1, 2654435761));
      const [low, high] = scored.transpositions;
      const semitones = low + Math.floor(random() * (high - low + 1));
      const hideKey = random() < KEY_DROPOUT;
      const events = Uint16Array.from(sequence.events as ArrayLike<number>);
      if (semitones !== 0) {
        for (let row = 0; row < events.length; row += fields)
          if (events[row + FIELD_INSTRUMENT] !== REST_INSTRUMENT)
            events[row + FIELD_PITCH] = (events[row + FIELD_PITCH] as number) + semitones;
      }
      const contexts = Int32Array.from(sequence.contexts ?? []);
      if (semitones !== 0) {
        for (let base = 0; base < contexts.length; base += HEAD_FEATURES.length)
          for (const slot of PITCH_CONTEXT_SLOTS)
            if ((contexts[base + slot] as number) < 128)
              contexts[base + slot] = pitchFeatureOrNone((contexts[base + slot] as number) + semitones);
      }
      const conditions = [...sequence.conditions];
      const moveKey = (key: number) => (hideKey || key === UNKNOWN_KEY ? UNKNOWN_KEY : transposeKey(key, semitones));
      conditions[scored.keyRowSlot] = FIRST_KEY_ROW + moveKey(scored.key);
      for (let base = 0; base < contexts.length; base += HEAD_FEATURES.length)
        contexts[base + KEY_FEATURE_SLOT] = moveKey(contexts[base + KEY_FEATURE_SLOT] as number);
      return { ...sequence, events, contexts, conditions };
    },
  };
}

/** The prepared pieces as event sequences (the prepared arrays have exactly the codec's fields). */
export function scoreSequences(pieces: readonly PreparedPiece[], events: Uint16Array, fields: number): EventSequence[] {
  return pieces.map((piece): ScoreSequence => {
    const own = events.subarray(piece.eventOffset * fields, (piece.eventOffset + piece.eventCount) * fields);
    const conditions = scoreConditions({
      composer: piece.composer,
      parts: piece.parts,
      timeSignature: piece.timeSignature,
      key: piece.key,
    });
    return {
      id: piece.id,
      events: own,
      conditions,
      // The piece's key is a condition row; the pitch head reads the key around each note.
      ...eventFeatures(
        own,
        fields,
        piece.metres,
        piece.key === UNKNOWN_KEY ? new Uint8Array(piece.eventCount).fill(UNKNOWN_KEY) : eventLocalKeys(own, fields, piece.key),
      ),
      eventConditionSlots: INPUT_FEATURES.length,
      keyRowSlot: conditions.length - 1,
      key: piece.key,
      transpositions: transpositionRange(own, fields),
    };
  });
}

/**
 * The sequence as compose() sees a piece: its key at every note. Training reads each note's
 * local key (localKeys.ts), found from the notes within 16 beats either side, so its likelihood
 * has seen a little of what comes next; this view scores what generation can know. Other codecs'
 * sequences (no per-note key) come back as they are.
 */
export function keyedAsComposed(sequence: EventSequence): EventSequence {
  const scored = sequence as ScoreSequence;
  if (scored.key === undefined || sequence.contexts === undefined) return sequence;
  const contexts = Int32Array.from(sequence.contexts);
  for (let base = 0; base < contexts.length; base += HEAD_FEATURES.length) contexts[base + KEY_FEATURE_SLOT] = scored.key;
  return { ...sequence, contexts };
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
