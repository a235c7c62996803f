import { KEY_COUNT } from '../analysis/keys.js';
import { barSteps, beatSteps, type TimeSignaturePair } from '../analysis/metre.js';
import { FIELD_DURATION, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_SHIFT, FIELD_VELOCITY, REST_INSTRUMENT } from './noteEvents.js';

/**
 * What the LSTM is told beyond the previous event, computed from the events so far, the same way
 * in training (over a whole piece) and in generation (event by event): where in the bar it is,
 * and, for the part about to play, its own last notes and what it played one and two bars back
 * (Magenta's Lookback RNN, per part). Without these the network must remember each part's line
 * in its state while parts interleave, and it wrote lines as random as shuffled notes.
 *
 * Input features (summed into the step's input): the bar position of the current time, and the
 * gap to the next onset after the same position one and two bars back (the rhythm that followed).
 * Head features (summed into one output head, after the fields they depend on are chosen): the
 * new onset's bar position; the part's last pitch and interval; its pitch one and two bars back;
 * the interval and duration of its note exactly one bar back; and the key where the music is
 * (model/encoding/localKeys.ts), for the pitch head directly (through the LSTM input alone, 3 epochs in, asked keys came out 7% of the time
 * and scale consistency was 0.75 against real pieces' 0.91).
 *
 * The beat phase (input and part, duration and velocity heads) is where a step falls within its
 * beat, compound beats (the dotted quarter of 6/8, 9/8, 12/8) in a range of their own: a 6/8 bar
 * and a 3/4 bar have the same 72 bar positions, and told apart only by the metre row the model
 * wrote 6/8 as 3/4 (onset salience 1.26 for three beats, 0.98 for two).
 */

/** Bar positions in grid steps (a 4/2 bar is 192 steps); longer bars wrap. */
export const BAR_POSITIONS = 192;
const GAP_NONE = BAR_POSITIONS + 1;
const GAP_VOCAB = BAR_POSITIONS + 2;
const PITCH_NONE = 128;
const MAX_INTERVAL = 12;
const INTERVAL_NONE = 2 * MAX_INTERVAL + 1;
const LOOKBACK_DURATION_MAX = 96;
const DURATION_NONE = LOOKBACK_DURATION_MAX + 1;
/** Beat phases: a simple beat's steps first (up to a half note's), then a dotted quarter's (see beatSteps). */
const SIMPLE_BEAT_MAX = 48;
const BEAT_PHASES = SIMPLE_BEAT_MAX + 36;

export interface ContextFeature {
  name: string;
  vocab: number;
  /** The feature is an absolute MIDI pitch (< 128): transposition moves it. */
  pitch?: boolean;
}

export const INPUT_FEATURES: readonly ContextFeature[] = [
  { name: 'barPosition', vocab: BAR_POSITIONS },
  { name: 'nextOnsetOneBarBack', vocab: GAP_VOCAB },
  { name: 'nextOnsetTwoBarsBack', vocab: GAP_VOCAB },
  // Appended after the first models were trained: a model without it is widened in place (model/lstm/widen.ts).
  { name: 'beatPhase', vocab: BEAT_PHASES },
];

/** Head features in the order headFeatures() returns them, each with the field whose head reads it. */
export const HEAD_FEATURES: readonly (ContextFeature & { field: number })[] = [
  { field: FIELD_INSTRUMENT, name: 'onsetBarPosition', vocab: BAR_POSITIONS },
  { field: FIELD_PITCH, name: 'onsetBarPosition', vocab: BAR_POSITIONS },
  { field: FIELD_PITCH, name: 'partLastPitch', vocab: PITCH_NONE + 1, pitch: true },
  { field: FIELD_PITCH, name: 'partLastInterval', vocab: INTERVAL_NONE + 1 },
  { field: FIELD_PITCH, name: 'partPitchOneBarBack', vocab: PITCH_NONE + 1, pitch: true },
  { field: FIELD_PITCH, name: 'partIntervalOneBarBack', vocab: INTERVAL_NONE + 1 },
  { field: FIELD_PITCH, name: 'partPitchTwoBarsBack', vocab: PITCH_NONE + 1, pitch: true },
  { field: FIELD_DURATION, name: 'onsetBarPosition', vocab: BAR_POSITIONS },
  { field: FIELD_DURATION, name: 'partDurationOneBarBack', vocab: DURATION_NONE + 1 },
  { field: FIELD_VELOCITY, name: 'onsetBarPosition', vocab: BAR_POSITIONS },
  // Appended after the first models were trained, so older models are widened in place
  // (model/lstm/widen.ts): their rows end the heads' tables.
  { field: FIELD_PITCH, name: 'key', vocab: KEY_COUNT + 1 },
  { field: FIELD_INSTRUMENT, name: 'onsetBeatPhase', vocab: BEAT_PHASES },
  { field: FIELD_DURATION, name: 'onsetBeatPhase', vocab: BEAT_PHASES },
  { field: FIELD_VELOCITY, name: 'onsetBeatPhase', vocab: BEAT_PHASES },
  // Appended 2026-12-04 with the copy paths: the pitch that repeats, a step on, the interval the
  // part moved by exactly one bar back (a motif sequenced from where the line now is).
  { field: FIELD_PITCH, name: 'partSequencePitch', vocab: PITCH_NONE + 1, pitch: true },
];

