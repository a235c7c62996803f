import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposedNote } from '../../model/compose/note.js';
import { INSTRUMENTS, type InstrumentName } from '../../model/instruments.js';
import { concatPcm, FRAME_QUANTUM, loadSynth, readMidiNotes, type Synth, writeAudioFile } from '../../synth/index.js';
import { pcmBytes } from '../../synth/wav.js';
import { audioStats, decodeWithFfmpeg, harmonicProfile } from '../helpers/audio.js';
import { MUSICNET_MIDIS, temporaryFolder } from '../helpers/paths.js';

const TAIL = 1.5;
const QUARTET = join(MUSICNET_MIDIS, 'Beethoven', '2368_qt12_4.mid');

/** Seconds of audio a render of music ending at `musicEnd` should hold: the tail, rounded up to whole 20 ms frames. */
function expectedSeconds(musicEnd: number): number {
  return (Math.ceil(((musicEnd + TAIL) * 48_000) / FRAME_QUANTUM) * FRAME_QUANTUM) / 48_000;
}

function musicEnd(notes: readonly ComposedNote[]): number {
  return Math.max(...notes.map((note) => note.startSeconds + note.durationSeconds));
}

/** Two seconds in the middle of an instrument's range: a scale step, a leap, then a three-note chord. */
function phrase(instrument: InstrumentName): ComposedNote[] {
  const spec = INSTRUMENTS.find((candidate) => candidate.name === instrument);
  if (!spec) throw new Error(instrument);
  const middle = Math.round((spec.lowestPitch + spec.highestPitch) / 2) - 4;
  const note = (pitch: number, startSeconds: number, durationSeconds: number) => ({
    instrument,
    pitch,
    velocity: 90,
    startSeconds,
    durationSeconds,
  });
  return [
    note(middle, 0, 0.5),
    note(middle + 2, 0.5, 0.5),
    note(middle + 7, 1, 0.5),
    note(middle, 1.5, 0.5),
    note(middle + 4, 1.5, 0.5),
    note(middle + 7, 1.5, 0.5),
  ];
}

