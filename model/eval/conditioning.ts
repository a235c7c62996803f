import { findKey, keyName, parseKeyName, transposeKey } from '../analysis/keys.js';
import { barSteps, metricalWeight, type TimeSignaturePair } from '../analysis/metre.js';
import { compose } from '../compose/compose.js';
import type { ComposerModel } from '../compose/composerModel.js';
import type { ComposedNote } from '../compose/note.js';
import { ASKED_KEY_GUIDANCE, DEFAULT_METRE_GUIDANCE, DEFAULT_TOP_P, parseComposeRequest } from '../compose/request.js';
import { STEPS_PER_BEAT } from '../encoding/grid.js';
import { ignoreProgress, type ProgressCallback } from '../progress.js';
import type { Score } from '../score.js';

/**
 * Does a request's key and metre come out? For each asked key, pieces are written with it and
 * their key found from the notes (Krumhansl-Schmuckler); for each asked metre, the onsets are
 * read against every candidate metre's metrical hierarchy (metricalSalience): the metre asked
 * for should weigh the onsets most.
 */
export interface ConditioningOptions {
  keys: readonly string[];
  metres: readonly TimeSignaturePair[];
  piecesPerRequest: number;
  instrument: string;
  seconds: number;
  /** Classifier-free guidance towards the key (PiecePlan.keyGuidance); the asked-key default unless given. */
  keyGuidance?: number;
  /** Guidance towards a compound metre (PiecePlan.metreGuidance); the request default unless given. */
  metreGuidance?: number;
  /** The notes' top-p; the request default unless given. */
  topP?: number;
  onProgress?: ProgressCallback;
}

export const DEFAULT_CONDITIONING: Omit<ConditioningOptions, 'onProgress'> = {
  keys: ['d-minor', 'e-flat-major', 'a-major', 'f-sharp-minor', 'c-major', 'g-minor'],
  metres: [
    [4, 4],
    [3, 4],
    [6, 8],
  ],
  piecesPerRequest: 30,
  instrument: 'string-quartet',
  seconds: 20,
};

async function collect(notes: AsyncIterable<ComposedNote>): Promise<ComposedNote[]> {
  const all: ComposedNote[] = [];
  for await (const note of notes) all.push(note);
  return all;
}

const EIGHTH_STEPS = STEPS_PER_BEAT / 2;

/**
 * The mean metrical weight (analysis/metre.ts) of the onsets' bar positions in this metre,
 * against the mean over its eighth-note positions (1: onsets no more on strong positions than
 * evenly spread eighths). Checked on real MusicNet pieces with one time signature
 * (tests/eval/conditioning.test.ts): their own metre scores highest on average for 4/4, 3/4 and
 * 6/8. The share of onsets on the downbeat and half bar, used before, read all nine real 6/8
 * pieces as 3/4, because 6/8 has one more accented position to share its onsets with.
 */
export function metricalSalience(onsetSteps: readonly number[], signature: TimeSignaturePair): number {
  if (onsetSteps.length === 0) return 0;
  const bar = barSteps(signature);
  let chance = 0;
  for (let position = 0; position < bar; position += EIGHTH_STEPS) chance += metricalWeight(signature, position);
  const weighed = onsetSteps.reduce((sum, step) => sum + metricalWeight(signature, step), 0);
  return weighed / onsetSteps.length / (chance / Math.ceil(bar / EIGHTH_STEPS));
}

/** The candidate metre whose hierarchy weighs these onsets most (see metricalSalience), with every candidate's salience. */
export function strongestMetre(onsetSteps: readonly number[], candidates: readonly TimeSignaturePair[]) {
  const salience = Object.fromEntries(candidates.map((candidate) => [candidate.join('/'), metricalSalience(onsetSteps, candidate)]));
  const strongest = Object.entries(salience).sort((a, b) => b[1] - a[1])[0]?.[0];
  return { salience, strongest };
}

/** Onsets of a real piece in grid steps from its first bar line. */
function scoreOnsetSteps(score: Score): number[] {
  return score.notes.map((note) => Math.round((note.startTick / score.ticksPerBeat) * STEPS_PER_BEAT));
}

/**
 * The metre check on real music: for pieces in one of the candidate metres throughout, how
 * often their own metre is the strongest, and the mean salience per candidate.
 */
export function realMetreAgreement(scores: readonly Score[], candidates: readonly TimeSignaturePair[]) {
  const byMetre: Record<string, { pieces: number; own_is_strongest: number; salience: Record<string, number> }> = {};
  for (const score of scores) {
    const [only, ...more] = score.timeSignatures;
    const label = only ? `${only.numerator}/${only.denominator}` : '';
    if (!only || more.length > 0 || !candidates.some((candidate) => candidate.join('/') === label)) continue;
    const { salience, strongest } = strongestMetre(scoreOnsetSteps(score), candidates);
    const entry = byMetre[label] ?? { pieces: 0, own_is_strongest: 0, salience: {} };
    byMetre[label] = entry;
    entry.pieces++;
    if (strongest === label) entry.own_is_strongest++;
    for (const [name, value] of Object.entries(salience)) entry.salience[name] = (entry.salience[name] ?? 0) + value;
  }
  for (const entry of Object.values(byMetre)) {
    for (const name of Object.keys(entry.salience)) entry.salience[name] = (entry.salience[name] as number) / entry.pieces;
    entry.own_is_strongest /= entry.pieces;
  }
  return byMetre;
}

