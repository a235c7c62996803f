import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MUSICNET } from '../helpers/paths.js';

/** These run the models shipped in models/ (see their MODEL_CARD.md), as a user would. */
describe('partita eval with the shipped models', () => {
  it('prints bits per note for the LSTM, the bigram floor and the seed baseline, and musical statistics', () => {
    const run = runCli(['eval', '--data', MUSICNET, '--split', 'test', '--pieces', '3', '--samples', '3', '--json'], 300_000);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.pieces).toBe(3);
    expect(result.notes).toBeGreaterThan(1000);
    expect(result.nll_bits_per_note).toBeGreaterThan(0);
    expect(result.nll_bits_per_note).toBeLessThan(result.bigram_bits_per_note);
    expect(result.seed.pitch_bits_per_note).toBeGreaterThan(0);
    for (const model of ['lstm', 'seed']) {
      for (const feature of ['pitchClassHistogram', 'pitchRange', 'interOnsetInterval', 'noteLength', 'polyphony', 'noteDensity']) {
        expect(result.musical_statistics[model][feature]).toBeGreaterThanOrEqual(0);
        expect(result.musical_statistics[model][feature]).toBeLessThanOrEqual(1.0001);
      }
    }
  }, 300_000);

  it('rejects a split that does not exist', () => {
    const run = runCli(['eval', '--data', MUSICNET, '--split', 'holiday', '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--split must be one of/);
  });
});

describe('partita bench jsb', () => {
  it('reports the exact frame-level NLL of the JSB test split', () => {
    const run = runCli(['bench', 'jsb', '--json'], 300_000);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.test_frames).toBeGreaterThan(4000);
    expect(result.frame_nll_nats).toBeGreaterThan(0);
    expect(result.frame_nll_nats).toBeLessThan(20);
  }, 300_000);
});
