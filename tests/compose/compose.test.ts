import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { contrastingMetre } from '../../model/analysis/metre.js';
import { compose, composePlanned, planPiece, rememberPitch, repeatPenaltyFor } from '../../model/compose/compose.js';
import { type ComposerModel, loadComposerModel } from '../../model/compose/composerModel.js';
import { ComposeError } from '../../model/compose/errors.js';
import type { ComposedNote } from '../../model/compose/note.js';
import {
  ASKED_KEY_GUIDANCE,
  type ComposeRequest,
  DEFAULT_KEY_GUIDANCE,
  DEFAULT_METRE_GUIDANCE,
  DEFAULT_REPEAT_PENALTY,
  parseComposeRequest,
} from '../../model/compose/request.js';
import { composedToMidi } from '../../model/compose/toMidi.js';
import { FIELD_PITCH, REST_INSTRUMENT } from '../../model/encoding/noteEvents.js';
import { ENSEMBLES, findInstrumentation, INSTRUMENTATION_NAMES } from '../../model/ensembles.js';
import { INSTRUMENTS, PART_COUNT } from '../../model/instruments.js';
import { readMidiIndependently } from '../helpers/independentMidi.js';
import { MUSICNET_MIDIS } from '../helpers/paths.js';

let model: ComposerModel;

beforeAll(async () => {
  model = await loadComposerModel(SHIPPED_MUSICNET_MODEL);
});

async function collect(notes: AsyncIterable<ComposedNote>): Promise<ComposedNote[]> {
  const all: ComposedNote[] = [];
  for await (const note of notes) all.push(note);
  return all;
}

function request(fields: Partial<ComposeRequest> & { instrument: string }): ComposeRequest {
  return { seconds: 12, temperature: 1, topP: 0.95, ...fields };
}

const SPEC_BY_PROGRAM = new Map(INSTRUMENTS.map((spec) => [spec.program, spec]));