/**
 * Head features that name a value of their own head's field, and so are copy paths
 * (NetworkConfig.copies): the pitch one and two bars back, the sequenced pitch, the note
 * length one bar back. Values from `limit` up mean "none" (or, for lengths, "longer").
 */
export const COPY_FEATURES: readonly { slot: number; limit: number }[] = [
  { name: 'partPitchOneBarBack', limit: PITCH_NONE },
  { name: 'partPitchTwoBarsBack', limit: PITCH_NONE },
  { name: 'partSequencePitch', limit: PITCH_NONE },
  { name: 'partDurationOneBarBack', limit: LOOKBACK_DURATION_MAX },
].map(({ name, limit }) => ({ slot: HEAD_FEATURES.findIndex((feature) => feature.name === name), limit }));

/** What an absolute-pitch feature becomes when moved out of MIDI's range: "none". */
export function pitchFeatureOrNone(pitch: number): number {
  return pitch >= 0 && pitch < PITCH_NONE ? pitch : PITCH_NONE;
}

/** The slot of the key among the head features (transposition and key dropout rewrite it). */
export const KEY_FEATURE_SLOT = HEAD_FEATURES.findIndex((feature) => feature.name === 'key');

/** Which HEAD_FEATURES slots each field's head reads, in order. */
const SLOTS_BY_FIELD: number[][] = [FIELD_SHIFT, FIELD_INSTRUMENT, FIELD_PITCH, FIELD_DURATION, FIELD_VELOCITY].map((field) =>
  HEAD_FEATURES.flatMap((feature, slot) => (feature.field === field ? [slot] : [])),
);

/** A time signature from `step` on (bars restart at each change). */
export interface MetreChange {
  step: number;
  signature: TimeSignaturePair;
}

/** One part's top line so far: at each of its onsets, the highest note. */
class PartLine {
  readonly onsets: number[] = [];
  readonly pitches: number[] = [];
  readonly durations: number[] = [];

  add(onset: number, pitch: number, duration: number): void {
    const last = this.onsets.length - 1;
    if (last >= 0 && this.onsets[last] === onset) {
      // Notes at one onset come lowest first: the latest is the top so far.
      this.pitches[last] = pitch;
      this.durations[last] = duration;
      return;
    }
    this.onsets.push(onset);
    this.pitches.push(pitch);
    this.durations.push(duration);
  }

  /** Index of the last onset at or before `step`, or -1. */
  indexAtOrBefore(step: number): number {
    let low = 0;
    let high = this.onsets.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.onsets[middle] as number) <= step) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }
}

function clampInterval(interval: number): number {
  return Math.max(-MAX_INTERVAL, Math.min(MAX_INTERVAL, interval)) + MAX_INTERVAL;
}

export class PieceContext {
  /** Onset of the last event read (the current time). */
  time = 0;
  private readonly metres: MetreChange[];
  private readonly lines = new Map<number, PartLine>();
  /** Every distinct onset so far, ascending. */
  private readonly onsets: number[] = [];

  /**
   * @param key the key where the music now is, or KEY_COUNT for "not given": in generation the
   * asked key throughout; in training each event's local key (model/encoding/localKeys.ts)
   */
  constructor(
    metres: readonly MetreChange[],
    public key: number = KEY_COUNT,
  ) {
    this.metres = metres.length > 0 ? [...metres].sort((a, b) => a.step - b.step) : [{ step: 0, signature: [4, 4] }];
  }

  private metreAt(step: number): { start: number; bar: number; beat: { steps: number; compound: boolean } } {
    let current = this.metres[0] as MetreChange;
    for (const change of this.metres) if (change.step <= step) current = change;
    return { start: Math.min(current.step, step), bar: barSteps(current.signature), beat: beatSteps(current.signature) };
  }

  barLength(step: number): number {
    return this.metreAt(step).bar;
  }

  barPosition(step: number): number {
    const { start, bar } = this.metreAt(step);
    return ((step - start) % bar) % BAR_POSITIONS;
  }

