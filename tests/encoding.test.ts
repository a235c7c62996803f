import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  endNotesAtRestrike,
  type GridNote,
  MAX_DURATION_STEPS,
  STEPS_PER_BEAT,
  scoreToGrid,
  velocityToBin,
} from '../model/encoding/grid.js';
import { gridToMidi, OUTPUT_TICKS_PER_BEAT } from '../model/encoding/gridToMidi.js';
import {
  EVENT_WIDTH,
  eventsToGrid,
  FIELD_INSTRUMENT,
  gridToEvents,
  MAX_SHIFT_STEPS,
  REST_INSTRUMENT,
} from '../model/encoding/noteEvents.js';
import { SEED_WIDTH, SEED_WINDOW_NOTES, scoreToSeed, seedToTimedNotes, seedWindowCount } from '../model/encoding/seedNotes.js';
import { loadMusicNet } from '../model/ingest/musicnet.js';
import { readMidi } from '../model/ingest/readMidi.js';
import { INSTRUMENTS, instrumentForProgram, instrumentIndex } from '../model/instruments.js';
import type { Score } from '../model/score.js';
import { readMidiIndependently } from './helpers/independentMidi.js';
import { MUSICNET, MUSICNET_MIDIS } from './helpers/paths.js';

function readScore(file: string): Score {
  return readMidi(readFileSync(join(MUSICNET_MIDIS, file)), { id: file, title: file, source: file }).score;
}

const sameNote = (a: GridNote, b: GridNote | undefined): boolean =>
  b !== undefined &&
  a.instrument === b.instrument &&
  (a.part ?? 0) === (b.part ?? 0) &&
  a.pitch === b.pitch &&
  a.startStep === b.startStep &&
  a.durationSteps === b.durationSteps &&
  a.velocityBin === b.velocityBin;

describe('the main encoding round-trips the real MusicNet scores', () => {
  let scores: Score[];
  beforeAll(() => {
    scores = loadMusicNet(MUSICNET).scores;
  });

  it('recovers at least 99% of all notes exactly on the grid', () => {
    let notes = 0;
    let exact = 0;
    for (const score of scores) {
      const { notes: grid } = scoreToGrid(score);
      const decoded = eventsToGrid(gridToEvents(grid));
      notes += score.notes.length;
      exact += grid.filter((note, index) => sameNote(note, decoded[index])).length;
    }
    expect(notes).toBeGreaterThan(1_000_000);
    expect(exact / notes).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps every decoded field inside its vocabulary', () => {
    for (const score of scores.slice(0, 40)) {
      const events = gridToEvents(scoreToGrid(score).notes);
      for (let row = 0; row < events.length; row += EVENT_WIDTH) {
        expect(events[row]).toBeLessThanOrEqual(MAX_SHIFT_STEPS);
        expect(events[row + FIELD_INSTRUMENT]).toBeLessThanOrEqual(REST_INSTRUMENT);
      }
    }
  });
});

describe('MIDI -> grid -> MIDI, checked with an independent reader', () => {
  it.each([
    'Bach/2186_vs6_1.mid',
    'Beethoven/2368_qt12_4.mid',
    'Mozart/1791_kv_465_4.mid',
    'Dvorak/1916_dvq10m1.mid',
    'Bach/2194_prelude13.mid',
  ])('%s', (file) => {
    const { notes: quantized } = scoreToGrid(readScore(file));
    const written = gridToMidi(quantized, { bpm: 96, timeSignature: [3, 4], title: file });
    // What one MIDI channel per part can hold (a part re-striking a sounding pitch).
    const { notes: grid, shortened } = endNotesAtRestrike(quantized);
    expect(shortened / grid.length).toBeLessThan(0.01);
    const reread = readMidiIndependently(written);
    expect(reread.ticksPerBeat).toBe(OUTPUT_TICKS_PER_BEAT);
    const ticksPerStep = OUTPUT_TICKS_PER_BEAT / STEPS_PER_BEAT;
    const instrumentOf = (note: { program: number; pitch: number }) =>
      instrumentIndex(instrumentForProgram(note.program, note.pitch)?.instrument ?? '') ?? -1;
    // Each part is a channel of its own: the players of one instrument are its channels in order.
    const channelsOf = new Map<number, number[]>();
    for (const note of reread.notes) {
      const channels = channelsOf.get(instrumentOf(note)) ?? [];
      if (!channels.includes(note.channel)) channels.push(note.channel);
      channelsOf.set(
        instrumentOf(note),
        channels.sort((a, b) => a - b),
      );
    }
    const back: GridNote[] = reread.notes
      .map((note) => ({
        instrument: instrumentOf(note),
        part: channelsOf.get(instrumentOf(note))?.indexOf(note.channel) ?? -1,
        pitch: note.pitch,
        startStep: note.startTick / ticksPerStep,
        durationSteps: note.durationTicks / ticksPerStep,
        velocityBin: velocityToBin(note.velocity),
      }))
      .sort((a, b) => a.startStep - b.startStep || a.instrument - b.instrument || a.part - b.part || a.pitch - b.pitch);
    const firstDifference = back.findIndex((note, index) => !sameNote(note, grid[index]));
    expect(firstDifference === -1 ? undefined : [back[firstDifference], grid[firstDifference]]).toBeUndefined();
    expect(back).toHaveLength(grid.length);
    const used = new Set(grid.map((note) => INSTRUMENTS[note.instrument]?.name));
    expect(new Set(reread.trackNames.filter((name) => name !== file))).toEqual(used);
  });
});

