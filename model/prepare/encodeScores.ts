import { findKey } from '../analysis/keys.js';
import { concatArrays } from '../arrays.js';
import { compareGridNotes, type GridNote, STEPS_PER_BEAT, scoreToGrid, ticksToSteps } from '../encoding/grid.js';
import { type EventArray, eventCount, eventsToGrid, gridToEvents } from '../encoding/noteEvents.js';
import type { MetreChange } from '../encoding/pieceContext.js';
import { SEED_WIDTH, type SeedArray, scoreToSeed } from '../encoding/seedNotes.js';
import type { SplitName } from '../ingest/jsb.js';
import { INSTRUMENTS, type InstrumentName, partIndex } from '../instruments.js';
import type { PieceInfo, Score } from '../score.js';
import { addTally, composerKey, emptyInstrumentTallies, emptySplitTallies, type RoundTripFigures, type Tally } from './summary.js';

/** A piece as the prepared data set stores it: its info and where its rows sit in the arrays. */
export interface PreparedPiece extends PieceInfo {
  split: SplitName;
  instruments: InstrumentName[];
  /** Part indices (instrument * PARTS_PER_INSTRUMENT + slot) that play, ascending. */
  parts: number[];
  /** Its key as found from its notes (model/analysis/keys.ts index). */
  key: number;
  /** Time signatures in grid steps (bars restart at each). */
  metres: MetreChange[];
  notes: number;
  eventOffset: number;
  eventCount: number;
  seedOffset: number;
  seedCount: number;
  /** Tempo and metre at the start, for writing the piece back out. */
  bpm: number;
  timeSignature: [number, number];
}

export interface EncodedScores {
  pieces: PreparedPiece[];
  events: EventArray;
  seed: SeedArray;
  roundTrip: RoundTripFigures;
  composers: Record<string, Tally>;
  ensembles: Record<string, Tally>;
  instruments: Record<string, Tally & { outsideRange: number }>;
  splits: Record<SplitName, Tally>;
}

function sameGridNote(a: GridNote, b: GridNote): boolean {
  return compareGridNotes(a, b) === 0 && a.durationSteps === b.durationSteps && a.velocityBin === b.velocityBin;
}

/** Counts notes that decode identically; both lists are in canonical order. */
function countExact(expected: readonly GridNote[], decoded: readonly GridNote[]): number {
  let exact = 0;
  expected.forEach((note, index) => {
    const back = decoded[index];
    if (back && sameGridNote(note, back)) exact++;
  });
  return exact;
}

/** Encodes every score both ways (main and seed), tallying the figures prepare reports. */
export function encodeScores(scores: readonly Score[], splits: Map<string, SplitName>): EncodedScores {
  const eventParts: EventArray[] = [];
  const seedParts: SeedArray[] = [];
  const pieces: PreparedPiece[] = [];
  const roundTrip: RoundTripFigures = {
    notes: 0,
    exact: 0,
    exactShare: 0,
    lost: { durationClamped: 0, merged: 0 },
    onsetsOnGrid: 0,
    durationsOnGrid: 0,
  };
  const composers: Record<string, Tally> = {};
  const ensembles: Record<string, Tally> = {};
  const instruments = emptyInstrumentTallies();
  const splitTallies = emptySplitTallies();
  let eventOffset = 0;
  let seedOffset = 0;
  for (const score of scores) {
    const { notes: grid, loss } = scoreToGrid(score);
    const events = gridToEvents(grid);
    const seed = scoreToSeed(score);
    roundTrip.notes += score.notes.length;
    roundTrip.exact += countExact(grid, eventsToGrid(events));
    roundTrip.lost.durationClamped += loss.durationClamped;
    roundTrip.lost.merged += loss.merged;
    for (const note of score.notes) {
      if ((note.startTick * STEPS_PER_BEAT) % score.ticksPerBeat === 0) roundTrip.onsetsOnGrid++;
      if ((note.durationTicks * STEPS_PER_BEAT) % score.ticksPerBeat === 0) roundTrip.durationsOnGrid++;
    }
    const used = [...new Set(grid.map((note) => note.instrument))].sort((a, b) => a - b);
    for (const index of used) {
      const spec = INSTRUMENTS[index] as (typeof INSTRUMENTS)[number];
      const ofInstrument = grid.filter((note) => note.instrument === index);
      addTally(instruments, spec.name, ofInstrument.length);
      const tally = instruments[spec.name] as { outsideRange: number };
      tally.outsideRange += ofInstrument.filter((note) => note.pitch < spec.lowestPitch || note.pitch > spec.highestPitch).length;
    }
    const split = splits.get(score.id) ?? 'train';
    addTally(composers, composerKey(score), grid.length);
    addTally(ensembles, score.ensemble ?? 'unknown', grid.length);
    addTally(splitTallies, split, grid.length);
    const firstSignature = score.timeSignatures[0];
    const parts = [...new Set(grid.map((note) => partIndex(note.instrument, note.part ?? 0)))].sort((a, b) => a - b);
    const metres: MetreChange[] = score.timeSignatures.map((signature) => ({
      step: ticksToSteps(signature.tick, score.ticksPerBeat),
      signature: [signature.numerator, signature.denominator],
    }));
    pieces.push({
      id: score.id,
      title: score.title,
      composer: score.composer,
      ensemble: score.ensemble,
      composition: score.composition,
      movement: score.movement,
      catalogName: score.catalogName,
      source: score.source,
      split,
      instruments: used.map((index) => (INSTRUMENTS[index] as (typeof INSTRUMENTS)[number]).name),
      parts,
      key: findKey(grid.map((note) => ({ pitch: note.pitch, duration: note.durationSteps }))),
      metres,
      notes: grid.length,
      eventOffset,
      eventCount: eventCount(events),
      seedOffset,
      seedCount: seed.length / SEED_WIDTH,
      bpm: Math.round((score.tempos[0]?.bpm ?? 120) * 100) / 100,
      timeSignature: [firstSignature?.numerator ?? 4, firstSignature?.denominator ?? 4],
    });
    eventParts.push(events);
    seedParts.push(seed);
    eventOffset += eventCount(events);
    seedOffset += seed.length / SEED_WIDTH;
  }
  const total = Math.max(1, roundTrip.notes);
  roundTrip.exactShare = roundTrip.exact / total;
  roundTrip.onsetsOnGrid /= total;
  roundTrip.durationsOnGrid /= total;
  return {
    pieces,
    events: concatArrays(eventParts, (length) => new Uint16Array(length)),
    seed: concatArrays(seedParts, (length) => new Float32Array(length)),
    roundTrip,
    composers,
    ensembles,
    instruments,
    splits: splitTallies,
  };
}