async function collect(chunks: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const out: Int16Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('synth', () => {
  let synth: Synth;
  let folder: string;
  let quartet: ComposedNote[];
  beforeAll(async () => {
    // One render at a time, so that a second overlapping render must wait for the first instance.
    synth = await loadSynth({ maxConcurrentRenders: 1 });
    folder = temporaryFolder('synth');
    quartet = await readMidiNotes(QUARTET, 20);
  });
  afterAll(() => synth?.close());

  it.each(INSTRUMENTS.map((spec) => spec.name))(
    'renders %s to a WAV file that ffmpeg reads back at the right length, audible and unclipped',
    async (instrument) => {
      const path = join(folder, `${instrument}.wav`);
      const notes = phrase(instrument);
      const seconds = await synth.renderToFile(notes, { instruments: [instrument] }, path);
      const stats = audioStats(decodeWithFfmpeg(path));
      expect(seconds).toBeCloseTo(expectedSeconds(2), 6);
      expect(stats.seconds).toBeCloseTo(expectedSeconds(2), 6);
      expect(stats.rms).toBeGreaterThan(0.01);
      expect(stats.fullScale).toBe(0);
    },
  );

  it('writes a string quartet as WAV, Ogg/Opus and MP3 that an independent decoder reads back', async () => {
    const header = { instruments: ['violin', 'viola', 'cello'] as InstrumentName[] };
    const pcm = concatPcm(await collect(synth.render(quartet, header)));
    const expected = expectedSeconds(musicEnd(quartet));
    const level = audioStats(pcm);
    expect(pcm.length / 2 / 48_000).toBeCloseTo(expected, 6);
    expect(level.rms).toBeGreaterThan(0.02);
    expect(level.fullScale).toBe(0);
    const tolerance = { wav: 0, ogg: 0.03, mp3: 0.03 };
    for (const format of ['wav', 'ogg', 'mp3'] as const) {
      const path = join(folder, `quartet.${format}`);
      await writeAudioFile([pcm], path);
      const decoded = decodeWithFfmpeg(path);
      const stats = audioStats(decoded);
      expect(Math.abs(stats.seconds - expected), format).toBeLessThanOrEqual(tolerance[format]);
      expect(stats.peak, format).toBeLessThan(0.99);
      // Lossy codecs keep the level: within 1 dB of the PCM's.
      expect(Math.abs(20 * Math.log10(stats.rms / level.rms)), format).toBeLessThan(1);
      if (format === 'wav') expect(Buffer.compare(pcmBytes(decoded), pcmBytes(pcm)), 'WAV samples').toBe(0);
    }
  });

  it('renders a piece to a buffer and a file alike: same length, same level', async () => {
    const header = { instruments: ['violin', 'viola', 'cello'] as InstrumentName[] };
    const notes = quartet.slice(0, 200);
    const path = join(folder, 'excerpt.ogg');
    await synth.renderToFile(notes, header, path);
    const fromFile = audioStats(decodeWithFfmpeg(path));
    const buffer = await synth.renderToBuffer(notes, header, 'ogg');
    const bufferPath = join(folder, 'excerpt-buffer.ogg');
    writeFileSync(bufferPath, buffer);
    const fromBuffer = audioStats(decodeWithFfmpeg(bufferPath));
    expect(fromBuffer.seconds).toBeCloseTo(fromFile.seconds, 2);
    expect(fromBuffer.seconds).toBeCloseTo(expectedSeconds(musicEnd(notes)), 1);
    expect(Math.abs(20 * Math.log10(fromBuffer.rms / fromFile.rms))).toBeLessThan(0.2);
  });

  it('yields PCM while the notes are still arriving, in chunks of whole 20 ms frames', async () => {
    const events: string[] = [];
    async function* slowNotes(): AsyncGenerator<ComposedNote> {
      for (let index = 0; index < 20; index++) {
        await sleep(10);
        events.push(`note ${index}`);
        yield { instrument: 'piano', pitch: 60 + (index % 12), velocity: 80, startSeconds: index * 0.25, durationSeconds: 0.25 };
      }
    }
    const sizes: number[] = [];
    for await (const chunk of synth.render(slowNotes(), { instruments: ['piano'] })) {
      events.push('chunk');
      sizes.push(chunk.length / 2);
    }
    expect(events.indexOf('chunk')).toBeLessThan(events.indexOf('note 19'));
    expect(events.indexOf('chunk')).toBeLessThan(events.indexOf('note 5'));
    expect(sizes.slice(0, -1).every((size) => size === 4800)).toBe(true);
    expect(sizes.every((size) => size % FRAME_QUANTUM === 0)).toBe(true);
    expect(sizes.reduce((sum, size) => sum + size, 0) / 48_000).toBeCloseTo(expectedSeconds(5), 6);
  });

  it('does not carry one piece into the next, even one cut off without its tail', async () => {
    const loud: ComposedNote[] = [48, 55, 64, 72, 79].map((pitch) => ({
      instrument: 'cello',
      pitch,
      velocity: 127,
      startSeconds: 0,
      durationSeconds: 1,
    }));
    const late: ComposedNote[] = [{ instrument: 'flute', pitch: 72, velocity: 60, startSeconds: 1, durationSeconds: 0.5 }];
    const afterNothing = audioStats(concatPcm(await collect(synth.render(late, { instruments: ['flute'] }))));
    const cut = concatPcm(await collect(synth.render(loud, { instruments: ['cello'] }, { tailSeconds: 0 })));
    expect(audioStats(cut, 0.9, 1).rms).toBeGreaterThan(0.01);
    const afterLoud = concatPcm(await collect(synth.render(late, { instruments: ['flute'] })));
    // Not one sample of the cello before the flute comes in.
    expect(audioStats(afterLoud, 0, 1).peak).toBe(0);
    expect(Math.abs(20 * Math.log10(audioStats(afterLoud).rms / afterNothing.rms))).toBeLessThan(0.1);
  });

  it('lets a second render wait for the instance a running one holds', async () => {
    const header = { instruments: ['piano'] as InstrumentName[] };
    const notes = phrase('piano');
    const alone = audioStats(concatPcm(await collect(synth.render(notes, header))));
    const both = await Promise.all([collect(synth.render(notes, header)), collect(synth.render(notes, header))]);
    for (const chunks of both) {
      const stats = audioStats(concatPcm(chunks));
      expect(stats.seconds).toBe(alone.seconds);
      expect(Math.abs(20 * Math.log10(stats.rms / alone.rms))).toBeLessThan(0.5);
    }
  });

  it('plays each instrument with its own General MIDI program: one A on violin, flute and clarinet differs in tone', async () => {
    const profile = async (instrument: InstrumentName) => {
      const notes = [{ instrument, pitch: 69, velocity: 100, startSeconds: 0, durationSeconds: 2 }];
      return harmonicProfile(concatPcm(await collect(synth.render(notes, { instruments: [instrument] }))), 440, 6, 0.5, 1.5);
    };
    const [violin, flute, clarinet] = [await profile('violin'), await profile('flute'), await profile('clarinet')];
    const distance = (a: number[], b: number[]) => Math.hypot(...a.map((level, index) => level - (b[index] as number)));
    expect(distance(violin, flute)).toBeGreaterThan(0.25);
    // A clarinet is a closed pipe: odd harmonics strong, even ones weak.
    const [, second, third, fourth, fifth] = clarinet as [number, number, number, number, number];
    expect(third + fifth).toBeGreaterThan(4 * (second + fourth));
  });
});