describe('edge cases of the main encoding', () => {
  it('bridges a long silence with rest events and keeps the onset exact', () => {
    const late: GridNote = { instrument: 2, part: 0, pitch: 67, startStep: 3 * MAX_SHIFT_STEPS + 5, durationSteps: 12, velocityBin: 4 };
    const first: GridNote = { instrument: 0, part: 0, pitch: 60, startStep: 0, durationSteps: 24, velocityBin: 5 };
    const events = gridToEvents([late, first]);
    expect(events.length / EVENT_WIDTH).toBe(5);
    expect(eventsToGrid(events)).toEqual([first, late]);
  });

  it('shortens notes longer than the longest duration and counts them', () => {
    const score: Score = {
      id: 'long',
      title: 'long',
      source: 'long',
      ticksPerBeat: 480,
      timeSignatures: [],
      tempos: [],
      notes: [
        { instrument: 'cello', pitch: 36, startTick: 0, durationTicks: 480 * 100, velocity: 80, startSeconds: 0, durationSeconds: 50 },
      ],
    };
    const { notes, loss } = scoreToGrid(score);
    expect(notes[0]?.durationSteps).toBe(MAX_DURATION_STEPS);
    expect(loss.durationClamped).toBe(1);
  });
});

describe("the seed baseline's encoding", () => {
  it('stores pitch, step and duration in seconds for all instruments merged by start', () => {
    const score = readScore('Beethoven/2368_qt12_4.mid');
    const rows = scoreToSeed(score);
    expect(rows.length / SEED_WIDTH).toBe(score.notes.length);
    expect(seedWindowCount(rows)).toBe(score.notes.length - SEED_WINDOW_NOTES);
    const sorted = [...score.notes].sort((a, b) => a.startSeconds - b.startSeconds || a.pitch - b.pitch);
    const decoded = seedToTimedNotes(rows, sorted[0]?.startSeconds ?? 0);
    decoded.forEach((note, index) => {
      const original = sorted[index];
      expect(note.pitch).toBe(original?.pitch);
      expect(note.startSeconds).toBeCloseTo(original?.startSeconds ?? 0, 2);
      expect(note.durationSeconds).toBeCloseTo(original?.durationSeconds ?? 0, 4);
    });
    for (let row = 1; row < rows.length; row += SEED_WIDTH) expect(rows[row]).toBeGreaterThanOrEqual(0);
  });
});

describe('parts: each player of the source is a part of its own', () => {
  it.each([
    ['Beethoven/2368_qt12_4.mid', ['violin', 'violin', 'viola', 'cello']],
    ['Mozart/1791_kv_465_4.mid', ['violin', 'violin', 'viola', 'cello']],
  ])('%s keeps violin 1 and violin 2 apart through the encoding and a written MIDI file', (file, players) => {
    const { notes } = scoreToGrid(readScore(file));
    const decoded = eventsToGrid(gridToEvents(notes));
    const partsOf = (grid: readonly GridNote[]) =>
      [...new Set(grid.map((note) => `${INSTRUMENTS[note.instrument]?.name} ${note.part ?? 0}`))].sort();
    expect(partsOf(decoded)).toEqual(
      players.map((name, index) => `${name} ${players.slice(0, index).filter((other) => other === name).length}`).sort(),
    );
    const violin = instrumentIndex('violin');
    const first = decoded.filter((note) => note.instrument === violin && note.part === 0);
    const second = decoded.filter((note) => note.instrument === violin && note.part === 1);
    // Violin 1 is the higher part, and the two are different lines, not copies.
    const mean = (grid: readonly GridNote[]) => grid.reduce((sum, note) => sum + note.pitch, 0) / grid.length;
    expect(mean(first)).toBeGreaterThan(mean(second));
    expect(first.length).toBeGreaterThan(100);
    expect(second.length).toBeGreaterThan(100);
    // An independent reader of the written file sees one track per part: two violin tracks on two channels.
    const written = readMidiIndependently(gridToMidi(decoded, { bpm: 96 }));
    const violinChannels = new Set(
      written.notes.filter((note) => note.program === INSTRUMENTS[violin as number]?.program).map((note) => note.channel),
    );
    expect(violinChannels.size).toBe(2);
    expect(written.trackNames.filter((name) => name === 'violin')).toHaveLength(2);
  });
});
