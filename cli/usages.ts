/**
 * The commands' usage lines, here so that the CLI can print them without importing the commands:
 * it imports one only to run it. Their modules are heavy (TensorFlow.js and its backends for eval
 * and bench, ~65 MB of RSS; discord.js for bot, ~30 MB), and `partita serve` would otherwise hold
 * them all for as long as it runs.
 */
export const TRAIN_USAGE =
  'partita train --data DATA [--arch lstm|seed] [--out DIR] [--max-minutes N] [--resume] [--warm-start MODEL] [--epochs N] [--seed N] [--hidden N] [--layers N] [--threads N] [--checkpoint-minutes N] [--learning-rate X] [--min-learning-rate X] [--dropout P]';

export const BOT_USAGE = 'partita bot register [--guild ID] [--json]   (puts the slash commands; serve does not)';

export const PREPARE_USAGE = 'partita prepare --data DATA [--out DIR] [--json]';

export const EVAL_USAGE =
  'partita eval --data DATA [--checkpoint DIR] [--seed-checkpoint DIR] [--split test|valid|all] [--samples N] [--pieces N] --json';

export const BENCH_USAGE =
  'partita bench jsb|speed|train|conditioning [--checkpoint DIR] [--seed-checkpoint DIR] [--data DATA] [--key-guidance W] [--metre-guidance W] [--metres-only] [--top-p P] --json';

export const GENERATE_USAGE =
  'partita generate [--checkpoint DIR] --instrument NAME [--composer NAME] [--seconds S] [--tempo BPM] [--key KEY] [--metre N/D] [--temperature T] [--top-p P] [--seed N] [--primer FILE.mid] --out FILE.(mid|wav|ogg|mp3|svg|musicxml|pdf)';
