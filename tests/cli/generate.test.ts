import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioStats, decodeWithFfmpeg } from '../helpers/audio.js';
import { runCli } from '../helpers/cli.js';
import { readMidiIndependently } from '../helpers/independentMidi.js';
import { MUSICNET_MIDIS, temporaryFolder } from '../helpers/paths.js';

const VIOLIN_PROGRAM = 40;

describe('partita generate', () => {
  it('writes a violin MIDI with one named track, the violin program and the tempo asked for', () => {
    const violin = ['generate', '--instrument', 'violin', '--composer', 'bach', '--seconds', '15', '--tempo', '120', '--seed', '4'];
    const out = join(temporaryFolder('generate-mid'), 'violin.mid');
    const run = runCli([...violin, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { seed: number; seconds: number; notes: number };
    expect(summary.seed).toBe(4);
    const midi = readMidiIndependently(readFileSync(out));
    expect(midi.trackNames).toContain('violin');
    expect(midi.notes.length).toBe(summary.notes);
    expect(new Set(midi.notes.map((note) => note.program))).toEqual(new Set([VIOLIN_PROGRAM]));
    const again = join(temporaryFolder('generate-again'), 'violin.mid');
    runCli([...violin, '--out', again]);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it.each(['wav', 'ogg', 'mp3'])(
    'renders a string quartet to %s that ffmpeg decodes to the piece length, audible and unclipped',
    (format) => {
      const out = join(temporaryFolder(`generate-${format}`), `quartet.${format}`);
      const run = runCli(['generate', '--instrument', 'string-quartet', '--seconds', '10', '--seed', '2', '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      const { seconds } = JSON.parse(run.stdout) as { seconds: number };
      const stats = audioStats(decodeWithFfmpeg(out));
      // The piece, then the reverb's tail.
      expect(stats.seconds).toBeGreaterThan(seconds);
      expect(stats.seconds).toBeLessThan(seconds + 3);
      expect(stats.rms).toBeGreaterThan(0.01);
      expect(stats.fullScale).toBe(0);
    },
  );

  it('draws a piano roll as SVG, one rectangle per note', () => {
    const out = join(temporaryFolder('generate-svg'), 'roll.svg');
    const run = runCli(['generate', '--instrument', 'piano-trio', '--seconds', '10', '--seed', '1', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const noteRects = svg.split('\n').filter((line) => line.startsWith('<rect') && line.includes('fill-opacity'));
    expect(noteRects.length).toBe((JSON.parse(run.stdout) as { notes: number }).notes);
  });

  it('continues a primer MIDI file', () => {
    const out = join(temporaryFolder('generate-primer'), 'continued.mid');
    const primer = join(MUSICNET_MIDIS, 'Beethoven', '2368_qt12_4.mid');
    const run = runCli(['generate', '--instrument', 'cello', '--seconds', '20', '--seed', '1', '--primer', primer, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { primer_notes: number }).primer_notes).toBeGreaterThan(10);
  });

  it.each([
    [['--instrument', 'tuba', '--out', 'x.mid'], /unknown instrument or ensemble/],
    [['--instrument', 'violin', '--seconds', '900', '--out', 'x.mid'], /seconds/],
    [['--instrument', 'violin', '--seconds', 'long', '--out', 'x.mid'], /--seconds must be a number/],
    [['--instrument', 'violin', '--out', 'x.flac'], /--out must end in/],
    [['--instrument', 'violin', '--primer', 'package.json', '--out', 'x.mid'], /primer is not a readable MIDI file/],
    [['--instrument', 'violin'], /--out is required/],
  ])('rejects %j with one line', (flags, message) => {
    const run = runCli(['generate', ...flags]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(message);
  });
});
