import tonejsMidi from '@tonejs/midi';
import { type InstrumentName, instrumentForProgram } from '../instruments.js';
import type { PieceInfo, Score, ScoreNote } from '../score.js';
import { MidiFormatError, repairTrackLengths } from './repairMidi.js';

const { Midi } = tonejsMidi;

/** GM percussion lives on MIDI channel 10 (index 9) whatever its program says. */
const PERCUSSION_CHANNEL = 9;

/** Notes of a track that maps to none of our instruments: reported, never silently dropped. */
export interface UnmappedPart {
  description: string;
  notes: number;
}

export interface MidiReading {
  score: Score;
  /** Track-length fixes applied to read the file (empty for healthy files). */
  repairs: string[];
  unmapped: UnmappedPart[];
  /** Parts whose instrument was inferred (e.g. pizzicato strings by register). */
  inferred: { description: string; instrument: InstrumentName; notes: number }[];
  /** Notes whose note-off came at the same tick as their note-on: nothing to hear or learn. */
  zeroLengthNotes: number;
}

export { MidiFormatError };

function compareNotes(a: ScoreNote, b: ScoreNote): number {
  return a.startTick - b.startTick || a.instrument.localeCompare(b.instrument) || a.pitch - b.pitch;
}

/** Parses MIDI bytes into a Score, repairing broken track lengths where that is provably safe. */
export function readMidi(bytes: Uint8Array, info: PieceInfo): MidiReading {
  const { bytes: repaired, fixes } = repairTrackLengths(bytes);
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(repaired);
  } catch (error) {
    const reason = error instanceof Error && error.message ? error.message : String(error);
    throw new MidiFormatError(`unreadable MIDI: ${reason}`);
  }
  const notes: ScoreNote[] = [];
  const unmapped: UnmappedPart[] = [];
  const inferred: MidiReading['inferred'] = [];
  let zeroLengthNotes = 0;
  for (const track of midi.tracks) {
    if (track.notes.length === 0) continue;
    const program = track.instrument.number;
    const label = `channel ${track.channel + 1}, GM program ${program} (${track.instrument.name})`;
    const lowestPitch = Math.min(...track.notes.map((note) => note.midi));
    const mapping = track.channel === PERCUSSION_CHANNEL ? undefined : instrumentForProgram(program, lowestPitch);
    if (!mapping) {
      unmapped.push({ description: track.channel === PERCUSSION_CHANNEL ? `${label}, percussion` : label, notes: track.notes.length });
      continue;
    }
    if (mapping.inferredFrom) inferred.push({ description: label, instrument: mapping.instrument, notes: track.notes.length });
    for (const note of track.notes) {
      if (note.durationTicks <= 0) {
        zeroLengthNotes++;
        continue;
      }
      notes.push({
        instrument: mapping.instrument,
        pitch: note.midi,
        startTick: note.ticks,
        durationTicks: note.durationTicks,
        velocity: Math.max(1, Math.round(note.velocity * 127)),
        startSeconds: note.time,
        durationSeconds: note.duration,
      });
    }
  }
  notes.sort(compareNotes);
  const score: Score = {
    ...info,
    ticksPerBeat: midi.header.ppq,
    timeSignatures: midi.header.timeSignatures.map((signature) => ({
      tick: signature.ticks,
      numerator: signature.timeSignature[0] ?? 4,
      denominator: signature.timeSignature[1] ?? 4,
    })),
    tempos: midi.header.tempos.map((tempo) => ({ tick: tempo.ticks, bpm: tempo.bpm })),
    notes,
  };
  return { score, repairs: fixes, unmapped, inferred, zeroLengthNotes };
}
