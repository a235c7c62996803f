import type * as tf from '@tensorflow/tfjs';
import { median } from '../arrays.js';
import { composePlanned, planPiece } from '../compose/compose.js';
import type { ComposerModel } from '../compose/composerModel.js';
import type { ComposedNote } from '../compose/note.js';
import { DEFAULT_TEMPERATURE, DEFAULT_TOP_P } from '../compose/request.js';
import { seededRandom } from '../lstm/params.js';
import { type SeedNote, seedGenerate } from '../seed/seedGenerate.js';
import type { SeedNetwork } from '../seed/seedModel.js';

/** What a generation run produced and what it cost. */
export interface GenerationRun {
  notes: number;
  music_seconds: number;
  compute_seconds: number;
  first_note_ms: number;
  notes_per_second: number;
  realtime_factor: number;
}

export interface GenerationSpeedOptions {
  /** Instruments or ensembles to write, each for `seconds` with each seed. */
  instruments: readonly string[];
  seconds: number;
  seeds: readonly number[];
  /** Notes the seed-style generator writes per run (it is slow: a few hundred is plenty). */
  seedNotes: number;
}

export const DEFAULT_GENERATION_SPEED: GenerationSpeedOptions = {
  instruments: ['violin', 'piano', 'cello-piano', 'string-quartet', 'wind-quintet'],
  seconds: 60,
  seeds: [1, 2, 3],
  seedNotes: 100,
};

function summarize(notes: number, musicSeconds: number, computeSeconds: number, firstNoteMs: number): GenerationRun {
  return {
    notes,
    music_seconds: musicSeconds,
    compute_seconds: computeSeconds,
    first_note_ms: firstNoteMs,
    notes_per_second: notes / computeSeconds,
    realtime_factor: musicSeconds / computeSeconds,
  };
}

/** One piece through compose(), timed from the call (the model already loaded, as in the app). */
export async function timeCompose(model: ComposerModel, instrument: string, seconds: number, seed: number): Promise<GenerationRun> {
  const started = performance.now();
  const plan = planPiece({ instrument, seconds, seed, temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P });
  let firstNoteMs = Number.NaN;
  let count = 0;
  let last: ComposedNote | undefined;
  for await (const note of composePlanned(model, plan)) {
    if (count === 0) firstNoteMs = performance.now() - started;
    count++;
    last = note;
  }
  const computeSeconds = (performance.now() - started) / 1000;
  const musicSeconds = last ? Math.max(plan.header.seconds, last.startSeconds + last.durationSeconds) : 0;
  return summarize(count, musicSeconds, computeSeconds, firstNoteMs);
}

/**
 * The seed demo's way of generating: every note re-reads the whole 25-note window through the
 * three-layer LSTM (tf.layers on the same backend). Its music lasts as long as the steps it
 * predicts; the seed baseline's are short, so its notes per second compare more fairly than its
 * real-time factor, and both are reported.
 */
export function timeSeedStyle(
  model: tf.LayersModel,
  shape: SeedNetwork,
  primer: readonly SeedNote[],
  notes: number,
  seed: number,
): GenerationRun {
  const started = performance.now();
  let firstNoteMs = Number.NaN;
  let count = 0;
  let musicSeconds = 0;
  for (const note of seedGenerate(model, shape, primer, 1, seededRandom(seed))) {
    if (count === 0) firstNoteMs = performance.now() - started;
    count++;
    musicSeconds += note.step;
    if (count >= notes) {
      musicSeconds += note.duration;
      break;
    }
  }
  return summarize(count, musicSeconds, (performance.now() - started) / 1000, firstNoteMs);
}

/** Medians over runs, the way the README quotes them. */
export function medianRun(runs: readonly GenerationRun[]): GenerationRun {
  const pick = (key: keyof GenerationRun) => median(runs.map((run) => run[key]));
  return {
    notes: pick('notes'),
    music_seconds: pick('music_seconds'),
    compute_seconds: pick('compute_seconds'),
    first_note_ms: pick('first_note_ms'),
    notes_per_second: pick('notes_per_second'),
    realtime_factor: pick('realtime_factor'),
  };
}

/** A seed-model primer: the first notes of a piece, as (pitch, step, duration) in seconds. */
export function seedPrimerFrom(notes: readonly ComposedNote[], count: number): SeedNote[] {
  const sorted = [...notes].sort((a, b) => a.startSeconds - b.startSeconds || a.pitch - b.pitch).slice(0, count);
  return sorted.map((note, index) => ({
    pitch: note.pitch,
    step: index === 0 ? 0 : note.startSeconds - (sorted[index - 1] as ComposedNote).startSeconds,
    duration: note.durationSeconds,
  }));
}
