import { drawKey, keyName, parseKeyName } from '../analysis/keys.js';
import { contrastingMetre, parseMetre, type TimeSignaturePair } from '../analysis/metre.js';
import { conditionsAt, scoreConditions, scoreGrammarRule, UNKNOWN_KEY } from '../codecs/scoreCodec.js';
import { binToVelocity, type GridNote, STEPS_PER_BEAT } from '../encoding/grid.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, gridToEvents, REST_INSTRUMENT } from '../encoding/noteEvents.js';
import { PieceContext } from '../encoding/pieceContext.js';
import { findInstrumentation } from '../ensembles.js';
import { type FieldLogitSource, GuidedLogits } from '../generate/guidance.js';
import { type FieldPenalty, type FieldSampling, sampleEvent } from '../generate/sampleEvents.js';
import type { LstmStepper } from '../generate/stepper.js';
import { INSTRUMENTS, instrumentIndex, PART_COUNT, partIndex, partName, partOfIndex } from '../instruments.js';
import { seededRandom } from '../lstm/params.js';
import { borrowStepper, type ComposerModel, returnStepper } from './composerModel.js';
import { type EndingPlan, pieceRules, planEnding } from './constraints.js';
import { ComposeError } from './errors.js';
import type { ComposedNote, HeaderPart, PieceHeader } from './note.js';
import { fitPrimer, readPrimer } from './primer.js';
import {
  type ComposeRequest,
  DEFAULT_METRE_GUIDANCE,
  DEFAULT_REPEAT_PENALTY,
  DEFAULT_RHYTHM_SAMPLING,
  defaultKeyGuidance,
} from './request.js';

const DEFAULT_TEMPO = 96;
const DEFAULT_TIME_SIGNATURE: [number, number] = [4, 4];
/** How long compose() computes before it lets the event loop run (timers, sockets, cancellation). */
const SLICE_MS = 8;

export interface ComposeOptions {
  signal?: AbortSignal;
}

/** Everything decided before the first note: what compose() will write, and the primer fitted to it. */
export interface PiecePlan {
  header: PieceHeader;
  primer: GridNote[];
  ending: EndingPlan;
  /** The sampling of which notes: part, pitch, velocity. */
  temperature: number;
  topP: number;
  /** The sampling of when and how long: the time shift and the duration (see DEFAULT_RHYTHM_SAMPLING). */
  rhythm: FieldSampling;
  /**
   * Nats against repeating a pitch: when a note's pitch is drawn, the pitch its part played last
   * has its probability (after temperature, before top-p) divided by e^repeatPenalty, the
   * other pitches renormalized and unchanged relative to each other (see repeatPenaltyFor).
   * 0 samples as the model does.
   */
  repeatPenalty: number;
  /**
   * Classifier-free guidance towards the key on the pitch head (model/generate/guidance.ts): the
   * piece is read a second time by a stepper told no key, and pitch logits are free + w
   * (keyed - free). 1 samples as the model does (and reads the piece once).
   */
  keyGuidance: number;
  /**
   * The same on the rhythm heads (shift, duration) towards a compound metre and away from the
   * simple one with the same bar (analysis/metre.ts contrastingMetre): the second reading is told
   * that metre. 1, or a metre without a contrast, samples as the model does.
   */
  metreGuidance: number;
}

/** The fields `PiecePlan.rhythm` samples. */
const RHYTHM_FIELDS: readonly string[] = ['shift', 'duration'];

/** A seed for requests that come without one; reported in the header so the piece can be made again. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** The key of a piece whose request names none: one from MusicNet's own distribution of keys, fixed by the seed (see drawKey). */
export function defaultKey(seed: number): number {
  return drawKey(seededRandom(seed ^ 0x5bd1e995)());
}

/**
 * Resolves a request: its instruments, seed, tempo and metre (the primer's, unless the request
 * names a tempo), the length in whole bars, and the primer's notes on the chosen instruments.
 */
export function planPiece(request: ComposeRequest): PiecePlan {
  const instrumentation = findInstrumentation(request.instrument);
  if (!instrumentation) throw new ComposeError(`unknown instrument or ensemble '${request.instrument}'`);
  const primerReading = request.primer ? readPrimer(request.primer) : undefined;
  const tempo = request.tempo ?? primerReading?.tempo ?? DEFAULT_TEMPO;
  const timeSignature = (request.metre ? parseMetre(request.metre) : undefined) ?? primerReading?.timeSignature ?? DEFAULT_TIME_SIGNATURE;
  const seed = request.seed ?? randomSeed();
  const key = (request.key ? parseKeyName(request.key) : undefined) ?? defaultKey(seed);
  const ending = planEnding(request.seconds, tempo, timeSignature);
  // The primer takes at most the first half of the piece (whole bars): at least half of what the
  // person asked for is new music, and the model always writes the ending.
  const halfInBars = Math.floor(ending.endStep / 2 / ending.barSteps) * ending.barSteps;
  const primer = primerReading ? fitPrimer(primerReading.notes, instrumentation.parts, Math.max(ending.barSteps, halfInBars)) : [];
  const parts: HeaderPart[] = instrumentation.parts.map((part) => ({ ...part, name: partName(part, instrumentation.parts) }));
  const header: PieceHeader = {
    instruments: instrumentation.instruments,
    parts,
    key: keyName(key),
    composer: request.composer,
    tempo,
    timeSignature,
    seed,
    seconds: (ending.endStep / STEPS_PER_BEAT) * (60 / tempo),
  };
  return {
    header,
    primer,
    ending,
    temperature: request.temperature,
    topP: request.topP,
    rhythm: DEFAULT_RHYTHM_SAMPLING,
    repeatPenalty: request.repeatPenalty ?? DEFAULT_REPEAT_PENALTY,
    keyGuidance: request.keyGuidance ?? defaultKeyGuidance(request.key !== undefined),
    metreGuidance: request.metreGuidance ?? DEFAULT_METRE_GUIDANCE,
  };
}

