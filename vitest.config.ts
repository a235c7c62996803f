import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that judge real-time behaviour by the clock. They run after every other file, on their
 * own: beside the rest of the suite on two cores the voice test's thread waited up to 40% of the
 * piece for a CPU (12.8 s of 31 s, 2026-12-03), which measures the machine, not the bot. The page's live
 * audio is judged to play with no underrun: beside e2e.test.ts it ran dry once (2026-12-03).
 */
const realTime = ['tests/bot/voice.test.ts', 'tests/web/e2e-live.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only fight over them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...realTime] },
      },
      {
        extends: true,
        test: { name: 'real-time', include: realTime, sequence: { groupOrder: 1 }, fileParallelism: false },
      },
    ],
  },
});
