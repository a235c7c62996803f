/**
 * Synthesis speed: seconds of 48 kHz stereo audio our wasm FluidSynth renders per second of compute,
 * against Debian's native fluidsynth on the same notes (a MusicNet string quartet, first 60 s). Prints
 * one JSON object.
 *
 *     npm run build && node dist/benchmarks/synthesis.js [--midi FILE.mid] [--seconds 60] [--runs 3]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarkSynthesis } from '../synth/index.js';

// From dist/benchmarks/ when built, from benchmarks/ when run with tsx: the repo root is whichever holds package.json.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = here.includes(`${join('dist', 'benchmarks')}`) ? resolve(here, '..', '..') : resolve(here, '..');
const defaultMidi = join(repoRoot, '..', 'shared', 'data', 'musicnet', 'musicnet_midis', 'musicnet_midis', 'Beethoven', '2368_qt12_4.mid');

const { values } = parseArgs({
  options: {
    midi: { type: 'string', default: defaultMidi },
    seconds: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
  },
});

const result = await benchmarkSynthesis(values.midi, { seconds: Number(values.seconds), runs: Number(values.runs) });
process.stdout.write(`${JSON.stringify({ midi: values.midi, ...result }, null, 2)}\n`);
