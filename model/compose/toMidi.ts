import { STEPS_PER_BEAT, velocityToBin } from '../encoding/grid.js';
import { gridToMidi } from '../encoding/gridToMidi.js';
import { instrumentIndex } from '../instruments.js';
import type { ComposedNote, PieceHeader } from './note.js';

/**
 * A composed piece as a Standard MIDI File: one named track per part ("violin 1", "violin 2",
 * ...) with its instrument's General MIDI program, the piece's tempo and metre. Notes are on the grid already (compose()
 * writes step multiples), so converting seconds back to steps is exact up to rounding.
 */
export function composedToMidi(header: PieceHeader, notes: Iterable<ComposedNote>, title?: string): Uint8Array {
  const stepsPerSecond = (header.tempo / 60) * STEPS_PER_BEAT;
  const parts = header.parts.map((part) => ({ instrument: instrumentIndex(part.instrument) as number, slot: part.slot, name: part.name }));
  const slotOf = new Map(header.parts.map((part) => [part.name, part.slot]));
  const grid = [...notes].map((note) => ({
    instrument: instrumentIndex(note.instrument) as number,
    part: slotOf.get(note.part ?? '') ?? 0,
    pitch: note.pitch,
    startStep: Math.round(note.startSeconds * stepsPerSecond),
    durationSteps: Math.max(1, Math.round(note.durationSeconds * stepsPerSecond)),
    velocityBin: velocityToBin(note.velocity),
  }));
  return gridToMidi(grid, {
    bpm: header.tempo,
    timeSignature: header.timeSignature,
    title,
    parts,
  });
}
