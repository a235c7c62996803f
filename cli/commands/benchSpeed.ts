import { existsSync } from 'node:fs';
import {
  DEFAULT_GENERATION_SPEED,
  type GenerationRun,
  medianRun,
  seedPrimerFrom,
  timeCompose,
  timeSeedStyle,
} from '../../model/bench/generationSpeed.js';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { composePlanned, planPiece } from '../../model/compose/compose.js';
import { loadComposerModel } from '../../model/compose/composerModel.js';
import type { ComposedNote } from '../../model/compose/note.js';
import { DEFAULT_TEMPERATURE, DEFAULT_TOP_P } from '../../model/compose/request.js';
import { buildSeedModel, loadSeedParams } from '../../model/seed/seedModel.js';
import { benchmarkSynthesis } from '../../synth/index.js';
import { SHIPPED_MUSICNET_MODEL, SHIPPED_SEED_MODEL } from '../shippedModels.js';
import { UsageError } from '../usageError.js';

function ratio(ours: number, theirs: number): number {
  return theirs > 0 ? ours / theirs : Number.POSITIVE_INFINITY;
}

async function collect(notes: AsyncIterable<ComposedNote>): Promise<ComposedNote[]> {
  const all: ComposedNote[] = [];
  for await (const note of notes) all.push(note);
  return all;
}

/**
 * `partita bench speed`: generation by the shipped LSTM through compose() against seed-style
 * generation (the 25-note window re-read for every note) in the same process, one thread each;
 * then synthesis of a string quartet by our FluidSynth-wasm against Debian's native fluidsynth.
 */
export async function runSpeedBenchmark(options: { checkpoint?: string; seedCheckpoint?: string }): Promise<Record<string, unknown>> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const settings = DEFAULT_GENERATION_SPEED;
  const model = await loadComposerModel(options.checkpoint ?? SHIPPED_MUSICNET_MODEL);
  const ours: GenerationRun[] = [];
  const perInstrument: Record<string, GenerationRun> = {};
  for (const instrument of settings.instruments) {
    const runs: GenerationRun[] = [];
    for (const seed of settings.seeds) runs.push(await timeCompose(model, instrument, settings.seconds, seed));
    perInstrument[instrument] = medianRun(runs);
    ours.push(...runs);
    log(
      `lstm ${instrument}: ${Math.round(perInstrument[instrument].notes_per_second)} notes/s, ${Math.round(perInstrument[instrument].realtime_factor)}x real time`,
    );
  }
  const lstm = medianRun(ours);

  const seedFolder = options.seedCheckpoint ?? SHIPPED_SEED_MODEL;
  if (!existsSync(seedFolder)) throw new UsageError(`no seed model at ${seedFolder}: pass --seed-checkpoint`);
  const loaded = loadCheckpoint(seedFolder);
  if (loaded.model.arch !== 'seed' || !loaded.model.seedNetwork) throw new UsageError(`${seedFolder} is not a seed-arch model`);
  const shape = loaded.model.seedNetwork;
  const seedModel = buildSeedModel(shape, false);
  loadSeedParams(seedModel, loaded.params);
  // The seed model continues real-sounding music: the first 25 notes of one of ours.
  const primerPiece = await collect(
    composePlanned(model, planPiece({ instrument: 'violin', seconds: 30, seed: 1, temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P })),
  );
  const primer = seedPrimerFrom(primerPiece, shape.windowNotes);
  timeSeedStyle(seedModel, shape, primer, 3, 0);
  const seedRuns = settings.seeds.map((seed) => timeSeedStyle(seedModel, shape, primer, settings.seedNotes, seed));
  const seed = medianRun(seedRuns);
  log(`seed style: ${seed.notes_per_second.toFixed(1)} notes/s`);

  const quartet = await collect(
    composePlanned(
      model,
      planPiece({ instrument: 'string-quartet', seconds: 60, seed: 1, temperature: DEFAULT_TEMPERATURE, topP: DEFAULT_TOP_P }),
    ),
  );
  const synthesis = await benchmarkSynthesis(quartet, { seconds: 60 });
  log(
    `synthesis: ${Math.round(synthesis.js_audio_seconds_per_second)}x real time (native fluidsynth ${Math.round(synthesis.native_fluidsynth_audio_seconds_per_second)}x)`,
  );

  return {
    benchmark: 'speed',
    checkpoint: model.folder,
    seed_checkpoint: seedFolder,
    threads: 1,
    request: { instruments: settings.instruments, seconds: settings.seconds, seeds: settings.seeds },
    notes_per_second: lstm.notes_per_second,
    realtime_factor: lstm.realtime_factor,
    first_note_ms: lstm.first_note_ms,
    per_instrument: perInstrument,
    seed: {
      notes_per_second: seed.notes_per_second,
      realtime_factor: seed.realtime_factor,
      first_note_ms: seed.first_note_ms,
      notes: seed.notes,
    },
    // The same three figures flat, for readers that look for seed_<figure>.
    seed_notes_per_second: seed.notes_per_second,
    seed_realtime_factor: seed.realtime_factor,
    seed_first_note_ms: seed.first_note_ms,
    ratio_notes_per_second: ratio(lstm.notes_per_second, seed.notes_per_second),
    ratio_realtime_factor: ratio(lstm.realtime_factor, seed.realtime_factor),
    synthesis: { ensemble: 'string-quartet', ...synthesis },
  };
}