/** Keys a modulation usually reaches first: the same, the relative, the dominant and the subdominant. */
export function closelyRelated(found: number, asked: number): boolean {
  const relative = asked >= 12 ? transposeKey(asked, 3) - 12 : transposeKey(asked, -3) + 12;
  return [asked, relative, transposeKey(asked, 7), transposeKey(asked, 5)].includes(found);
}

function keyOfNotes(notes: readonly { pitch: number; durationSeconds: number }[]): number {
  return findKey(notes.map((note) => ({ pitch: note.pitch, duration: note.durationSeconds })));
}

/**
 * The same check on real music: how often the key of a real piece's first `seconds` is the key
 * of the whole piece, the label the model was trained with. Openings that start on the
 * dominant or modulate early make this well short of 1: it is the ceiling an imitator reaches.
 */
export function realKeyAgreement(scores: readonly Score[], seconds: number) {
  let exact = 0;
  let related = 0;
  for (const score of scores) {
    const whole = keyOfNotes(score.notes);
    const start = score.notes[0]?.startSeconds ?? 0;
    const opening = keyOfNotes(score.notes.filter((note) => note.startSeconds < start + seconds));
    if (opening === whole) exact++;
    if (closelyRelated(opening, whole)) related++;
  }
  const pieces = Math.max(1, scores.length);
  return { pieces: scores.length, seconds, key_agreement: exact / pieces, related_key_agreement: related / pieces };
}

export async function measureConditioning(model: ComposerModel, options: ConditioningOptions) {
  const progress = options.onProgress ?? ignoreProgress;
  const total = (options.keys.length + options.metres.length) * options.piecesPerRequest;
  let done = 0;
  const keys: Record<string, { agreement: number; related_agreement: number; found: Record<string, number> }> = {};
  for (const key of options.keys) {
    const found: Record<string, number> = {};
    let agree = 0;
    let related = 0;
    const asked = parseKeyName(key);
    for (let seed = 1; seed <= options.piecesPerRequest; seed++) {
      const request = parseComposeRequest({
        instrument: options.instrument,
        seconds: options.seconds,
        key,
        seed,
        keyGuidance: options.keyGuidance,
        metreGuidance: options.metreGuidance,
        topP: options.topP,
      });
      const notes = await collect(compose(model, request));
      const foundKey = keyOfNotes(notes);
      const name = keyName(foundKey);
      found[name] = (found[name] ?? 0) + 1;
      if (foundKey === asked) agree++;
      if (asked !== undefined && closelyRelated(foundKey, asked)) related++;
      progress(++done, total, `key ${key}`);
    }
    keys[key] = { agreement: agree / options.piecesPerRequest, related_agreement: related / options.piecesPerRequest, found };
  }
  const metres: Record<string, { salience: Record<string, number>; strongest: string; asked_is_strongest: boolean }> = {};
  for (const metre of options.metres) {
    const label = metre.join('/');
    const onsets: number[] = [];
    for (let seed = 1; seed <= options.piecesPerRequest; seed++) {
      const request = parseComposeRequest({
        instrument: options.instrument,
        seconds: options.seconds,
        metre: label,
        seed,
        tempo: 96,
        keyGuidance: options.keyGuidance,
        metreGuidance: options.metreGuidance,
        topP: options.topP,
      });
      const notes = await collect(compose(model, request));
      const stepsPerSecond = (96 / 60) * STEPS_PER_BEAT;
      onsets.push(...notes.map((note) => Math.round(note.startSeconds * stepsPerSecond)));
      progress(++done, total, `metre ${label}`);
    }
    const { salience, strongest = label } = strongestMetre(onsets, options.metres);
    metres[label] = { salience, strongest, asked_is_strongest: strongest === label };
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return {
    instrument: options.instrument,
    seconds: options.seconds,
    pieces_per_request: options.piecesPerRequest,
    key_guidance: options.keyGuidance ?? ASKED_KEY_GUIDANCE,
    metre_guidance: options.metreGuidance ?? DEFAULT_METRE_GUIDANCE,
    top_p: options.topP ?? DEFAULT_TOP_P,
    key_agreement: mean(Object.values(keys).map((entry) => entry.agreement)),
    related_key_agreement: mean(Object.values(keys).map((entry) => entry.related_agreement)),
    keys,
    metres,
  };
}