describe('compose', () => {
  const SEEDS = [1, 2, 3];
  it.each(INSTRUMENTATION_NAMES)('writes %s with only its instruments, each inside its range, over several seeds', async (name) => {
    const instruments = findInstrumentation(name)?.instruments ?? [];
    const programs = new Set(instruments.map((instrument) => INSTRUMENTS.find((spec) => spec.name === instrument)?.program));
    for (const seed of SEEDS) {
      const plan = planPiece(request({ instrument: name, seed }));
      const notes = await collect(composePlanned(model, plan));
      expect(notes.length).toBeGreaterThan(0);
      const midi = readMidiIndependently(composedToMidi(plan.header, notes));
      expect(midi.notes.length).toBe(notes.length);
      // The first track is the tempo track (no name without a title); then one named track per part
      // (a quartet: violin 1, violin 2, viola, cello), each on a channel of its own.
      expect(midi.trackNames.filter((track) => track !== '').sort()).toEqual(plan.header.parts.map((part) => part.name).sort());
      expect(new Set(midi.notes.map((note) => note.channel)).size).toBeLessThanOrEqual(plan.header.parts.length);
      for (const note of midi.notes) {
        expect(programs.has(note.program), `program ${note.program} in a ${name} piece`).toBe(true);
        const spec = SPEC_BY_PROGRAM.get(note.program);
        expect(note.pitch).toBeGreaterThanOrEqual(spec?.lowestPitch ?? 0);
        expect(note.pitch).toBeLessThanOrEqual(spec?.highestPitch ?? 127);
      }
    }
  });

  it('writes a quartet as four parts: violin 1 and violin 2 are separate lines', async () => {
    const counts = new Map<string, number>();
    const channels = new Set<number>();
    for (const seed of [1, 2, 3]) {
      const plan = planPiece(request({ instrument: 'string-quartet', seconds: 20, seed }));
      expect(plan.header.parts.map((part) => part.name)).toEqual(['violin 1', 'violin 2', 'viola', 'cello']);
      const notes = await collect(composePlanned(model, plan));
      for (const note of notes) counts.set(note.part ?? '', (counts.get(note.part ?? '') ?? 0) + 1);
      const midi = readMidiIndependently(composedToMidi(plan.header, notes));
      for (const note of midi.notes) if (note.program === 40) channels.add(note.channel);
    }
    for (const name of ['violin 1', 'violin 2']) expect(counts.get(name) ?? 0).toBeGreaterThan(5);
    // One channel (and track) per violin part: an independent reader sees two violins.
    expect(channels.size).toBe(2);
  });

  it('takes a key and a metre: the header and the MIDI say them, bars are of that metre', async () => {
    const plan = planPiece(request({ ...parseComposeRequest({ instrument: 'violin-piano', key: 'E-flat major', metre: '3/4' }), seed: 2 }));
    expect(plan.header.key).toBe('e-flat-major');
    expect(plan.header.timeSignature).toEqual([3, 4]);
    expect(plan.ending.barSteps).toBe(72);
    expect(plan.ending.endStep % 72).toBe(0);
    const notes = await collect(composePlanned(model, plan));
    expect(notes.length).toBeGreaterThan(0);
  });

  it('covers the ensembles the issue lists', () => {
    for (const name of ['string-quartet', 'piano-trio', 'violin-piano', 'cello-piano', 'wind-quintet']) {
      expect(ENSEMBLES.map((ensemble) => ensemble.name)).toContain(name);
    }
  });

  it('writes the same bytes for the same request and seed, and another piece for another seed', async () => {
    const write = async (seed: number) => {
      const plan = planPiece(request({ instrument: 'piano-trio', composer: 'beethoven', seed }));
      return composedToMidi(plan.header, await collect(composePlanned(model, plan)));
    };
    const [first, again, other] = [await write(11), await write(11), await write(12)];
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
  });

  it('ends on a bar line: whole bars, a final chord on the last downbeat, every note over by the end', async () => {
    for (const [seconds, tempo] of [
      [20, 96],
      [31, 72],
      [7, 140],
    ] as const) {
      const plan = planPiece(request({ instrument: 'string-quartet', seconds, tempo, seed: 5 }));
      const notes = await collect(composePlanned(model, plan));
      const barSeconds = (4 * 60) / tempo;
      const bars = plan.header.seconds / barSeconds;
      expect(bars).toBeCloseTo(Math.round(bars), 6);
      expect(Math.abs(plan.header.seconds - seconds)).toBeLessThanOrEqual(barSeconds / 2 + 1e-9);
      const end = plan.header.seconds;
      for (const note of notes) expect(note.startSeconds + note.durationSeconds).toBeLessThanOrEqual(end + 1e-6);
      const last = notes.at(-1) as ComposedNote;
      expect(last.startSeconds).toBeCloseTo(end - barSeconds, 6);
      const finalChord = notes.filter((note) => Math.abs(note.startSeconds - last.startSeconds) < 1e-6);
      for (const note of finalChord) expect(note.startSeconds + note.durationSeconds).toBeCloseTo(end, 6);
    }
  });

  it('continues a primer: its notes first, on the chosen instruments and in range, then new music', async () => {
    // A Beethoven string quartet movement continued by violin and piano: the viola and cello
    // lines must move onto the two chosen instruments.
    const primer = readFileSync(join(MUSICNET_MIDIS, 'Beethoven', '2368_qt12_4.mid'));
    const plan = planPiece(request({ instrument: 'violin-piano', seconds: 24, seed: 3, primer }));
    expect(plan.primer.length).toBeGreaterThan(20);
    const notes = await collect(composePlanned(model, plan));
    const fromPrimer = notes.filter((note) => note.primer);
    const written = notes.filter((note) => !note.primer);
    expect(fromPrimer.length).toBe(plan.primer.length);
    expect(notes.slice(0, fromPrimer.length).every((note) => note.primer)).toBe(true);
    expect(written.length).toBeGreaterThan(0);
    // At least half of the piece is new music.
    for (const note of fromPrimer) expect(note.startSeconds + note.durationSeconds).toBeLessThanOrEqual(plan.header.seconds / 2 + 1e-6);
    expect((written[0] as ComposedNote).startSeconds).toBeGreaterThanOrEqual((fromPrimer.at(-1) as ComposedNote).startSeconds);
    for (const note of notes) {
      expect(['violin', 'piano']).toContain(note.instrument);
      const spec = INSTRUMENTS.find((candidate) => candidate.name === note.instrument);
      expect(note.pitch).toBeGreaterThanOrEqual(spec?.lowestPitch ?? 0);
      expect(note.pitch).toBeLessThanOrEqual(spec?.highestPitch ?? 127);
    }
    // The primer keeps its tempo and its rhythm: the first onsets are the file's own.
    const independent = readMidiIndependently(primer);
    const firstTick = Math.min(...independent.notes.map((note) => note.startTick));
    const fileOnsets = [...new Set(independent.notes.map((note) => note.startTick - firstTick))].sort((a, b) => a - b).slice(0, 5);
    const secondsPerTick = 60 / plan.header.tempo / independent.ticksPerBeat;
    const primerOnsets = [...new Set(fromPrimer.map((note) => note.startSeconds.toFixed(4)))].slice(0, 5);
    expect(primerOnsets).toEqual(fileOnsets.map((tick) => (tick * secondsPerTick).toFixed(4)));
  });

  it('streams: the first note comes before the piece is done, and a signal or a break stops it', async () => {
    const controller = new AbortController();
    let count = 0;
    for await (const _ of compose(model, request({ instrument: 'piano', seconds: 300, seed: 1 }), { signal: controller.signal })) {
      count++;
      if (count === 10) controller.abort();
    }
    expect(count).toBe(10);
    const notes = compose(model, request({ instrument: 'piano', seconds: 300, seed: 1 }));
    const first = await notes.next();
    expect(first.done).toBe(false);
    await notes.return(undefined);
    expect((await notes.next()).done).toBe(true);
  });

  it.each([
    [{ instrument: 'tuba' }, /instrument: unknown instrument/],
    [{ instrument: 'violin', composer: 'liszt' }, /composer: unknown composer/],
    [{ instrument: 'violin', seconds: -5 }, /seconds/],
    [{ instrument: 'violin', seconds: 100000 }, /seconds/],
    [{ instrument: 'violin', temperature: 0 }, /temperature/],
    [{ instrument: 'violin', key: 'h-minor' }, /key: unknown key/],
    [{ instrument: 'violin', key: 'd' }, /key: unknown key/],
    [{ instrument: 'violin', metre: '7/5' }, /metre: unknown metre/],
    [{ instrument: 'violin', metre: 'waltz' }, /metre: unknown metre/],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => parseComposeRequest(input)).toThrow(ComposeError);
    expect(() => parseComposeRequest(input)).toThrow(message);
  });

  it('takes a repeat penalty of 0 to 5 nats, the default when none is given', () => {
    expect(parseComposeRequest({ instrument: 'violin' }).repeatPenalty).toBe(DEFAULT_REPEAT_PENALTY);
    expect(parseComposeRequest({ instrument: 'violin', repeatPenalty: 0 }).repeatPenalty).toBe(0);
    expect(parseComposeRequest({ instrument: 'violin', repeatPenalty: 2.5 }).repeatPenalty).toBe(2.5);
    expect(parseComposeRequest({ instrument: 'violin', repeatPenalty: 5 }).repeatPenalty).toBe(5);
    for (const repeatPenalty of [-0.1, 5.1, Number.NaN, '1'])
      expect(() => parseComposeRequest({ instrument: 'violin', repeatPenalty })).toThrow(/repeatPenalty/);
    // Requests built in code (or stored before the field existed) get the default.
    expect(planPiece(request({ instrument: 'violin', seed: 1 })).repeatPenalty).toBe(DEFAULT_REPEAT_PENALTY);
    expect(planPiece(request({ instrument: 'violin', seed: 1, repeatPenalty: 1.5 })).repeatPenalty).toBe(1.5);
  });

  it('takes a key guidance of 0 to 4, and a firmer default when the key is asked', () => {
    expect(parseComposeRequest({ instrument: 'violin' }).keyGuidance).toBeUndefined();
    expect(parseComposeRequest({ instrument: 'violin', keyGuidance: 0 }).keyGuidance).toBe(0);
    expect(parseComposeRequest({ instrument: 'violin', keyGuidance: 4 }).keyGuidance).toBe(4);
    for (const keyGuidance of [-0.5, 4.5, Number.NaN, '2'])
      expect(() => parseComposeRequest({ instrument: 'violin', keyGuidance })).toThrow(/keyGuidance/);
    expect(planPiece(request({ instrument: 'violin', seed: 1 })).keyGuidance).toBe(DEFAULT_KEY_GUIDANCE);
    expect(planPiece(request({ instrument: 'violin', seed: 1, key: 'd-minor' })).keyGuidance).toBe(ASKED_KEY_GUIDANCE);
    expect(planPiece(request({ instrument: 'violin', seed: 1, key: 'd-minor', keyGuidance: 1 })).keyGuidance).toBe(1);
  });

  it('takes a metre guidance of 0 to 4, and it moves only compound metres', async () => {
    expect(parseComposeRequest({ instrument: 'violin' }).metreGuidance).toBe(DEFAULT_METRE_GUIDANCE);
    expect(parseComposeRequest({ instrument: 'violin', metreGuidance: 3 }).metreGuidance).toBe(3);
    for (const metreGuidance of [-1, 4.5, Number.NaN, '2'])
      expect(() => parseComposeRequest({ instrument: 'violin', metreGuidance })).toThrow(/metreGuidance/);
    expect(contrastingMetre([6, 8])).toEqual([3, 4]);
    expect(contrastingMetre([12, 8])).toEqual([3, 2]);
    expect(contrastingMetre([3, 4])).toBeUndefined();
    expect(contrastingMetre([9, 8])).toBeUndefined();
    const piece = (metre: string, metreGuidance: number) =>
      collect(compose(model, request({ instrument: 'cello', seconds: 8, metre, key: 'c-major', seed: 4, metreGuidance })));
    // 3/4 has no contrasting metre: the same notes whatever the weight; 6/8's rhythm leans away from 3/4.
    expect(await piece('3/4', 3)).toEqual(await piece('3/4', 1));
    expect(await piece('6/8', 3)).not.toEqual(await piece('6/8', 1));
    expect(await piece('6/8', 3)).toEqual(await piece('6/8', 3));
  });

  it('keeps closer to the asked key under stronger key guidance, the same notes for the same seed', async () => {
    // F sharp minor (natural, with the raised seventh E sharp): the key asked for least successfully without guidance.
    const scale = new Set([6, 8, 9, 11, 1, 2, 4, 5]);
    const inScale = async (keyGuidance: number) => {
      let inside = 0;
      let all = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const notes = await collect(
          compose(model, request({ instrument: 'string-quartet', seconds: 15, key: 'f-sharp-minor', seed, keyGuidance })),
        );
        inside += notes.filter((note) => scale.has(note.pitch % 12)).length;
        all += notes.length;
      }
      return inside / all;
    };
    const [plain, guided] = [await inScale(1), await inScale(3)];
    console.log(`notes in F sharp minor: ${plain.toFixed(3)} unguided, ${guided.toFixed(3)} at key guidance 3`);
    expect(guided).toBeGreaterThan(plain);
    const again = (keyGuidance: number) =>
      collect(compose(model, request({ instrument: 'violin', seconds: 10, key: 'g-minor', seed: 9, keyGuidance })));
    expect(await again(2)).toEqual(await again(2));
    expect(await again(2)).not.toEqual(await again(1));
  });

  it('penalizes only the pitch its part played last, and only when that part plays', () => {
    const lastPitch = new Int16Array(PART_COUNT + 1).fill(-1);
    const penalty = repeatPenaltyFor(1.5, lastPitch);
    expect(repeatPenaltyFor(0, lastPitch)).toBeUndefined();
    expect(penalty?.(FIELD_PITCH, [6, 3])).toBeUndefined();
    rememberPitch(lastPitch, [6, 3, 67, 12, 4]);
    rememberPitch(lastPitch, [0, 5, 48, 12, 4]);
    rememberPitch(lastPitch, [24, REST_INSTRUMENT, 0, 1, 0]);
    expect(penalty?.(FIELD_PITCH, [6, 3])).toEqual({ value: 67, nats: 1.5 });
    expect(penalty?.(FIELD_PITCH, [6, 5])).toEqual({ value: 48, nats: 1.5 });
    expect(penalty?.(FIELD_PITCH, [6, 4])).toBeUndefined();
    expect(penalty?.(FIELD_PITCH, [24, REST_INSTRUMENT])).toBeUndefined();
    for (const field of [0, 1, 3, 4]) expect(penalty?.(field, [6, 3, 67, 12])).toBeUndefined();
    rememberPitch(lastPitch, [6, 3, 69, 12, 4]);
    expect(penalty?.(FIELD_PITCH, [0, 3])).toEqual({ value: 69, nats: 1.5 });
  });

  it('repeats pitches less under a strong penalty, with the same notes until the first one it turns', async () => {
    const repeats = (notes: readonly ComposedNote[]) => {
      const last = new Map<string, number>();
      let count = 0;
      for (const note of notes) {
        const part = note.part ?? note.instrument;
        if (last.get(part) === note.pitch) count++;
        last.set(part, note.pitch);
      }
      return count;
    };
    let without = 0;
    let withPenalty = 0;
    for (const seed of [1, 2, 3]) {
      const plain = await collect(
        composePlanned(model, planPiece(request({ instrument: 'violin', temperature: 0.6, topP: 1, seed, repeatPenalty: 0 }))),
      );
      const penalized = await collect(
        composePlanned(model, planPiece(request({ instrument: 'violin', temperature: 0.6, topP: 1, seed, repeatPenalty: 5 }))),
      );
      expect(penalized[0]).toEqual(plain[0]);
      without += repeats(plain);
      withPenalty += repeats(penalized);
    }
    expect(withPenalty).toBeLessThan(without / 2);
  });

  it('rejects a primer that is not MIDI, or has no notes, with a clear message', () => {
    expect(() => planPiece(request({ instrument: 'violin', primer: new TextEncoder().encode('not a midi file') }))).toThrow(
      /primer is not a readable MIDI file/,
    );
    const truncated = readFileSync(join(MUSICNET_MIDIS, 'Beethoven', '2368_qt12_4.mid')).subarray(0, 40);
    expect(() => planPiece(request({ instrument: 'violin', primer: truncated }))).toThrow(ComposeError);
  });
});
