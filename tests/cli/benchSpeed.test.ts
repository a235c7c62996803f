import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('partita bench speed', () => {
  it('prints one JSON object with our figures, the seed style figures from the same run, and synthesis speed', () => {
    const run = runCli(['bench', 'speed', '--json'], 400_000);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as Record<string, unknown> & {
      seed: Record<string, number>;
      synthesis: Record<string, number>;
      per_instrument: Record<string, { notes: number; music_seconds: number }>;
    };
    for (const key of ['notes_per_second', 'realtime_factor', 'first_note_ms', 'ratio_notes_per_second', 'ratio_realtime_factor']) {
      expect(result[key], key).toBeGreaterThan(0);
    }
    for (const key of ['notes_per_second', 'realtime_factor', 'first_note_ms']) {
      expect(result.seed[key], `seed.${key}`).toBeGreaterThan(0);
      expect(result[`seed_${key}`]).toBe(result.seed[key]);
    }
    expect(result.threads).toBe(1);
    expect(Object.keys(result.per_instrument)).toContain('string-quartet');
    for (const run of Object.values(result.per_instrument)) {
      expect(run.notes).toBeGreaterThan(0);
      expect(run.music_seconds).toBeGreaterThan(50);
    }
    expect(result.synthesis.js_audio_seconds_per_second).toBeGreaterThan(1);
    expect(result.synthesis.native_fluidsynth_audio_seconds_per_second).toBeGreaterThan(1);
    expect(result.synthesis.audio_seconds).toBeGreaterThan(55);
  });
});
