import { findKey, keyCorrelations, parseKeyName } from '../model/analysis/keys.js';
import { barSteps } from '../model/analysis/metre.js';
import { composerLabel } from '../model/codecs/composers.js';
import type { ComposedNote, HeaderPart, PieceHeader } from '../model/compose/note.js';
import { endNotesAtRestrike, type GridNote, STEPS_PER_BEAT } from '../model/encoding/grid.js';
import { ENSEMBLES } from '../model/ensembles.js';
import { INSTRUMENTS, instrumentLabel } from '../model/instruments.js';
import { GRAND_STAFF_SPLIT, type PartNotation, partNotation, transposeElement } from './instruments.js';
import { type WrittenValue, writeMeasure } from './rhythm.js';
import { keySignature, type NotatedKey, signatureAlters, spellPitch, transposeSignature } from './spelling.js';
import { layoutStaves, MAX_VOICES_PER_STAFF, measureEvents, type StepNote, snapNote, soundsIn, type Voice } from './voices.js';
import { el, text } from './xml.js';

/** Divisions per quarter note: partita's own grid, so every duration is a whole number of them. */
const DIVISIONS = STEPS_PER_BEAT;
const ACCIDENTAL_NAMES: Record<number, string> = { [-2]: 'flat-flat', [-1]: 'flat', 0: 'natural', 1: 'sharp', 2: 'double-sharp' };
/** MIDI channel 10 is General MIDI's drum kit. */
const DRUM_CHANNEL = 10;

export interface MusicXmlScore {
  xml: string;
  measures: number;
  /** Notes whose end was moved onto the onset grid to be written (compose() may end a note anywhere). */
  endsSnapped: number;
  /** Notes changed to fit a staff's four voices. */
  voiceOverflow: number;
}

/** "String quartet after Haydn": the score's title. */
export function scoreTitle(header: PieceHeader): string {
  const players = header.parts.map((part) => `${part.instrument}:${part.slot}`).join(',');
  const ensemble = ENSEMBLES.find((entry) => entry.parts.map((part) => `${part.instrument}:${part.slot}`).join(',') === players);
  const label = ensemble?.label ?? header.parts.map((part) => instrumentLabel(part.instrument)).join(', ');
  return `${label}${header.composer ? ` after ${composerLabel(header.composer)}` : ''}`;
}

/**
 * How much worse (in Krumhansl-Schmuckler correlation) the key the piece was written in may fit
 * its notes and still be its signature: G minor with many F-sharps reads as G major by the
 * profiles alone, yet the model was asked for G minor and wrote in it.
 */
const WRITTEN_KEY_MARGIN = 0.1;

/** The key signature's key: the one the piece was written in unless its notes say clearly otherwise (Krumhansl-Schmuckler). */
function notatedKey(header: PieceHeader, notes: readonly ComposedNote[]): number {
  const histogram = new Array<number>(12).fill(0);
  for (const note of notes) histogram[note.pitch % 12] = (histogram[note.pitch % 12] as number) + note.durationSeconds;
  const found = findKey(notes.map((note) => ({ pitch: note.pitch, duration: note.durationSeconds })));
  const written = header.key ? parseKeyName(header.key) : undefined;
  if (written === undefined) return found;
  const correlations = keyCorrelations(histogram);
  return (correlations[written] as number) >= (correlations[found] as number) - WRITTEN_KEY_MARGIN ? written : found;
}

function partName(part: HeaderPart, notation: PartNotation): string {
  const number = /\s(\d+)$/.exec(part.name)?.[1];
  const name = notation.transposedName ?? instrumentLabel(part.instrument);
  return number ? `${name} ${number}` : name;
}

interface PartLayout {
  part: HeaderPart;
  notation: PartNotation;
  writtenKey: NotatedKey;
  /** Per staff, its voices. */
  staves: Voice[][];
  voiceOverflow: number;
}

function layoutPart(part: HeaderPart, notes: readonly StepNote[], concertKey: NotatedKey): PartLayout {
  const notation = partNotation(
    part.instrument,
    notes.map((note) => note.pitch),
    concertKey,
  );
  const written = notes.map((note) => ({ ...note, pitch: note.pitch + notation.writtenAbove }));
  const staffNotes =
    notation.clefs.length === 2
      ? [written.filter((note) => note.pitch >= GRAND_STAFF_SPLIT), written.filter((note) => note.pitch < GRAND_STAFF_SPLIT)]
      : [written];
  const { staves, altered } = layoutStaves(staffNotes);
  return { part, notation, writtenKey: transposeSignature(concertKey, notation.writtenAbove), staves, voiceOverflow: altered };
}

