import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../model/ingest/csv.js';
import { DataError, loadDataset, locateData } from '../model/ingest/dataset.js';
import { type LoadedScores, loadMusicNet } from '../model/ingest/musicnet.js';
import { readMidi } from '../model/ingest/readMidi.js';
import { INSTRUMENTS, instrumentForProgram } from '../model/instruments.js';
import { readMidiIndependently } from './helpers/independentMidi.js';
import { JSB_QUARTER, MUSICNET, MUSICNET_MIDIS, temporaryFolder } from './helpers/paths.js';

describe('parseCsv', () => {
  it('keeps commas and doubled quotes inside quoted fields', () => {
    expect(parseCsv('a,b\n"1, 2","say ""hi"""\r\n3,\n')).toEqual([
      ['a', 'b'],
      ['1, 2', 'say "hi"'],
      ['3', ''],
    ]);
  });
});

describe('MusicNet in its Kaggle layout', () => {
  let loaded: LoadedScores;
  beforeAll(() => {
    loaded = loadMusicNet(MUSICNET);
  });

  it('finds the 300 pieces and reports the 30 listed-but-missing ones once', () => {
    expect(loaded.listed).toBe(330);
    expect(loaded.scores).toHaveLength(300);
    expect(loaded.report.missing).toHaveLength(30);
    expect(loaded.report.skipped).toEqual([]);
  });

  it('recovers the seven Bach files with broken track lengths and says so per file', () => {
    const repairedIds = loaded.report.repaired.map((file) => /(\d+)_/.exec(file.source)?.[1]).sort();
    expect(repairedIds).toEqual(['2194', '2211', '2227', '2230', '2292', '2305', '2310']);
    const prelude = loaded.scores.find((score) => score.id === '2194');
    expect(prelude?.notes.length).toBeGreaterThan(400);
  });

  it('joins each file with its metadata row', () => {
    const piece = loaded.scores.find((score) => score.id === '1727');
    expect(piece).toMatchObject({
      composer: 'schubert',
      composition: 'Piano Quintet in A major',
      movement: '2. Andante',
      ensemble: 'Piano Quintet',
      catalogName: 'OP114',
    });
    expect(new Set(loaded.scores.map((score) => score.composer))).toEqual(
      new Set(['bach', 'beethoven', 'brahms', 'cambini', 'dvorak', 'faure', 'haydn', 'mozart', 'ravel', 'schubert']),
    );
  });

  it('maps every note to one of the eleven instruments and reports the rest', () => {
    const heard = new Set(loaded.scores.flatMap((score) => score.notes.map((note) => note.instrument)));
    expect([...heard].sort()).toEqual(INSTRUMENTS.map((spec) => spec.name).sort());
    expect(loaded.report.unmapped.every((part) => part.description.includes('percussion'))).toBe(true);
    expect(loaded.report.inferred.length).toBeGreaterThan(0);
  });

  it('also accepts the layout with a single musicnet_midis level', async () => {
    const { cpSync, mkdirSync } = await import('node:fs');
    const root = temporaryFolder('musicnet-flat');
    cpSync(join(MUSICNET, 'musicnet_metadata.csv'), join(root, 'musicnet_metadata.csv'));
    mkdirSync(join(root, 'musicnet_midis', 'Haydn'), { recursive: true });
    for (const file of readdirSync(join(MUSICNET_MIDIS, 'Haydn'))) {
      cpSync(join(MUSICNET_MIDIS, 'Haydn', file), join(root, 'musicnet_midis', 'Haydn', file));
    }
    const flat = loadMusicNet(root);
    expect(flat.scores.map((score) => score.composer)).toEqual(['haydn', 'haydn']);
    expect(flat.report.missing).toHaveLength(328);
  });
});

describe('readMidi agrees with an independent reader on real files', () => {
  const composers = readdirSync(MUSICNET_MIDIS).sort();
  const sample = composers.flatMap((composer) =>
    readdirSync(join(MUSICNET_MIDIS, composer))
      .sort()
      .slice(0, 2)
      .map((file) => join(composer, file)),
  );

  it.each(sample)('%s', (file) => {
    const bytes = readFileSync(join(MUSICNET_MIDIS, file));
    const ours = readMidi(bytes, { id: file, title: file, source: file });
    const theirs = readMidiIndependently(bytes);
    const audible = theirs.notes.filter((note) => note.durationTicks > 0 && note.channel !== 9);
    expect(ours.score.ticksPerBeat).toBe(theirs.ticksPerBeat);
    expect(ours.score.notes.length).toBe(audible.length);
    const key = (tick: number, pitch: number, duration: number) => `${tick}:${pitch}:${duration}`;
    expect(ours.score.notes.map((note) => key(note.startTick, note.pitch, note.durationTicks)).sort()).toEqual(
      audible.map((note) => key(note.startTick, note.pitch, note.durationTicks)).sort(),
    );
    const programs = new Set(audible.map((note) => note.program));
    for (const program of programs) expect(instrumentForProgram(program, 60), `GM program ${program}`).toBeDefined();
  });
});

describe('choosing a data set from a path', () => {
  it('reads the JSB Chorales split', () => {
    const dataset = loadDataset(locateData(JSB_QUARTER));
    if (dataset.kind !== 'jsb') throw new Error('expected JSB');
    expect([dataset.chorales.train.length, dataset.chorales.valid.length, dataset.chorales.test.length]).toEqual([229, 76, 77]);
  });

  it('reads any folder of MIDI files, skipping a broken one with a reason', async () => {
    const { cpSync, writeFileSync } = await import('node:fs');
    const folder = temporaryFolder('midi-folder');
    cpSync(join(MUSICNET_MIDIS, 'Haydn'), join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'broken.mid'), 'MThd but not really');
    const dataset = loadDataset(locateData(folder));
    if (dataset.kind === 'jsb') throw new Error('expected MIDI');
    expect(dataset.kind).toBe('midi');
    expect(dataset.scores).toHaveLength(2);
    expect(dataset.scores[0]?.composer).toBeUndefined();
    expect(dataset.report.skipped).toEqual([{ source: 'broken.mid', reason: expect.stringMatching(/MIDI/) }]);
  });

  it.each([
    ['a missing path', () => '/no/such/partita/data', /not found/],
    ['an empty folder', () => temporaryFolder('empty'), /no MIDI files/],
    ['a file that is not a data set', () => join(MUSICNET, 'musicnet_metadata.csv'), /not a data set/],
  ])('names the problem for %s', (_label, makePath, message) => {
    expect(() => locateData(makePath())).toThrow(DataError);
    expect(() => locateData(makePath())).toThrow(message);
  });
});