/** The second reading guidance needs (the key it is told, its metre) and each guided field's weight; undefined: none. */
interface GuidancePlan {
  key: number;
  timeSignature: TimeSignaturePair;
  weights: Map<number, number>;
}

function guidancePlan(plan: PiecePlan, key: number): GuidancePlan | undefined {
  const weights = new Map<number, number>();
  const keyGuided = plan.keyGuidance !== 1 && key !== UNKNOWN_KEY;
  if (keyGuided) weights.set(FIELD_PITCH, plan.keyGuidance);
  const contrast = plan.metreGuidance !== 1 ? contrastingMetre(plan.header.timeSignature) : undefined;
  if (contrast) for (const field of [FIELD_SHIFT, FIELD_DURATION]) weights.set(field, plan.metreGuidance);
  if (weights.size === 0) return undefined;
  // One reading told both: the pitch head's guidance then also leans away from the contrasting
  // metre, which moves pitches far less than the key does, for no third pass over the weights.
  return { key: keyGuided ? UNKNOWN_KEY : key, timeSignature: contrast ?? plan.header.timeSignature, weights };
}

/** The plan's key index (UNKNOWN_KEY when the header names none). */
function planKey(plan: PiecePlan): number {
  return plan.header.key === undefined ? UNKNOWN_KEY : (parseKeyName(plan.header.key) ?? UNKNOWN_KEY);
}

/** The header's part indices (the encoding's part vocabulary) and their names by index. */
function partNames(header: PieceHeader): Map<number, string> {
  return new Map(header.parts.map((part) => [partIndex(instrumentIndex(part.instrument) as number, part.slot), part.name]));
}

function toComposedNote(note: GridNote, secondsPerStep: number, primer: boolean, names: ReadonlyMap<number, string>): ComposedNote {
  const spec = INSTRUMENTS[note.instrument];
  if (!spec) throw new RangeError(`instrument index ${note.instrument} is not one of partita's instruments`);
  return {
    instrument: spec.name,
    part: names.get(partIndex(note.instrument, note.part ?? 0)) ?? spec.name,
    pitch: note.pitch,
    velocity: binToVelocity(note.velocityBin),
    startSeconds: note.startStep * secondsPerStep,
    durationSeconds: note.durationSteps * secondsPerStep,
    ...(primer ? { primer: true } : {}),
  };
}

/**
 * The penalty against a part repeating its last pitch: `lastPitch[part]` is the pitch of the
 * part's most recent note (-1: none yet). Notes sharing an onset come in ascending pitch within
 * a part (the canonical order), so that note is the top of the part's last chord, the pitch its
 * top line moves from; within a chord the canonical order already forbids it. Undefined for 0.
 * Only the penalty reads lastPitch, and it draws no random numbers, so seeding is unchanged.
 */
export function repeatPenaltyFor(nats: number, lastPitch: Int16Array): FieldPenalty | undefined {
  if (nats <= 0) return undefined;
  return (field, chosen) => {
    if (field !== FIELD_PITCH) return undefined;
    const part = chosen[FIELD_INSTRUMENT] as number;
    const value = part === REST_INSTRUMENT ? -1 : (lastPitch[part] ?? -1);
    return value >= 0 ? { value, nats } : undefined;
  };
}

