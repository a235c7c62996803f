import tonejsMidi from '@tonejs/midi';
import { type InstrumentName, instrumentForProgram, isKeyboard, PARTS_PER_INSTRUMENT } from '../instruments.js';
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
  return a.startTick - b.startTick || a.instrument.localeCompare(b.instrument) || (a.part ?? 0) - (b.part ?? 0) || a.pitch - b.pitch;
}

/** Notes of one channel and instrument: a player's part before slots are assigned. */
interface PartGroup {
  instrument: InstrumentName;
  notes: ScoreNote[];
}

/** A group smaller than this share of its instrument's notes is a stray (a title "track", a few pizzicati): it joins the largest. */
const STRAY_SHARE = 0.05;

function meanPitch(notes: readonly ScoreNote[]): number {
  return notes.reduce((sum, note) => sum + note.pitch, 0) / Math.max(1, notes.length);
}

/**
 * Gives every note its part slot. A part is a MIDI channel of one instrument (MusicNet puts a
 * player's pizzicato on a track of its own but on the player's channel); players of the same
 * instrument are ordered by register, the higher first (violin 1 above violin 2), and a third
 * player or more joins the nearest of the first two. Keyboards are one part.
 */
function assignPartSlots(groups: readonly PartGroup[]): void {
  const byInstrument = new Map<InstrumentName, PartGroup[]>();
  for (const group of groups) byInstrument.set(group.instrument, [...(byInstrument.get(group.instrument) ?? []), group]);
  for (const [instrument, members] of byInstrument) {
    const total = members.reduce((sum, group) => sum + group.notes.length, 0);
    const bySize = [...members].sort((a, b) => b.notes.length - a.notes.length);
    const players = isKeyboard(instrument)
      ? bySize.slice(0, 1)
      : bySize.filter((group, index) => index === 0 || group.notes.length >= STRAY_SHARE * total);
    const slots = [...players].sort((a, b) => meanPitch(b.notes) - meanPitch(a.notes)).slice(0, PARTS_PER_INSTRUMENT);
    const slotPitches = slots.map((group) => meanPitch(group.notes));
    for (const group of members) {
      let slot = slots.indexOf(group);
      if (slot < 0) {
        const largest = bySize[0] as PartGroup;
        const centre = players.includes(group) ? meanPitch(group.notes) : meanPitch(largest.notes);
        slot = slotPitches.reduce(
          (best, pitch, index) => (Math.abs(pitch - centre) < Math.abs((slotPitches[best] as number) - centre) ? index : best),
          0,
        );
      }
      for (const note of group.notes) note.part = slot;
    }
  }
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
  // A channel's instrument is what its directly named tracks play: technique tracks (pizzicato) join it.
  const channelInstrument = new Map<number, InstrumentName>();
  for (const track of midi.tracks) {
    if (track.notes.length === 0 || track.channel === PERCUSSION_CHANNEL || channelInstrument.has(track.channel)) continue;
    const direct = instrumentForProgram(track.instrument.number, 0);
    if (direct && !direct.inferredFrom) channelInstrument.set(track.channel, direct.instrument);
  }
  const groups = new Map<string, PartGroup>();
  for (const track of midi.tracks) {
    if (track.notes.length === 0) continue;
    const program = track.instrument.number;
    const label = `channel ${track.channel + 1}, GM program ${program} (${track.instrument.name})`;
    const lowestPitch = Math.min(...track.notes.map((note) => note.midi));
    const byProgram = track.channel === PERCUSSION_CHANNEL ? undefined : instrumentForProgram(program, lowestPitch);
    const channelOwner = channelInstrument.get(track.channel);
    const mapping = byProgram?.inferredFrom && channelOwner ? { instrument: channelOwner } : byProgram;
    if (!mapping) {
      unmapped.push({ description: track.channel === PERCUSSION_CHANNEL ? `${label}, percussion` : label, notes: track.notes.length });
      continue;
    }
    if (mapping.inferredFrom) inferred.push({ description: label, instrument: mapping.instrument, notes: track.notes.length });
    const groupKey = `${track.channel}:${mapping.instrument}`;
    const group = groups.get(groupKey) ?? { instrument: mapping.instrument, notes: [] };
    groups.set(groupKey, group);
    for (const note of track.notes) {
      if (note.durationTicks <= 0) {
        zeroLengthNotes++;
        continue;
      }
      group.notes.push({
        instrument: mapping.instrument,
        part: 0,
        pitch: note.midi,
        startTick: note.ticks,
        durationTicks: note.durationTicks,
        velocity: Math.max(1, Math.round(note.velocity * 127)),
        startSeconds: note.time,
        durationSeconds: note.duration,
      });
    }
  }
  assignPartSlots([...groups.values()]);
  for (const group of groups.values()) notes.push(...group.notes);
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
