import { INSTRUMENT_COLORS } from '../instrumentColors.js';
import { INSTRUMENT_NAMES } from '../instruments.js';
import type { ComposedNote, PieceHeader } from './note.js';

const WIDTH = 960;
const HEIGHT = 360;
const MARGIN = { left: 40, right: 12, top: 28, bottom: 36 };

/**
 * A piece as a piano roll in a self-contained SVG: time across, pitch up, one colour per
 * instrument, bar lines faint. For READMEs and model cards, where a picture says more than a
 * table of note counts.
 */
export function pianoRollSvg(header: PieceHeader, notes: readonly ComposedNote[], title: string): string {
  const pitches = notes.map((note) => note.pitch);
  const low = Math.min(...pitches, 60) - 2;
  const high = Math.max(...pitches, 72) + 2;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (seconds: number) => MARGIN.left + (seconds / Math.max(header.seconds, 1e-9)) * plotW;
  const rowHeight = plotH / (high - low + 1);
  const sy = (pitch: number) => MARGIN.top + (high - pitch) * rowHeight;
  const barSeconds = ((header.timeSignature[0] * 4) / header.timeSignature[1]) * (60 / header.tempo);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>Piano roll: ${title}, ${notes.length} notes</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#1f2430"/>`,
    `<text x="${MARGIN.left}" y="18" fill="#e8e8e8" font-size="13">${title}</text>`,
  ];
  for (let bar = 0; bar * barSeconds <= header.seconds + 1e-9; bar++) {
    const x = sx(bar * barSeconds).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#3a4150" stroke-width="1"/>`);
  }
  for (let pitch = Math.ceil(low / 12) * 12; pitch <= high; pitch += 12) {
    parts.push(`<text x="4" y="${(sy(pitch) + rowHeight).toFixed(1)}" fill="#9aa0aa">C${pitch / 12 - 1}</text>`);
  }
  for (const note of notes) {
    const width = Math.max(1, sx(note.startSeconds + note.durationSeconds) - sx(note.startSeconds));
    const opacity = (0.45 + (0.55 * note.velocity) / 127).toFixed(2);
    parts.push(
      `<rect x="${sx(note.startSeconds).toFixed(1)}" y="${sy(note.pitch).toFixed(1)}" width="${width.toFixed(1)}" height="${Math.max(1, rowHeight - 0.5).toFixed(1)}" fill="${INSTRUMENT_COLORS[note.instrument]}" fill-opacity="${opacity}"/>`,
    );
  }
  const used = INSTRUMENT_NAMES.filter((name) => header.instruments.includes(name));
  used.forEach((name, index) => {
    const x = MARGIN.left + index * 110;
    parts.push(`<rect x="${x}" y="${HEIGHT - 22}" width="10" height="10" fill="${INSTRUMENT_COLORS[name]}"/>`);
    parts.push(`<text x="${x + 14}" y="${HEIGHT - 13}" fill="#e8e8e8">${name}</text>`);
  });
  parts.push(`<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 13}" fill="#9aa0aa" text-anchor="end">${header.seconds.toFixed(0)} s</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