/** Accidentals to print, per written value and pitch: against the key signature and what the measure already altered. */
function accidentals(values: readonly WrittenValue[], key: NotatedKey): Map<WrittenValue, (string | undefined)[]> {
  const signature = signatureAlters(key);
  const current = new Map<string, number>();
  const out = new Map<WrittenValue, (string | undefined)[]>();
  for (const value of [...values].sort((a, b) => a.start - b.start)) {
    out.set(
      value,
      value.pitches.map((pitch) => {
        const spelled = spellPitch(pitch, key);
        const id = `${spelled.step}${spelled.octave}`;
        const before = current.get(id) ?? (signature.get(spelled.step) as number);
        current.set(id, spelled.alter);
        return before === spelled.alter || value.tieIn ? undefined : ACCIDENTAL_NAMES[spelled.alter];
      }),
    );
  }
  return out;
}

function noteElements(
  value: WrittenValue,
  voice: number,
  staff: number | undefined,
  key: NotatedKey,
  shown: (string | undefined)[],
): string {
  const common = (pitchOrRest: string, chord: boolean, accidental: string | undefined, withTies: boolean) =>
    el(
      'note',
      {},
      chord ? '<chord/>' : undefined,
      pitchOrRest,
      text('duration', value.steps),
      withTies && value.tieIn ? el('tie', { type: 'stop' }) : undefined,
      withTies && value.tieOut ? el('tie', { type: 'start' }) : undefined,
      text('voice', voice),
      text('type', value.type),
      value.dots ? '<dot/>' : undefined,
      accidental ? text('accidental', accidental) : undefined,
      value.triplet ? el('time-modification', {}, text('actual-notes', 3), text('normal-notes', 2)) : undefined,
      staff ? text('staff', staff) : undefined,
      value.beam && !chord ? text('beam', value.beam, { number: 1 }) : undefined,
      notations(value, withTies, chord),
    );
  if (value.pitches.length === 0) return common('<rest/>', false, undefined, false);
  return value.pitches
    .map((pitch, index) => {
      const spelled = spellPitch(pitch, key);
      const pitchElement = el(
        'pitch',
        {},
        text('step', spelled.step),
        spelled.alter ? text('alter', spelled.alter) : undefined,
        text('octave', spelled.octave),
      );
      return common(pitchElement, index > 0, shown[index], true);
    })
    .join('');
}

function notations(value: WrittenValue, withTies: boolean, chord: boolean): string | undefined {
  const bracket = !chord ? value.triplet?.bracket : undefined;
  const children = [
    withTies && value.tieIn ? el('tied', { type: 'stop' }) : undefined,
    withTies && value.tieOut ? el('tied', { type: 'start' }) : undefined,
    bracket ? el('tuplet', { type: bracket, bracket: 'yes' }) : undefined,
  ];
  return children.some(Boolean) ? el('notations', {}, ...children) : undefined;
}

function firstAttributes(layout: PartLayout, header: PieceHeader): string {
  const [beats, beatType] = header.timeSignature;
  const clefs = layout.notation.clefs;
  const transpose = transposeElement(layout.notation.writtenAbove);
  return el(
    'attributes',
    {},
    text('divisions', DIVISIONS),
    el('key', {}, text('fifths', layout.writtenKey.fifths), text('mode', layout.writtenKey.mode)),
    el('time', {}, text('beats', beats), text('beat-type', beatType)),
    clefs.length > 1 ? text('staves', clefs.length) : undefined,
    ...clefs.map((clef, index) =>
      el('clef', { number: clefs.length > 1 ? index + 1 : undefined }, text('sign', clef.sign), text('line', clef.line)),
    ),
    transpose
      ? el(
          'transpose',
          {},
          text('diatonic', transpose.diatonic),
          text('chromatic', transpose.chromatic),
          transpose.octaveChange ? text('octave-change', transpose.octaveChange) : undefined,
        )
      : undefined,
  );
}

function tempoDirection(header: PieceHeader): string {
  return el(
    'direction',
    { placement: 'above' },
    el('direction-type', {}, el('metronome', {}, text('beat-unit', 'quarter'), text('per-minute', header.tempo))),
    el('sound', { tempo: header.tempo }),
  );
}

/** What every measure of the score shares. */
interface ScoreFrame {
  header: PieceHeader;
  measures: number;
  measureSteps: number;
  /** Steps of a beat: 24 in simple metres, 36 in compound ones. */
  beat: number;
}

