/**
 * A compose worker thread: loads the model and the synth once, then writes pieces as the main thread
 * asks, several at once (interleaved: compose() yields every few milliseconds).
 * For each piece it streams notes in batches and its audio as it is rendered, encoded to Opus here once
 * for every listener, then writes the piece's files.
 * Kept off the main thread so that HTTP and Discord stay responsive however busy the composer is.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { composePlanned } from '../model/compose/compose.js';
import { borrowStepper, type ComposerModel, loadComposerModel, returnStepper } from '../model/compose/composerModel.js';
import type { ComposedNote } from '../model/compose/note.js';
import { composedToMidi } from '../model/compose/toMidi.js';
import { composedToMusicXml } from '../notation/musicXml.js';
import {
  CHANNELS,
  loadSynth,
  OpusFrameEncoder,
  oggOpusFile,
  readWavPcm,
  type Synth,
  WavFileWriter,
  writeAudioFile,
} from '../synth/index.js';
import { Feed } from './feed.js';
import type { FromWorker, PieceOutputPaths, ToWorker } from './workerProtocol.js';

export interface ComposeWorkerData {
  modelPath: string;
  /** Pieces this worker composes at once, interleaved (each has its own stepper). */
  piecesAtOnce: number;
  /** Pieces it renders at once, each on its own FluidSynth instance (a few MB, 0.1 s to make); the others' audio waits its turn. */
  rendersAtOnce: number;
  soundFontPath?: string;
}

/** How much lower than the main thread the workers run; 10 is what `nice` uses by default. */
const WORKER_NICENESS = 10;

/** Notes after the first go out at most this often: the first at once, for a fast start. */
const NOTE_BATCH_MS = 50;

type StartMessage = Extract<ToWorker, { type: 'start' }>;

const port = parentPort;
if (!port) throw new Error('composeWorker.ts runs as a worker thread');
// On Linux a thread has its own niceness: composing and rendering yield the cores to the main
// thread (HTTP, the Discord gateway), and the ffmpeg started from here (the .mp3) inherits it.
// Measured in tests/bot: event-loop delay max 93 ms with equal priority on 2 cores.
try {
  // Relative to the process: under `nice` the workers must still yield to the gateway and voice timers.
  setPriority(Math.min(19, getPriority() + WORKER_NICENESS));
} catch {
  // Not permitted (some containers): the workers then run at the main thread's priority.
}
const data = workerData as ComposeWorkerData;
const running = new Map<string, AbortController>();

function post(message: FromWorker): void {
  port?.postMessage(message);
}