/** Notes the part's most recent pitch (rests leave it as it is). */
export function rememberPitch(lastPitch: Int16Array, event: readonly number[]): void {
  const part = event[FIELD_INSTRUMENT] as number;
  if (part !== REST_INSTRUMENT) lastPitch[part] = event[FIELD_PITCH] as number;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writes a new piece with the LSTM, note by note, in order of onset. The same plan (request and
 * seed) gives the same notes. The primer's notes come first and are read by the model, so the
 * new music continues them. Only the plan's instruments play, each inside its range, and the
 * piece ends on a bar line with a held final chord (see constraints.ts). Stop early with
 * `signal` or by leaving the loop.
 */
export async function* composePlanned(model: ComposerModel, plan: PiecePlan, options: ComposeOptions = {}): AsyncGenerator<ComposedNote> {
  const stepper = borrowStepper(model);
  const guidance = guidancePlan(plan, planKey(plan));
  const partner = guidance ? borrowStepper(model) : undefined;
  try {
    yield* writePiece(model, plan, stepper, partner && guidance && { stepper: partner, ...guidance }, options);
  } finally {
    returnStepper(model, stepper);
    if (partner) returnStepper(model, partner);
  }
}

/** One reading of the piece: a stepper with the piece's conditions and its own PieceContext. */
class PieceReader {
  readonly context: PieceContext;
  private readonly rows: number[];

  constructor(
    readonly stepper: LstmStepper,
    header: PieceHeader,
    parts: number[],
    key: number,
  ) {
    this.rows = scoreConditions({ composer: header.composer, parts, timeSignature: header.timeSignature, key });
    this.context = new PieceContext([{ step: 0, signature: header.timeSignature }], key);
  }

  /** Reads the previous event (undefined: the start); with a partner (guidance's second reading), both read it. */
  advance(previous: readonly number[] | undefined, partner?: PieceReader): void {
    if (partner) this.stepper.advanceWith(partner.stepper, previous, this.conditions(), partner.conditions());
    else this.stepper.advance(previous, this.conditions());
  }

  private conditions(): readonly number[] {
    return conditionsAt(this.rows, this.context);
  }

  readonly headContexts = (field: number, chosen: readonly number[]) => this.context.headFeaturesFor(field, chosen);
}

async function* writePiece(
  model: ComposerModel,
  plan: PiecePlan,
  stepper: LstmStepper,
  guidance: (GuidancePlan & { stepper: LstmStepper }) | undefined,
  options: ComposeOptions,
): AsyncGenerator<ComposedNote> {
  const { header, ending } = plan;
  const secondsPerStep = 60 / header.tempo / STEPS_PER_BEAT;
  const names = partNames(header);
  const parts = [...names.keys()];
  const reader = new PieceReader(stepper, header, parts, planKey(plan));
  const context = reader.context;
  // Classifier-free guidance's second reading, told other conditions; it reads every event the first does.
  const second = guidance
    ? new PieceReader(guidance.stepper, { ...header, timeSignature: guidance.timeSignature }, parts, guidance.key)
    : undefined;
  const readers = second ? [reader, second] : [reader];
  const source: FieldLogitSource =
    second && guidance ? new GuidedLogits(stepper, second.stepper, second.headContexts, guidance.weights) : stepper;
  const fields = model.config.fields.length;
  let previous: number[] | undefined;
  const lastPitch = new Int16Array(PART_COUNT + 1).fill(-1);

  const primerEvents = gridToEvents(plan.primer);
  for (let row = 0; row < primerEvents.length; row += fields) {
    reader.advance(previous, second);
    const event = Array.from(primerEvents.subarray(row, row + fields));
    for (const each of readers) each.context.push(event);
    previous = event;
    rememberPitch(lastPitch, event);
  }
  for (const note of plan.primer) {
    if (options.signal?.aborted) return;
    yield toComposedNote(note, secondsPerStep, true, names);
  }

  // Notes each part has started at `context.time`: chord sizes are capped per player.
  const startedAtTime = new Array<number>(PART_COUNT).fill(0);
  const rulesAt = pieceRules(parts, ending, startedAtTime);
  const random = seededRandom(header.seed);
  const byField = model.config.fields.map((field) => (RHYTHM_FIELDS.includes(field.name) ? plan.rhythm : undefined));
  const penalty = repeatPenaltyFor(plan.repeatPenalty, lastPitch);
  const sampling = { temperature: plan.temperature, topP: plan.topP, random, byField, ...(penalty && { penalty }) };
  let sliceStarted = performance.now();
  while (!options.signal?.aborted) {
    reader.advance(previous, second);
    const rule = rulesAt(context.time);
    const event = sampleEvent(
      source,
      previous,
      sampling,
      (field, chosen, logits, before) => {
        scoreGrammarRule(field, chosen, logits, before);
        rule(field, chosen, logits, before);
      },
      reader.headContexts,
    );
    const onset = context.time + (event[0] as number);
    if (onset > ending.finalBarStep) return;
    previous = event;
    if (onset !== context.time) startedAtTime.fill(0);
    for (const each of readers) each.context.push(event);
    rememberPitch(lastPitch, event);
    const [, part, pitch, durationSteps, velocityBin] = event as [number, number, number, number, number];
    if (part !== REST_INSTRUMENT) {
      startedAtTime[part] = (startedAtTime[part] ?? 0) + 1;
      const { instrument, slot } = partOfIndex(part);
      yield toComposedNote({ instrument, part: slot, pitch, startStep: onset, durationSteps, velocityBin }, secondsPerStep, false, names);
    }
    if (performance.now() - sliceStarted > SLICE_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
}

/** compose(model, request): plans the request and writes it; see composePlanned. */
export function compose(model: ComposerModel, request: ComposeRequest, options: ComposeOptions = {}): AsyncGenerator<ComposedNote> {
  return composePlanned(model, planPiece(request), options);
}
