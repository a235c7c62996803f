import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { JSB_QUARTER, MUSICNET, temporaryFolder } from '../helpers/paths.js';

describe('partita prepare', () => {
  it('summarizes MusicNet as one JSON object on stdout', () => {
    const run = runCli(['prepare', '--data', MUSICNET, '--out', temporaryFolder('cli-musicnet'), '--json']);
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.pieces).toBe(300);
    expect(summary.missing.count).toBe(30);
    expect(summary.report.repaired).toHaveLength(7);
    expect(summary.report.skipped).toEqual([]);
    expect(Object.keys(summary.composers).sort()).toEqual([
      'bach',
      'beethoven',
      'brahms',
      'cambini',
      'dvorak',
      'faure',
      'haydn',
      'mozart',
      'ravel',
      'schubert',
    ]);
    expect(summary.instruments.violin.notes).toBeGreaterThan(100_000);
    expect(summary.roundTrip.exactShare).toBeGreaterThanOrEqual(0.99);
  });

  it('reports the JSB Chorales split', () => {
    const run = runCli(['prepare', '--data', JSB_QUARTER, '--out', temporaryFolder('cli-jsb'), '--json']);
    expect(run.status).toBe(0);
    const { splits } = JSON.parse(run.stdout);
    expect([splits.train.pieces, splits.valid.pieces, splits.test.pieces]).toEqual([229, 76, 77]);
  });

  it.each([
    ['a missing path', ['--data', '/no/such/folder'], /data path not found/],
    ['an empty folder', ['--data', temporaryFolder('cli-empty')], /no MIDI files/],
    ['a non-MIDI file', ['--data', writeText('notes.txt', 'hello')], /not a data set/],
    ['a .mid file that is not MIDI', ['--data', writeText('fake.mid', 'hello')], /no readable MIDI/],
    ['a missing --data', [], /--data is required/],
    ['an unknown flag', ['--data', MUSICNET, '--frobnicate'], /frobnicate/],
  ])('gives a one-line error for %s', (_label, args, message) => {
    const run = runCli(['prepare', ...args, '--out', temporaryFolder('cli-bad')]);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('names an unknown command', () => {
    const run = runCli(['compose-symphony']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'compose-symphony'/);
  });
});

function writeText(name: string, text: string): string {
  const path = join(temporaryFolder('cli-file'), name);
  writeFileSync(path, text);
  return path;
}
