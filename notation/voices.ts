import type { MeasureEvent } from './rhythm.js';

/** A note in grid steps from the start of the piece (24 per quarter note). */
export interface StepNote {
  pitch: number;
  start: number;
  end: number;
}

interface Chord {
  start: number;
  end: number;
  pitches: number[];
}

/** Voices a staff may hold, as MuseScore and most engravers allow. */
export const MAX_VOICES_PER_STAFF = 4;

/** The nearest point of partita's onset grid: sixteenths (6 steps) and eighth-note triplets (8). */
export function snapToGrid(step: number): number {
  const candidates = [Math.round(step / 6) * 6, Math.round(step / 8) * 8];
  return candidates.reduce((best, candidate) => (Math.abs(candidate - step) < Math.abs(best - step) ? candidate : best));
}

/** The grid point after `step`: the shortest a snapped note may be. */
function nextGridPoint(step: number): number {
  return Math.min((Math.floor(step / 6) + 1) * 6, (Math.floor(step / 8) + 1) * 8);
}

/**
 * Puts a note's start and end on the onset grid: compose() starts every note on it, but may
 * end one anywhere (5 steps, say), which no note value writes exactly.
 */
export function snapNote(note: StepNote): StepNote {
  const start = snapToGrid(note.start);
  const end = snapToGrid(note.end);
  return { pitch: note.pitch, start, end: end > start ? end : nextGridPoint(start) };
}

export type Voice = Chord[];

function chordsOf(notes: readonly StepNote[]): Chord[] {
  const chords = new Map<string, Chord>();
  for (const note of notes) {
    const id = `${note.start}:${note.end}`;
    const chord = chords.get(id) ?? { start: note.start, end: note.end, pitches: [] };
    if (!chord.pitches.includes(note.pitch)) chord.pitches.push(note.pitch);
    chords.set(id, chord);
  }
  for (const chord of chords.values()) chord.pitches.sort((a, b) => a - b);
  // Higher chords first at the same onset, so voice 1 carries the top line.
  return [...chords.values()].sort((a, b) => a.start - b.start || Math.max(...b.pitches) - Math.max(...a.pitches));
}

/** Where a chord would go in a voice (kept in time order), or -1 when it overlaps one there. */
function slotIn(voice: Voice, chord: Chord): number {
  let index = voice.length;
  while (index > 0 && (voice[index - 1] as Chord).start >= chord.start) index--;
  const before = voice[index - 1];
  const after = voice[index];
  if (before && before.end > chord.start) return -1;
  if (after && after.start < chord.end) return -1;
  return index;
}

/** Puts chords into the first voice with room (adding voices up to the limit); returns those that found none. */
function place(chords: readonly Chord[], voices: Voice[]): Chord[] {
  const left: Chord[] = [];
  for (const chord of chords) {
    let placed = false;
    for (const voice of voices) {
      const slot = slotIn(voice, chord);
      if (slot >= 0) {
        voice.splice(slot, 0, chord);
        placed = true;
        break;
      }
    }
    if (placed) continue;
    if (voices.length < MAX_VOICES_PER_STAFF) voices.push([chord]);
    else left.push(chord);
  }
  return left;
}

/**
 * Last resort for a chord no voice has room for: it joins a chord that starts with it (taking
 * its length), or the voice whose sounding chord ends first is cut short for it, and it is cut
 * short where that voice goes on. Returns how many notes changed length.
 */
function force(chord: Chord, voices: Voice[]): number {
  for (const voice of voices) {
    const partner = voice.find((other) => other.start === chord.start);
    if (partner) {
      partner.pitches = [...new Set([...partner.pitches, ...chord.pitches])].sort((a, b) => a - b);
      return chord.pitches.length;
    }
  }
  const covering = (voice: Voice) => voice.find((other) => other.start < chord.start && other.end > chord.start);
  const voice = voices.reduce((best, candidate) => ((covering(candidate)?.end ?? 0) < (covering(best)?.end ?? 0) ? candidate : best));
  let changed = 0;
  const cut = covering(voice);
  if (cut) {
    cut.end = chord.start;
    changed += cut.pitches.length;
  }
  const next = voice.find((other) => other.start > chord.start);
  if (next && next.start < chord.end) {
    chord.end = next.start;
    changed += chord.pitches.length;
  }
  voice.splice(slotIn(voice, chord), 0, chord);
  return changed;
}

/**
 * Lays a part's staves out in voices: notes that start and end together are a chord; each goes
 * to the first voice with room. On a grand staff a chord neither staff's four voices can take
 * at its pitch goes to the other staff; only then is a length changed (`altered` counts those notes).
 */
export function layoutStaves(staffNotes: readonly (readonly StepNote[])[]): { staves: Voice[][]; altered: number } {
  const staves: Voice[][] = staffNotes.map(() => []);
  const left = staffNotes.map((notes, index) => place(chordsOf(notes), staves[index] as Voice[]));
  let altered = 0;
  left.forEach((chords, index) => {
    for (const chord of chords) {
      const others = staves.filter((_, other) => other !== index);
      const placedElsewhere = others.some((voices) => place([chord], voices).length === 0);
      if (!placedElsewhere) altered += force(chord, staves[index] as Voice[]);
    }
  });
  return { staves, altered };
}

/** One voice's events in the measure [measureStart, measureStart + measureSteps): its chords cut at the bar lines, rests between. */
export function measureEvents(voice: readonly Chord[], measureStart: number, measureSteps: number): MeasureEvent[] {
  const measureEnd = measureStart + measureSteps;
  const events: MeasureEvent[] = [];
  let at = 0;
  for (const chord of voice) {
    if (chord.end <= measureStart || chord.start >= measureEnd) continue;
    const start = Math.max(chord.start, measureStart) - measureStart;
    const end = Math.min(chord.end, measureEnd) - measureStart;
    if (start > at) events.push({ start: at, end: start, pitches: [], tieIn: false, tieOut: false });
    events.push({ start, end, pitches: chord.pitches, tieIn: chord.start < measureStart, tieOut: chord.end > measureEnd });
    at = end;
  }
  if (at < measureSteps) events.push({ start: at, end: measureSteps, pitches: [], tieIn: false, tieOut: false });
  return events;
}

/** Whether a voice has any note in a measure (voices past the first are left out where they rest). */
export function soundsIn(voice: readonly Chord[], measureStart: number, measureSteps: number): boolean {
  return voice.some((chord) => chord.end > measureStart && chord.start < measureStart + measureSteps);
}