/** Writes a file under a temporary name, then renames it: readers never see half a file. */
async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.partial`, bytes);
  await rename(`${path}.partial`, path);
}

interface PieceAudio {
  /** The .wav, written as the piece renders: its PCM is never all in memory (57.6 MB for five minutes). */
  wav: WavFileWriter;
  /** Frames rendered. */
  samples: number;
  /** Every Opus packet the piece's listeners got, the encoder's flush included. */
  packets: Uint8Array[];
}

/** The .wav finished, then the .mp3 made from it: ffmpeg reads the same PCM it was piped from memory before. */
async function writeWavThenMp3(paths: PieceOutputPaths, wav: WavFileWriter): Promise<number> {
  const seconds = await wav.finish();
  await writeAudioFile(readWavPcm(paths.wav), paths.mp3);
  return seconds;
}

async function writeFiles(paths: PieceOutputPaths, message: StartMessage, notes: ComposedNote[], audio: PieceAudio): Promise<number> {
  await mkdir(dirname(paths.mid), { recursive: true });
  const [seconds] = await Promise.all([
    writeWavThenMp3(paths, audio.wav),
    // The .ogg is the packets the listeners heard: no second Opus encoder for it.
    writeAtomically(paths.ogg, oggOpusFile(audio.packets, audio.samples)),
    writeAtomically(paths.mid, composedToMidi(message.plan.header, notes, message.title)),
    writeAtomically(paths.notes, JSON.stringify(notes)),
    writeScore(paths, message, notes),
  ]);
  return seconds;
}

/**
 * The MusicXML (a few ms for a short piece, 0.1 s for five minutes). Its PNG is drawn elsewhere
 * (studio/engraveWorker.ts): Verovio would hold this thread, and every piece it composes, for a
 * second. A score that cannot be written here is made again on request, so the piece does not
 * fail for it.
 */
async function writeScore(paths: PieceOutputPaths, message: StartMessage, notes: ComposedNote[]): Promise<void> {
  try {
    await writeAtomically(paths.musicxml, composedToMusicXml(message.plan.header, notes).xml);
  } catch {
    // Left to the on-demand path, which reports the reason to whoever asks.
  }
}

/**
 * Composes and renders one piece. The composer runs ahead on its own and never waits for the renderer:
 * notes reach subscribers at once, even while every FluidSynth instance is busy with other pieces.
 */
async function writePiece(model: ComposerModel, synth: Synth, message: StartMessage, signal: AbortSignal): Promise<void> {
  const { id, plan } = message;
  const notes: ComposedNote[] = [];
  const toRender = new Feed<ComposedNote>(() => {});
  let batch: ComposedNote[] = [];
  let lastPost = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    post({ type: 'notes', id, notes: batch });
    batch = [];
    lastPost = performance.now();
  };
  const composing = (async () => {
    try {
      for await (const note of composePlanned(model, plan, { signal })) {
        notes.push(note);
        batch.push(note);
        if (notes.length === 1 || performance.now() - lastPost >= NOTE_BATCH_MS) flush();
        toRender.push(note);
      }
      flush();
      if (!signal.aborted) post({ type: 'composed', id, noteCount: notes.length });
    } finally {
      toRender.end();
    }
  })();

  // The one encoder of this piece's live audio, whoever and however many listen (web and Discord alike).
  const encoder = new OpusFrameEncoder();
  await mkdir(dirname(message.paths.wav), { recursive: true });
  const audio: PieceAudio = { wav: await WavFileWriter.open(message.paths.wav), samples: 0, packets: [] };
  const send = (packets: Uint8Array[]): void => {
    audio.packets.push(...packets);
    post({ type: 'opus', id, packets });
  };
  try {
    for await (const chunk of synth.render(toRender, plan.header)) {
      if (signal.aborted) break;
      audio.wav.append(chunk);
      audio.samples += chunk.length / CHANNELS;
      send(encoder.encode(chunk));
    }
    if (!signal.aborted) send(encoder.flush());
    await composing;
  } catch (error) {
    await audio.wav.abort();
    throw error;
  }
  if (signal.aborted) {
    await audio.wav.abort();
    post({ type: 'cancelled', id, noteCount: notes.length });
    return;
  }
  const seconds = await writeFiles(message.paths, message, notes, audio);
  post({ type: 'done', id, noteCount: notes.length, seconds });
}

async function start(model: ComposerModel, synth: Synth, message: StartMessage): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  try {
    await writePiece(model, synth, message, controller.signal);
  } catch (error) {
    const paths = Object.values(message.paths).map((path) => rm(`${path}.partial`, { force: true }));
    await Promise.all(paths);
    post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    running.delete(message.id);
  }
}

/**
 * The synth makes a FluidSynth instance the first time it has more renders at once than instances,
 * which holds this thread for a moment: empty renders, all at once, make every instance now so that
 * no piece waits for one.
 */
async function warmUpSynth(synth: Synth, renders: number): Promise<void> {
  const drain = async (): Promise<void> => {
    for await (const _ of synth.render([], { instruments: ['piano'] }, { tailSeconds: 0 })) {
      // Only the instance matters.
    }
  };
  await Promise.all(Array.from({ length: renders }, drain));
}

/** A stepper can cost ~25 ms to make (a fresh WebAssembly memory, for every eighth): make one per piece slot now, not on a piece's first note. */
function warmUpSteppers(model: ComposerModel, pieces: number): void {
  const steppers = Array.from({ length: pieces }, () => borrowStepper(model));
  for (const stepper of steppers) returnStepper(model, stepper);
}

async function main(): Promise<void> {
  const [model, synth] = await Promise.all([
    loadComposerModel(data.modelPath),
    loadSynth({ maxConcurrentRenders: data.rendersAtOnce, soundFontPath: data.soundFontPath }),
  ]);
  // Every synth instance is made before the worker says it is ready. When each decoded the whole
  // .sf3 (seconds of CPU, ~140 MB), one made on demand stalled every piece this worker was
  // composing (first note p95 21.8 s with 8 pieces at once, against < 1 s warmed). Now that they
  // share the decoded samples (synth/fluid.ts) one costs ~0.1 s and a few MB, but it still blocks
  // this thread, so they are still made here, where it costs nothing.
  await warmUpSynth(synth, data.rendersAtOnce);
  warmUpSteppers(model, data.piecesAtOnce);
  const pieces = new Set<Promise<void>>();
  port?.on('message', (message: ToWorker) => {
    if (message.type === 'start') {
      const piece = start(model, synth, message);
      pieces.add(piece);
      piece.finally(() => pieces.delete(piece));
    } else if (message.type === 'cancel') running.get(message.id)?.abort();
    else {
      for (const controller of running.values()) controller.abort();
      Promise.all(pieces).finally(() => {
        synth.close();
        port?.close();
      });
    }
  });
  post({ type: 'ready' });
}

// A failure to load ends the thread; the pool sees it as the worker's 'error' event.
await main();
