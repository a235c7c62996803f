/**
 * How long the suite waits for things that load the composer and the synth (a studio, `partita
 * serve`, a shard process). Quiet, that is 5-15 s; with training on both cores and the suite's
 * own two workers beside it, `serve` was measured at 75 s and went past 120 s. These are limits
 * on a wait for an event, never sleeps: a healthy run never waits them out.
 */
export const SERVER_START_MS = 300_000;

/** A test that starts a server and then does its work. */
export const SERVER_TEST_MS = SERVER_START_MS + 180_000;