function measureXml(layout: PartLayout, index: number, frame: ScoreFrame, firstPart: boolean): string {
  const { header, measureSteps, beat } = frame;
  const measureStart = index * measureSteps;
  const blocks: string[] = [];
  layout.staves.forEach((voices, staffIndex) => {
    const staff = layout.staves.length > 1 ? staffIndex + 1 : undefined;
    const written = voices.map((voice, voiceIndex) =>
      voiceIndex === 0 || soundsIn(voice, measureStart, measureSteps)
        ? writeMeasure(measureEvents(voice, measureStart, measureSteps), measureSteps, beat)
        : undefined,
    );
    if (voices.length === 0) written.push(writeMeasure(measureEvents([], measureStart, measureSteps), measureSteps, beat));
    const shown = accidentals(
      written.flatMap((values) => values ?? []),
      layout.writtenKey,
    );
    written.forEach((values, voiceIndex) => {
      if (!values) return;
      const voice = staffIndex * MAX_VOICES_PER_STAFF + voiceIndex + 1;
      const wholeRest = values.length === 1 && values[0]?.pitches.length === 0 && voiceIndex === 0;
      blocks.push(
        wholeRest
          ? el(
              'note',
              {},
              el('rest', { measure: 'yes' }),
              text('duration', measureSteps),
              text('voice', voice),
              staff ? text('staff', staff) : undefined,
            )
          : values.map((value) => noteElements(value, voice, staff, layout.writtenKey, shown.get(value) ?? [])).join(''),
      );
    });
  });
  const backup = el('backup', {}, text('duration', measureSteps));
  return el(
    'measure',
    { number: index + 1 },
    index === 0 ? firstAttributes(layout, header) : undefined,
    index === 0 && firstPart ? tempoDirection(header) : undefined,
    blocks.join(backup),
    index === frame.measures - 1 ? el('barline', { location: 'right' }, text('bar-style', 'light-heavy')) : undefined,
  );
}

/**
 * A composed piece as a MusicXML 4.0 partwise score: one part per player with its clef,
 * transposition and MIDI program, the key signature found from the notes (Krumhansl-Schmuckler)
 * with pitches spelled for it, the time signature and tempo, measures whose voices each add up
 * to the bar (ties over bar lines, rests in the gaps, triplets as tuplets).
 */
export function composedToMusicXml(header: PieceHeader, notes: readonly ComposedNote[]): MusicXmlScore {
  const stepsPerSecond = (header.tempo / 60) * STEPS_PER_BEAT;
  const measureSteps = barSteps(header.timeSignature);
  const [numerator, denominator] = header.timeSignature;
  const beat = denominator === 8 && numerator % 3 === 0 ? 36 : 24;
  const partIndex = new Map(header.parts.map((part, index) => [part.name, index]));
  const onGrid: GridNote[] = notes.map((note) => {
    const startStep = Math.round(note.startSeconds * stepsPerSecond);
    const name = note.part ?? header.parts.find((part) => part.instrument === note.instrument)?.name ?? '';
    return {
      instrument: 0,
      part: partIndex.get(name) ?? -1,
      pitch: note.pitch,
      startStep,
      durationSteps: Math.max(1, Math.round((note.startSeconds + note.durationSeconds) * stepsPerSecond) - startStep),
      velocityBin: 0,
    };
  });
  // As in the MIDI file: a note still sounding when its part strikes the same pitch again ends there.
  const byPart = header.parts.map((): StepNote[] => []);
  let endsSnapped = 0;
  let lastEnd = Math.round(header.seconds * stepsPerSecond);
  for (const note of endNotesAtRestrike(onGrid).notes) {
    const end = note.startStep + note.durationSteps;
    const snapped = snapNote({ pitch: note.pitch, start: note.startStep, end });
    if (snapped.end !== end) endsSnapped++;
    lastEnd = Math.max(lastEnd, snapped.end);
    byPart[note.part ?? -1]?.push(snapped);
  }
  const concertKey = keySignature(notatedKey(header, notes));
  const layouts = header.parts.map((part, index) => layoutPart(part, byPart[index] ?? [], concertKey));
  const measures = Math.max(1, Math.ceil(lastEnd / measureSteps));
  const frame: ScoreFrame = { header, measures, measureSteps, beat };

  const partList = el(
    'part-list',
    {},
    ...layouts.map((layout, index) => {
      const id = `P${index + 1}`;
      const channel = index + 1 >= DRUM_CHANNEL ? index + 2 : index + 1;
      const program = INSTRUMENTS.find((spec) => spec.name === layout.part.instrument)?.program ?? 0;
      return el(
        'score-part',
        { id },
        text('part-name', partName(layout.part, layout.notation)),
        text('part-abbreviation', `${layout.notation.abbreviation}${/\s(\d+)$/.exec(layout.part.name)?.[0] ?? ''}`),
        el('score-instrument', { id: `${id}-I1` }, text('instrument-name', instrumentLabel(layout.part.instrument))),
        el('midi-instrument', { id: `${id}-I1` }, text('midi-channel', Math.min(16, channel)), text('midi-program', program + 1)),
      );
    }),
  );
  const parts = layouts.map((layout, partIndex) =>
    el(
      'part',
      { id: `P${partIndex + 1}` },
      ...Array.from({ length: measures }, (_, index) => measureXml(layout, index, frame, partIndex === 0)),
    ),
  );
  const title = scoreTitle(header);
  const xml = [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">',
    el(
      'score-partwise',
      { version: '4.0' },
      el('work', {}, text('work-title', title)),
      el(
        'identification',
        {},
        text('creator', `partita (seed ${header.seed})`, { type: 'composer' }),
        el('encoding', {}, text('software', 'partita')),
      ),
      partList,
      ...parts,
    ),
    '',
  ].join('\n');
  return { xml, measures, endsSnapped, voiceOverflow: layouts.reduce((sum, layout) => sum + layout.voiceOverflow, 0) };
}
