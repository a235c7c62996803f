/**
 * One MIDI channel per instrument, with its General MIDI program, a place on the stage and a
 * reverb send. Channel 10 (index 9) is skipped: General MIDI keeps it for percussion.
 */
import { INSTRUMENTS, type InstrumentName } from '../model/instruments.js';
import type { Synthesizer } from './fluid.js';

const PERCUSSION_CHANNEL = 9;
const MIDI_CHANNELS = 16;
const CONTROL_PAN = 10;
const CONTROL_REVERB_SEND = 91;
/** Enough reverb send for a small hall without washing out fast passages. */
const REVERB_SEND = 64;
/** Parts spread over the middle of the stereo field, first instrument on the left, like a quartet seated. */
const PAN_LEFT = 40;
const PAN_RIGHT = 88;
const PAN_CENTRE = 64;

const PROGRAM_BY_NAME = new Map<string, number>(INSTRUMENTS.map((spec) => [spec.name, spec.program]));

export class ChannelMap {
  private readonly channels = new Map<InstrumentName, number>();

  /** Sets up a channel for each of the header's instruments, in order, spread left to right. */
  constructor(
    private readonly synthesizer: Synthesizer,
    instruments: readonly InstrumentName[],
  ) {
    const unique = [...new Set(instruments)];
    unique.forEach((instrument, index) => {
      const pan = unique.length === 1 ? PAN_CENTRE : Math.round(PAN_LEFT + ((PAN_RIGHT - PAN_LEFT) * index) / (unique.length - 1));
      this.assign(instrument, pan);
    });
  }

  /** The channel of an instrument; one the header did not list gets the next free channel, centred. */
  channelFor(instrument: InstrumentName): number {
    return this.channels.get(instrument) ?? this.assign(instrument, PAN_CENTRE);
  }

  private assign(instrument: InstrumentName, pan: number): number {
    const program = PROGRAM_BY_NAME.get(instrument);
    if (program === undefined) throw new Error(`unknown instrument: ${instrument}`);
    let channel = this.channels.size;
    if (channel >= PERCUSSION_CHANNEL) channel++;
    if (channel >= MIDI_CHANNELS) throw new Error(`more than ${MIDI_CHANNELS - 1} instruments in one piece`);
    this.synthesizer.midiProgramChange(channel, program);
    this.synthesizer.midiControl(channel, CONTROL_PAN, pan);
    this.synthesizer.midiControl(channel, CONTROL_REVERB_SEND, REVERB_SEND);
    this.channels.set(instrument, channel);
    return channel;
  }
}
