import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MUSICNET_MODEL } from '../../cli/shippedModels.js';
import { barSteps } from '../../model/analysis/metre.js';
import { composePlanned, planPiece } from '../../model/compose/compose.js';
import { loadComposerModel } from '../../model/compose/composerModel.js';
import type { ComposedNote, PieceHeader } from '../../model/compose/note.js';
import { composedToMidi } from '../../model/compose/toMidi.js';
import { INSTRUMENTATION_NAMES } from '../../model/ensembles.js';
import { composedToMusicXml } from '../../notation/musicXml.js';
import { type IndependentNote, readMidiIndependently } from '../helpers/independentMidi.js';
import { museScoreConvert, validateAgainstSchema } from '../helpers/musescore.js';
import { MUSICNET_MIDIS, MUSICXML_SCHEMA, temporaryFolder } from '../helpers/paths.js';

const SEEDS = [1, 2, 3];
/** Seed 3 continues a Beethoven quartet: primer notes come from a real score, not from the model. */
const PRIMER = readFileSync(join(MUSICNET_MIDIS, 'Beethoven', '2368_qt12_4.mid'));

interface Written {
  name: string;
  header: PieceHeader;
  notes: ComposedNote[];
  xml: string;
  /** Notes the writer says it had to shorten or lengthen to fit a staff's four voices. */
  voiceOverflow: number;
  ours: string;
  museScore: string;
}

const folder = temporaryFolder('scores');
const pieces: Written[] = [];

beforeAll(async () => {
  const model = await loadComposerModel(SHIPPED_MUSICNET_MODEL);
  for (const instrument of INSTRUMENTATION_NAMES) {
    for (const seed of SEEDS) {
      const plan = planPiece({ instrument, seconds: 10, temperature: 0.8, topP: 0.95, seed, primer: seed === 3 ? PRIMER : undefined });
      const notes: ComposedNote[] = [];
      for await (const note of composePlanned(model, plan)) notes.push(note);
      const name = `${instrument}-${seed}`;
      const { xml, voiceOverflow } = composedToMusicXml(plan.header, notes);
      const ours = join(folder, `${name}.mid`);
      writeFileSync(join(folder, `${name}.musicxml`), xml);
      writeFileSync(ours, composedToMidi(plan.header, notes));
      pieces.push({ name, header: plan.header, notes, xml, voiceOverflow, ours, museScore: join(folder, `${name}-musescore.mid`) });
    }
  }
  museScoreConvert(
    pieces.map((piece) => ({ in: join(folder, `${piece.name}.musicxml`), out: piece.museScore })),
    folder,
  );
}, 600_000);

/** Per part (channels in order, told apart by program and rank), its notes as (pitch, onset, length) in 24ths of a beat. */
function notesByPart(path: string): Map<string, { pitch: number; onset: number; length: number }[]> {
  const midi = readMidiIndependently(new Uint8Array(readFileSync(path)));
  const channels = [...new Set(midi.notes.map((note) => note.channel))].sort((a, b) => a - b);
  const rankOf = (note: IndependentNote) =>
    channels.filter(
      (channel) => channel < note.channel && midi.notes.some((other) => other.channel === channel && other.program === note.program),
    ).length;
  const parts = new Map<string, { pitch: number; onset: number; length: number }[]>();
  for (const note of midi.notes) {
    const id = `${note.program}:${rankOf(note)}`;
    const toSteps = (ticks: number) => Math.round((ticks * 24) / midi.ticksPerBeat);
    parts.set(id, [...(parts.get(id) ?? []), { pitch: note.pitch, onset: toSteps(note.startTick), length: toSteps(note.durationTicks) }]);
  }
  for (const notes of parts.values()) notes.sort((a, b) => a.onset - b.onset || a.pitch - b.pitch || a.length - b.length);
  return parts;
}

describe('MusicXML scores, read back by independent readers', () => {
  it('validate against the MusicXML 4.0 schema (xmllint), for every instrument and ensemble x 3 seeds, primers included', () => {
    const result = validateAgainstSchema(
      pieces.map((piece) => join(folder, `${piece.name}.musicxml`)),
      MUSICXML_SCHEMA,
    );
    expect(result.ok, result.report.slice(0, 2000)).toBe(true);
  });

  it('play back in MuseScore 3 as the same notes (pitch, onset, length), part by part, as our own MIDI of the piece', () => {
    let notes = 0;
    let lengthsExact = 0;
    let overflow = 0;
    for (const piece of pieces) {
      const ours = notesByPart(piece.ours);
      const theirs = notesByPart(piece.museScore);
      expect([...theirs.keys()].sort(), piece.name).toEqual([...ours.keys()].sort());
      let lengthsOff = 0;
      for (const [part, expected] of ours) {
        const read = theirs.get(part) ?? [];
        expect(
          read.map(({ pitch, onset }) => [pitch, onset]),
          `${piece.name} ${part}`,
        ).toEqual(expected.map(({ pitch, onset }) => [pitch, onset]));
        expected.forEach((note, index) => {
          notes++;
          const length = read[index]?.length ?? 0;
          if (length === note.length) lengthsExact++;
          if (length !== note.length) lengthsOff++;
        });
      }
      // compose() ends notes on the onset grid, so every length is written exactly; only notes the
      // writer reports as refitted into four voices per staff may differ.
      expect(lengthsOff, piece.name).toBeLessThanOrEqual(piece.voiceOverflow);
      overflow += piece.voiceOverflow;
    }
    console.log(
      `MuseScore round trip: ${pieces.length} scores, ${notes} notes, ${((100 * lengthsExact) / notes).toFixed(1)}% of lengths exact, ${overflow} refitted to four voices`,
    );
    expect(overflow).toBeLessThan(notes / 200);
    expect(notes).toBeGreaterThan(1000);
  });

  it('fills every measure of every voice exactly to its time signature', () => {
    for (const piece of pieces) {
      const measureSteps = barSteps(piece.header.timeSignature);
      for (const measure of piece.xml.matchAll(/<measure number="(\d+)"[^>]*>([\s\S]*?)<\/measure>/g)) {
        const sums = new Map<string, number>();
        for (const note of (measure[2] as string).matchAll(/<note>([\s\S]*?)<\/note>/g)) {
          const body = note[1] as string;
          if (body.includes('<chord/>')) continue;
          const voice = /<voice>(\d+)<\/voice>/.exec(body)?.[1] as string;
          sums.set(voice, (sums.get(voice) ?? 0) + Number(/<duration>(\d+)<\/duration>/.exec(body)?.[1]));
        }
        for (const [voice, sum] of sums) expect(sum, `${piece.name} measure ${measure[1]} voice ${voice}`).toBe(measureSteps);
      }
    }
  });
});
