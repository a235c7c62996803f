import type * as tf from '@tensorflow/tfjs';
import { keyName } from '../analysis/keys.js';
import { conditionsAt, scoreConditions, scoreGrammarRule } from '../codecs/scoreCodec.js';
import { composePlanned, defaultKey, type PiecePlan } from '../compose/compose.js';
import { borrowStepper, type ComposerModel, returnStepper } from '../compose/composerModel.js';
import { planEnding } from '../compose/constraints.js';
import type { ComposedNote, PieceHeader } from '../compose/note.js';
import {
  DEFAULT_KEY_GUIDANCE,
  DEFAULT_METRE_GUIDANCE,
  DEFAULT_REPEAT_PENALTY,
  DEFAULT_RHYTHM_SAMPLING,
  DEFAULT_TEMPERATURE,
  DEFAULT_TOP_P,
} from '../compose/request.js';
import { STEPS_PER_BEAT } from '../encoding/grid.js';
import { EVENT_WIDTH, eventsToGrid, FIELD_INSTRUMENT, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import { PieceContext } from '../encoding/pieceContext.js';
import { SEED_WIDTH, type SeedArray } from '../encoding/seedNotes.js';
import { type FieldRule, sampleEvent } from '../generate/sampleEvents.js';
import { MASKED_LOGIT } from '../generate/sampling.js';
import { INSTRUMENTS, partName, partOfIndex } from '../instruments.js';
import { seededRandom } from '../lstm/params.js';
import type { PreparedPiece } from '../prepare/encodeScores.js';
import { seedGenerate } from '../seed/seedGenerate.js';
import type { SeedNetwork } from '../seed/seedModel.js';
import type { TimedNote } from './musicStats.js';

/** Notes of a stored piece in seconds (its first `limit` events), via its starting tempo. */
export function preparedPieceNotes(piece: PreparedPiece, events: Uint16Array, limit: number): TimedNote[] {
  const count = Math.min(piece.eventCount, limit);
  const grid = eventsToGrid(events.subarray(piece.eventOffset * EVENT_WIDTH, (piece.eventOffset + count) * EVENT_WIDTH));
  const secondsPerStep = 60 / piece.bpm / STEPS_PER_BEAT;
  return grid.map((note) => ({ pitch: note.pitch, start: note.startStep * secondsPerStep, duration: note.durationSteps * secondsPerStep }));
}

/** Only the piece's own parts may play (the rest event stays allowed). */
function ensembleRule(parts: readonly number[]): FieldRule {
  const allowed = new Set(parts);
  return (field, _chosen, logits) => {
    if (field !== FIELD_INSTRUMENT) return;
    for (let value = 0; value < logits.length; value++) if (value !== REST_INSTRUMENT && !allowed.has(value)) logits[value] = MASKED_LOGIT;
  };
}

/** `events` events sampled freely from the LSTM (no rules but the parts) under a real piece's composer, parts, metre and key. */
export function sampleLstmPiece(model: ComposerModel, like: PreparedPiece, events: number, seed: number, temperature = 1): TimedNote[] {
  const stepper = borrowStepper(model);
  const pieceRows = scoreConditions({ composer: like.composer, parts: like.parts, timeSignature: like.timeSignature, key: like.key });
  const context = new PieceContext(like.metres, like.key);
  const random = seededRandom(seed);
  const rule = ensembleRule(like.parts);
  const sampled: number[] = [];
  let previous: number[] | undefined;
  for (let index = 0; index < events; index++) {
    stepper.advance(previous, conditionsAt(pieceRows, context));
    const event = sampleEvent(
      stepper,
      previous,
      { temperature, topP: 1, random },
      (field, chosen, logits, before) => {
        rule(field, chosen, logits, before);
        scoreGrammarRule(field, chosen, logits, before);
      },
      (field, chosen) => context.headFeaturesFor(field, chosen),
    );
    sampled.push(...event);
    context.push(event);
    previous = event;
  }
  returnStepper(model, stepper);
  const secondsPerStep = 60 / like.bpm / STEPS_PER_BEAT;
  return eventsToGrid(Uint16Array.from(sampled)).map((note) => ({
    pitch: note.pitch,
    start: note.startStep * secondsPerStep,
    duration: note.durationSteps * secondsPerStep,
  }));
}

/** `count` notes from the seed model, primed with the first 25 notes of a real piece. */
export function sampleSeedPiece(
  model: tf.LayersModel,
  shape: SeedNetwork,
  seedArray: SeedArray,
  like: PreparedPiece,
  count: number,
  seed: number,
  temperature = 1,
): TimedNote[] {
  const primer = Array.from({ length: shape.windowNotes }, (_, index) => {
    const row = (like.seedOffset + index) * SEED_WIDTH;
    return { pitch: seedArray[row] as number, step: seedArray[row + 1] as number, duration: seedArray[row + 2] as number };
  });
  const notes: TimedNote[] = [];
  let start = 0;
  const random = seededRandom(seed);
  for (const note of seedGenerate(model, shape, primer, temperature, random)) {
    start += note.step;
    notes.push({ pitch: note.pitch, start, duration: note.duration });
    if (notes.length >= count) break;
  }
  return notes;
}

/** The header of a piece like a real one: its composer, parts, tempo and metre, and the key a request without one gets. */
export function headerLike(like: PreparedPiece, seconds: number, seed: number): PieceHeader {
  const specs = like.parts.map((index) => {
    const { instrument, slot } = partOfIndex(index);
    return { instrument: (INSTRUMENTS[instrument] as (typeof INSTRUMENTS)[number]).name, slot };
  });
  return {
    instruments: [...new Set(specs.map((spec) => spec.instrument))],
    parts: specs.map((spec) => ({ ...spec, name: partName(spec, specs) })),
    composer: like.composer,
    key: keyName(defaultKey(seed)),
    tempo: like.bpm,
    timeSignature: like.timeSignature,
    seed,
    seconds,
  };
}

/**
 * A piece written the way users get one, through composePlanned() with all of compose's rules
 * and default sampling (the repeat penalty's and guidance's defaults unless `sampling` names them), under a real piece's composer, parts, tempo and metre.
 */
export async function composeLikePiece(
  model: ComposerModel,
  like: PreparedPiece,
  seconds: number,
  seed: number,
  sampling: Pick<PiecePlan, 'temperature' | 'topP' | 'rhythm'> &
    Partial<Pick<PiecePlan, 'repeatPenalty' | 'keyGuidance' | 'metreGuidance'>> = {
    temperature: DEFAULT_TEMPERATURE,
    topP: DEFAULT_TOP_P,
    rhythm: DEFAULT_RHYTHM_SAMPLING,
  },
): Promise<ComposedNote[]> {
  const header = headerLike(like, seconds, seed);
  const ending = planEnding(seconds, like.bpm, like.timeSignature);
  const plan: PiecePlan = {
    header,
    primer: [],
    ending,
    repeatPenalty: DEFAULT_REPEAT_PENALTY,
    keyGuidance: DEFAULT_KEY_GUIDANCE,
    metreGuidance: DEFAULT_METRE_GUIDANCE,
    ...sampling,
  };
  const notes: ComposedNote[] = [];
  for await (const note of composePlanned(model, plan)) notes.push(note);
  return notes;
}
