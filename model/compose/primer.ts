import { endNotesAtRestrike, type GridNote, MAX_DURATION_STEPS, scoreToGrid } from '../encoding/grid.js';
import { MidiFormatError, readMidi } from '../ingest/readMidi.js';
import { INSTRUMENTS, instrumentIndex, type PartSpec } from '../instruments.js';
import { ComposeError } from './errors.js';

/** A primer read and put on the grid, before it is fitted to the chosen instruments. */
export interface PrimerReading {
  notes: GridNote[];
  tempo?: number;
  timeSignature?: [number, number];
}

/** Reads a primer MIDI file; a clear ComposeError when it is not MIDI or has nothing to continue. */
export function readPrimer(bytes: Uint8Array): PrimerReading {
  let reading: ReturnType<typeof readMidi>;
  try {
    reading = readMidi(bytes, { id: 'primer', title: 'primer', source: 'primer' });
  } catch (error) {
    if (error instanceof MidiFormatError) throw new ComposeError(`the primer is not a readable MIDI file (${error.message})`);
    throw error;
  }
  const { score } = reading;
  const { notes } = scoreToGrid(score);
  if (notes.length === 0) throw new ComposeError('the primer MIDI has no notes partita can continue (percussion is not used)');
  const signature = score.timeSignatures[0];
  return {
    notes,
    tempo: score.tempos[0]?.bpm,
    timeSignature: signature ? [signature.numerator, signature.denominator] : undefined,
  };
}

function rangeCentre(index: number): number {
  const spec = INSTRUMENTS[index];
  return spec ? (spec.lowestPitch + spec.highestPitch) / 2 : 60;
}

/**
 * The chosen instrument a primer note moves to: its own when chosen; else the one whose range
 * holds the pitch and sits nearest the note's original instrument (a primer's viola line goes
 * to the cello rather than the violin when the violin cannot reach it); else, when no chosen
 * range holds it, the nearest-centred one, and the note moves by octaves into that range.
 */
function fitNote(note: GridNote, chosen: readonly number[]): GridNote {
  if (chosen.includes(note.instrument)) return note;
  const centre = rangeCentre(note.instrument);
  const byCloseness = [...chosen].sort((a, b) => Math.abs(rangeCentre(a) - centre) - Math.abs(rangeCentre(b) - centre));
  const holding = byCloseness.find((index) => {
    const spec = INSTRUMENTS[index];
    return spec !== undefined && note.pitch >= spec.lowestPitch && note.pitch <= spec.highestPitch;
  });
  if (holding !== undefined) return { ...note, instrument: holding };
  const target = byCloseness[0] as number;
  return { ...note, instrument: target, pitch: moveIntoRange(note.pitch, target) };
}

function moveIntoRange(pitch: number, instrument: number): number {
  const spec = INSTRUMENTS[instrument];
  if (!spec) return pitch;
  let moved = pitch;
  while (moved < spec.lowestPitch) moved += 12;
  while (moved > spec.highestPitch) moved -= 12;
  return moved;
}

/** A fitted note keeps its player where the ensemble has that player, else it goes to the first. */
function fitPart(note: GridNote, parts: readonly PartSpec[]): GridNote {
  const instrument = INSTRUMENTS[note.instrument]?.name;
  const keeps = parts.some((part) => part.instrument === instrument && part.slot === (note.part ?? 0));
  return keeps ? note : { ...note, part: 0 };
}

/**
 * The primer's notes on the chosen parts, each inside its range, starting before
 * `limitStep` and ending by it (a primer longer than the piece is cut at a note boundary).
 * Notes that land on the same part, pitch and onset merge; overlapping same-pitch notes
 * end at the re-strike, as one MIDI channel would play them.
 */
export function fitPrimer(notes: readonly GridNote[], parts: readonly PartSpec[], limitStep: number): GridNote[] {
  const chosen = [...new Set(parts.map((part) => instrumentIndex(part.instrument) as number))];
  const origin = Math.min(...notes.map((note) => note.startStep));
  const seen = new Set<string>();
  const fitted: GridNote[] = [];
  for (const note of notes) {
    const moved = fitPart(fitNote({ ...note, startStep: note.startStep - origin }, chosen), parts);
    if (moved.startStep >= limitStep) continue;
    const key = `${moved.instrument}:${moved.part ?? 0}:${moved.pitch}:${moved.startStep}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const durationSteps = Math.max(1, Math.min(moved.durationSteps, MAX_DURATION_STEPS, limitStep - moved.startStep));
    fitted.push({ ...moved, durationSteps });
  }
  return endNotesAtRestrike(fitted).notes;
}
