/**
 * Notes to PCM, streaming. Notes arrive in order of start time, so when a note starting at t arrives
 * nothing else can happen before t: everything up to t is rendered and handed on at once, and only the
 * tail (last note-off plus release and reverb) waits for the end of the input. Events land on exact
 * frames; FluidSynth itself applies them at its next 64-frame block (1.3 ms).
 */
import type { ComposedNote, PieceHeader } from '../model/compose/note.js';
import { ChannelMap } from './channels.js';
import { ChunkWriter } from './chunkWriter.js';
import type { Synthesizer } from './fluid.js';
import { type NoteOff, NoteOffQueue } from './noteOffs.js';
import { FRAME_QUANTUM, SAMPLE_RATE } from './pcm.js';

export interface RenderOptions {
  /** Frames per chunk, a multiple of 960 (20 ms); default 4800 (100 ms). The last chunk may be shorter (still a multiple of 960). */
  chunkFrames?: number;
  /** Seconds rendered after the last note ends, for its release and the reverb; default 1.5. */
  tailSeconds?: number;
}

/** What the synth needs of a piece's header (any PieceHeader will do): the instruments, which set the channels. */
export type PieceAudioHeader = Pick<PieceHeader, 'instruments'>;

export const DEFAULT_CHUNK_FRAMES = 5 * FRAME_QUANTUM;
export const DEFAULT_TAIL_SECONDS = 1.5;

/**
 * Master gain. With it a Beethoven quartet (MusicNet's velocities) peaks near -7 dBFS at an RMS near
 * -26 dBFS, and only chords of many fortissimo notes reach the soft limiter's knee (FluidSynth's default
 * of 0.2 left pieces near -40 dBFS RMS).
 */
const GAIN = 0.8;
/** Reverb of a small hall: FluidSynth's room size and width, a little damping to soften the highs. */
const REVERB = { roomSize: 0.6, damping: 0.4, width: 0.8, level: 0.6 };
/** The last quarter second of the tail fades to silence. */
const FADE_FRAMES = SAMPLE_RATE / 4;
/** Silence rendered after a reset, in blocks, until the reverb's delay lines have emptied (under 3 s even after a fortissimo). */
const FLUSH_BLOCK_FRAMES = 4800;
const FLUSH_LIMIT_FRAMES = 3 * SAMPLE_RATE;
/** Half of one 16-bit step: anything quieter rounds to zero in our output. */
const SILENT = 1 / 65_536;

/**
 * Returns the synthesizer to silence: no voices, default controllers, and no reverb tail. FluidSynth's
 * system reset alone leaves voices sounding and its reverb keeps its delay lines, so after stopping all
 * sounds we render silence until the reverb has died out (tens of milliseconds of compute). The reverb's
 * modulation keeps its phase, so two renders of one piece can differ by inaudible amounts.
 */
function reset(synthesizer: Synthesizer): void {
  synthesizer.midiSystemReset();
  synthesizer.midiAllSoundsOff();
  synthesizer.setGain(GAIN);
  synthesizer.setReverb(REVERB.roomSize, REVERB.damping, REVERB.width, REVERB.level);
  const left = new Float32Array(FLUSH_BLOCK_FRAMES);
  const right = new Float32Array(FLUSH_BLOCK_FRAMES);
  const loudest = (samples: Float32Array) => samples.reduce((peak, sample) => Math.max(peak, Math.abs(sample)), 0);
  for (let flushed = 0; flushed < FLUSH_LIMIT_FRAMES; flushed += FLUSH_BLOCK_FRAMES) {
    synthesizer.render([left, right]);
    if (Math.max(loudest(left), loudest(right)) < SILENT) return;
  }
}

function toFrame(seconds: number): number {
  return Math.round(seconds * SAMPLE_RATE);
}

function checkNote(note: ComposedNote): void {
  const { pitch, startSeconds, durationSeconds } = note;
  if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) throw new RangeError(`note pitch must be an integer 0-127, got ${pitch}`);
  if (!Number.isFinite(startSeconds) || startSeconds < 0) throw new RangeError(`note start must be a time >= 0 s, got ${startSeconds}`);
  if (!Number.isFinite(durationSeconds) || durationSeconds < 0)
    throw new RangeError(`note duration must be >= 0 s, got ${durationSeconds}`);
}

/**
 * Renders notes through `synthesizer` (which this call owns until it finishes) as interleaved stereo
 * 16-bit PCM at 48 kHz. A note that arrives out of order starts as soon as it arrives. Overlapping notes
 * of one key on one instrument retrigger: the later one sounds until its own end.
 */
export async function* renderPcm(
  synthesizer: Synthesizer,
  notes: AsyncIterable<ComposedNote> | Iterable<ComposedNote>,
  header: PieceAudioHeader,
  options: RenderOptions = {},
): AsyncGenerator<Int16Array> {
  const chunkFrames = options.chunkFrames ?? DEFAULT_CHUNK_FRAMES;
  if (!Number.isInteger(chunkFrames) || chunkFrames <= 0 || chunkFrames % FRAME_QUANTUM !== 0) {
    throw new RangeError(`chunkFrames must be a positive multiple of ${FRAME_QUANTUM}, got ${chunkFrames}`);
  }
  const tailSeconds = options.tailSeconds ?? DEFAULT_TAIL_SECONDS;
  if (!(tailSeconds >= 0)) throw new RangeError(`tailSeconds must be >= 0, got ${tailSeconds}`);

  reset(synthesizer);
  const channels = new ChannelMap(synthesizer, header.instruments);
  const output = new ChunkWriter(synthesizer, chunkFrames);
  const noteOffs = new NoteOffQueue();
  /** The latest note on each (channel, key), so that a superseded note's note-off does not cut its successor. */
  const sounding = new Map<number, number>();
  let notesSeen = 0;
  let lastEnd = 0;

  const release = (off: NoteOff): void => {
    const key = off.channel * 128 + off.pitch;
    if (sounding.get(key) !== off.noteId) return;
    sounding.delete(key);
    synthesizer.midiNoteOff(off.channel, off.pitch);
  };

  /** Renders up to `frame`, ending on the way every note due to end. */
  function* playUntil(frame: number): Generator<Int16Array> {
    for (let off = noteOffs.peek(); off && off.frame <= frame; off = noteOffs.peek()) {
      yield* output.advanceTo(off.frame);
      noteOffs.pop();
      release(off);
    }
    yield* output.advanceTo(frame);
  }

  for await (const note of notes) {
    checkNote(note);
    const channel = channels.channelFor(note.instrument);
    const start = Math.max(output.frame, toFrame(note.startSeconds));
    yield* playUntil(start);
    const key = channel * 128 + note.pitch;
    if (sounding.has(key)) synthesizer.midiNoteOff(channel, note.pitch);
    const noteId = notesSeen++;
    sounding.set(key, noteId);
    synthesizer.midiNoteOn(channel, note.pitch, Math.min(127, Math.max(1, Math.round(note.velocity))));
    const end = Math.max(start + 1, toFrame(note.startSeconds + note.durationSeconds));
    noteOffs.push({ frame: end, channel, pitch: note.pitch, noteId });
    lastEnd = Math.max(lastEnd, end);
  }

  yield* playUntil(lastEnd);
  const end = Math.ceil((lastEnd + toFrame(tailSeconds)) / FRAME_QUANTUM) * FRAME_QUANTUM;
  output.fadeOut(Math.max(lastEnd, end - FADE_FRAMES), end);
  yield* output.advanceTo(end);
  yield* output.flush();
}
