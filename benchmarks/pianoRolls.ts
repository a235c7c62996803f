/**
 * The README's pictures: a real MusicNet test piece's first 64 beats beside what partita writes
 * under the same composer, parts, tempo and metre (and what the seed baseline writes, primed
 * with the piece's first 25 notes), as piano rolls in docs/.
 *
 *     node dist/benchmarks/pianoRolls.js [--ensemble "String Quartet"] [--checkpoint DIR]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultPreparedFolder } from '../cli/commands/prepare.js';
import { SHIPPED_MUSICNET_MODEL, SHIPPED_SEED_MODEL } from '../cli/shippedModels.js';
import { loadCheckpoint } from '../model/checkpoint.js';
import { loadComposerModel } from '../model/compose/composerModel.js';
import type { ComposedNote } from '../model/compose/note.js';
import { pianoRollSvg } from '../model/compose/pianoRollSvg.js';
import { binToVelocity, STEPS_PER_BEAT } from '../model/encoding/grid.js';
import { EVENT_WIDTH, eventsToGrid } from '../model/encoding/noteEvents.js';
import { startEngine } from '../model/engine.js';
import { composeLikePiece, headerLike, sampleSeedPiece } from '../model/eval/generatedPieces.js';
import { DEFAULT_CUT_BEATS } from '../model/eval/musicality.js';
import { INSTRUMENTS } from '../model/instruments.js';
import { prepare } from '../model/prepare/prepare.js';
import { buildSeedModel, loadSeedParams } from '../model/seed/seedModel.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repoRoot, '..', 'shared', 'data', 'musicnet') },
    ensemble: { type: 'string', default: 'String Quartet' },
    checkpoint: { type: 'string' },
  },
});

await startEngine();
const dataset = prepare(values.data, defaultPreparedFolder(values.data)).dataset;
if (dataset.kind === 'jsb') throw new Error('piano rolls need MusicNet');
const piece = dataset.pieces.find((candidate) => candidate.split === 'test' && candidate.ensemble === values.ensemble);
if (!piece) throw new Error(`no test piece of ${values.ensemble}`);
const seconds = (DEFAULT_CUT_BEATS * 60) / piece.bpm;
const header = headerLike(piece, seconds, 1);
const secondsPerStep = 60 / piece.bpm / STEPS_PER_BEAT;
const within = (notes: ComposedNote[]) => notes.filter((note) => note.startSeconds < seconds);

const real: ComposedNote[] = eventsToGrid(
  dataset.events.subarray(piece.eventOffset * EVENT_WIDTH, (piece.eventOffset + piece.eventCount) * EVENT_WIDTH),
).map((note) => ({
  instrument: (INSTRUMENTS[note.instrument] as (typeof INSTRUMENTS)[number]).name,
  pitch: note.pitch,
  velocity: binToVelocity(note.velocityBin),
  startSeconds: note.startStep * secondsPerStep,
  durationSeconds: note.durationSteps * secondsPerStep,
}));
const model = await loadComposerModel(values.checkpoint ?? SHIPPED_MUSICNET_MODEL);
const ours = await composeLikePiece(model, piece, seconds + 4, 1);
const seedCheckpoint = loadCheckpoint(SHIPPED_SEED_MODEL);
if (!seedCheckpoint.model.seedNetwork) throw new Error('the shipped seed model has no seed network');
const seedModel = buildSeedModel(seedCheckpoint.model.seedNetwork, false);
loadSeedParams(seedModel, seedCheckpoint.params);
const seedNotes: ComposedNote[] = sampleSeedPiece(
  seedModel,
  seedCheckpoint.model.seedNetwork,
  dataset.seed,
  piece,
  within(real).length,
  1,
).map((note) => ({
  instrument: header.instruments[0] ?? 'piano',
  pitch: note.pitch,
  velocity: 80,
  startSeconds: note.start,
  durationSeconds: note.duration,
}));
const name = (piece.composer ?? 'unknown').replace(/\W+/g, '-');
const slug = values.ensemble.toLowerCase().replace(/\W+/g, '-');
for (const [who, notes, title] of [
  ['real', real, `MusicNet ${piece.id}, ${piece.title}: first ${DEFAULT_CUT_BEATS} beats`],
  ['partita', ours, `partita, same composer (${piece.composer}), parts, tempo and metre, seed 1`],
  ['seed', seedNotes, 'seed baseline, primed with the piece\u2019s first 25 notes'],
] as const) {
  const path = join(repoRoot, 'docs', `${who}-${slug}-${name}.svg`);
  writeFileSync(path, pianoRollSvg(header, within([...notes]), title.replace(/&/g, 'and')));
  process.stdout.write(`${path}\n`);
}