  /** Where `step` falls in its beat: simple beats in [0, SIMPLE_BEAT_MAX), compound ones after. */
  beatPhase(step: number): number {
    const { start, beat } = this.metreAt(step);
    const phase = (step - start) % beat.steps;
    return beat.compound ? SIMPLE_BEAT_MAX + phase : phase % SIMPLE_BEAT_MAX;
  }

  /** Steps from `from` to the first onset after it, or none when `from` is before the start. */
  private gapAfter(from: number): number {
    if (from < 0) return GAP_NONE;
    let low = 0;
    let high = this.onsets.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.onsets[middle] as number) <= from) low = middle + 1;
      else high = middle;
    }
    const next = this.onsets[low];
    return next === undefined ? GAP_NONE : Math.min(BAR_POSITIONS, next - from);
  }

  /** The input features for the next step, in INPUT_FEATURES order. */
  inputFeatures(): number[] {
    const bar = this.barLength(this.time);
    const started = this.onsets.length > 0;
    return [
      this.barPosition(this.time),
      started ? this.gapAfter(this.time - bar) : GAP_NONE,
      started ? this.gapAfter(this.time - 2 * bar) : GAP_NONE,
      this.beatPhase(this.time),
    ];
  }

  /** The head features for an event with this shift and part, in HEAD_FEATURES order. */
  headFeatures(shift: number, part: number): number[] {
    const onset = this.time + shift;
    const position = this.barPosition(onset);
    const phase = this.beatPhase(onset);
    const line = part === REST_INSTRUMENT ? undefined : this.lines.get(part);
    const count = line?.onsets.length ?? 0;
    const lastPitch = line && count > 0 ? (line.pitches[count - 1] as number) : PITCH_NONE;
    const lastInterval = line && count > 1 ? clampInterval(lastPitch - (line.pitches[count - 2] as number)) : INTERVAL_NONE;
    const bar = this.barLength(onset);
    const back = (bars: number): number => (line ? line.indexAtOrBefore(onset - bars * bar) : -1);
    const oneBack = back(1);
    const twoBack = back(2);
    // A note counts as "one bar back" while it started within that bar; older notes say nothing.
    const pitchBack = (index: number, bars: number) =>
      line && index >= 0 && (line.onsets[index] as number) > onset - (bars + 1) * bar ? (line.pitches[index] as number) : PITCH_NONE;
    const exactlyOneBack = line !== undefined && oneBack >= 0 && line.onsets[oneBack] === onset - bar;
    const intervalOneBack =
      line && exactlyOneBack && oneBack > 0
        ? clampInterval((line.pitches[oneBack] as number) - (line.pitches[oneBack - 1] as number))
        : INTERVAL_NONE;
    const durationOneBack = line && exactlyOneBack ? Math.min(LOOKBACK_DURATION_MAX, line.durations[oneBack] as number) : DURATION_NONE;
    const sequencePitch =
      line && exactlyOneBack && oneBack > 0 && lastPitch !== PITCH_NONE
        ? pitchFeatureOrNone(lastPitch + (line.pitches[oneBack] as number) - (line.pitches[oneBack - 1] as number))
        : PITCH_NONE;
    return [
      position,
      position,
      lastPitch,
      lastInterval,
      pitchBack(oneBack, 1),
      intervalOneBack,
      pitchBack(twoBack, 2),
      position,
      durationOneBack,
      position,
      this.key,
      phase,
      phase,
      phase,
      sequencePitch,
    ];
  }

  /** Head k's features given the fields chosen so far (the shift and, from the pitch head on, the part). */
  headFeaturesFor(field: number, chosen: readonly number[]): number[] {
    const slots = SLOTS_BY_FIELD[field] ?? [];
    if (slots.length === 0) return [];
    const all = this.headFeatures(chosen[FIELD_SHIFT] as number, (chosen[FIELD_INSTRUMENT] as number | undefined) ?? REST_INSTRUMENT);
    return slots.map((slot) => all[slot] as number);
  }

  /** Reads an event (shift, part, pitch, duration, velocity). */
  push(event: ArrayLike<number>): void {
    this.time += event[FIELD_SHIFT] as number;
    const part = event[FIELD_INSTRUMENT] as number;
    if (part === REST_INSTRUMENT) return;
    if (this.onsets[this.onsets.length - 1] !== this.time) this.onsets.push(this.time);
    let line = this.lines.get(part);
    if (!line) {
      line = new PartLine();
      this.lines.set(part, line);
    }
    line.add(this.time, event[FIELD_PITCH] as number, event[FIELD_DURATION] as number);
  }
}
