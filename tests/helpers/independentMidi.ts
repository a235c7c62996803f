import MidiParser from 'midi-parser-js';

/**
 * A second MIDI reader for checking ours: midi-parser-js shares no code with @tonejs/midi.
 * Pairs note-ons with note-offs first-in first-out per channel and pitch.
 */
export interface IndependentNote {
  channel: number;
  program: number;
  pitch: number;
  startTick: number;
  durationTicks: number;
  velocity: number;
}

interface ParsedEvent {
  deltaTime: number;
  type: number;
  channel?: number;
  data?: number | number[] | string;
}

export interface IndependentMidi {
  ticksPerBeat: number;
  notes: IndependentNote[];
  trackNames: string[];
}

const NOTE_OFF = 8;
const NOTE_ON = 9;
const PROGRAM_CHANGE = 12;
const META = 0xff;
const TRACK_NAME = 3;

export function readMidiIndependently(bytes: Uint8Array): IndependentMidi {
  const parsed = MidiParser.parse(new Uint8Array(bytes)) as
    | false
    | { timeDivision: number; track: { event: (ParsedEvent & { metaType?: number })[] }[] };
  if (!parsed) throw new Error('midi-parser-js could not read the file');
  const notes: IndependentNote[] = [];
  const trackNames: string[] = [];
  const programs = new Map<number, number>();
  for (const track of parsed.track) {
    let tick = 0;
    const open = new Map<string, { startTick: number; velocity: number }[]>();
    for (const event of track.event) {
      tick += event.deltaTime;
      if (event.type === META && event.metaType === TRACK_NAME && typeof event.data === 'string') trackNames.push(event.data);
      const channel = event.channel ?? 0;
      if (event.type === PROGRAM_CHANGE && typeof event.data === 'number') programs.set(channel, event.data);
      if (event.type !== NOTE_ON && event.type !== NOTE_OFF) continue;
      const [pitch, velocity] = event.data as number[];
      const key = `${channel}:${pitch}`;
      if (event.type === NOTE_ON && (velocity ?? 0) > 0) {
        open.set(key, [...(open.get(key) ?? []), { startTick: tick, velocity: velocity ?? 0 }]);
        continue;
      }
      const started = open.get(key)?.shift();
      if (started) {
        notes.push({
          channel,
          program: programs.get(channel) ?? 0,
          pitch: pitch ?? 0,
          startTick: started.startTick,
          durationTicks: tick - started.startTick,
          velocity: started.velocity,
        });
      }
    }
  }
  notes.sort((a, b) => a.startTick - b.startTick || a.channel - b.channel || a.pitch - b.pitch);
  return { ticksPerBeat: parsed.timeDivision, notes, trackNames };
}
