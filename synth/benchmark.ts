/**
 * Synthesis speed: our FluidSynth-on-wasm render against Debian's native fluidsynth on the same music.
 * Ours is timed from notes to 16-bit PCM chunks with the SoundFont already loaded (the load is reported
 * on its own); the native one is timed as the whole `fluidsynth -F` process, plus the same process on a
 * one-note file to show how much of that is its start-up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../model/arrays.js';
import type { ComposedNote } from '../model/compose/note.js';
import { notesToMidi, readMidiNotes } from './midiFile.js';
import { pcmSeconds } from './pcm.js';
import { loadSynth, type Synth } from './synth.js';
import { WAV_HEADER_BYTES } from './wav.js';

/** Debian's fluid-soundfont-gm: the stereo .sf2 that FluidR3Mono was made from. */
export const DEBIAN_SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

export interface SynthesisBenchmarkOptions {
  /** Seconds of the MIDI file to render (from its start); default 60. */
  seconds?: number;
  /** Timed renders of ours; the median is reported. Default 3. */
  runs?: number;
  /** A loaded synth to use (its load time is then not measured). */
  synth?: Synth;
  fluidsynthPath?: string;
  nativeSoundFont?: string;
}

export interface SynthesisBenchmark {
  notes: number;
  audio_seconds: number;
  load_seconds: number;
  js_synth_seconds: number;
  js_audio_seconds_per_second: number;
  native_fluidsynth_seconds: number;
  native_fluidsynth_audio_seconds_per_second: number;
  native_fluidsynth_startup_seconds: number;
  native_fluidsynth_command: string;
}

async function timeOurs(synth: Synth, notes: readonly ComposedNote[]): Promise<{ seconds: number; audioSeconds: number }> {
  const instruments = [...new Set(notes.map((note) => note.instrument))];
  let samples = 0;
  const started = performance.now();
  for await (const chunk of synth.render(notes, { instruments })) samples += chunk.length;
  return { seconds: (performance.now() - started) / 1000, audioSeconds: pcmSeconds(samples) };
}

/** Runs native fluidsynth on a MIDI file; returns its wall time and the seconds of audio it wrote. */
function timeNative(fluidsynth: string, soundFont: string, midiPath: string, wavPath: string): { seconds: number; audioSeconds: number } {
  const started = performance.now();
  const run = spawnSync(fluidsynth, ['-F', wavPath, '-r', '48000', '-ni', soundFont, midiPath], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.error) throw new Error(`cannot run ${fluidsynth} (Debian: apt-get install fluidsynth): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`fluidsynth failed (exit status ${run.status}): ${run.stderr.trim()}`);
  // fluidsynth writes 16-bit stereo at the rate we asked for.
  return { seconds, audioSeconds: (statSync(wavPath).size - WAV_HEADER_BYTES) / 4 / 48_000 };
}

/** Benchmarks synthesis of a MIDI file (or of notes already read) truncated to `seconds`. */
export async function benchmarkSynthesis(
  input: string | readonly ComposedNote[],
  options: SynthesisBenchmarkOptions = {},
): Promise<SynthesisBenchmark> {
  const seconds = options.seconds ?? 60;
  const notes = typeof input === 'string' ? await readMidiNotes(input, seconds) : input.filter((note) => note.startSeconds < seconds);
  if (notes.length === 0) throw new Error('nothing to render: no notes in the benchmark input');
  const synth = options.synth ?? (await loadSynth());
  const fluidsynth = options.fluidsynthPath ?? 'fluidsynth';
  const soundFont = options.nativeSoundFont ?? DEBIAN_SOUNDFONT;
  const folder = mkdtempSync(join(tmpdir(), 'partita-bench-synth-'));
  try {
    const ours: { seconds: number; audioSeconds: number }[] = [];
    for (let run = 0; run < (options.runs ?? 3); run++) ours.push(await timeOurs(synth, notes));
    const audioSeconds = ours[0]?.audioSeconds ?? 0;
    const jsSeconds = median(ours.map((run) => run.seconds));

    const midiPath = join(folder, 'piece.mid');
    writeFileSync(midiPath, notesToMidi(notes));
    const native = timeNative(fluidsynth, soundFont, midiPath, join(folder, 'piece.wav'));
    const oneNotePath = join(folder, 'one-note.mid');
    writeFileSync(oneNotePath, notesToMidi(notes.slice(0, 1).map((note) => ({ ...note, durationSeconds: 0.05 }))));
    const startup = timeNative(fluidsynth, soundFont, oneNotePath, join(folder, 'one-note.wav'));
    return {
      notes: notes.length,
      audio_seconds: audioSeconds,
      load_seconds: synth.loadSeconds,
      js_synth_seconds: jsSeconds,
      js_audio_seconds_per_second: audioSeconds / jsSeconds,
      native_fluidsynth_seconds: native.seconds,
      native_fluidsynth_audio_seconds_per_second: native.audioSeconds / native.seconds,
      native_fluidsynth_startup_seconds: startup.seconds,
      native_fluidsynth_command: `${fluidsynth} -F out.wav -r 48000 -ni ${soundFont} piece.mid`,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
    if (!options.synth) synth.close();
  }
}
