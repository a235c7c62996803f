import type { DatasetSummary, Tally } from '../../model/prepare/summary.js';

type PrintedSummary = DatasetSummary & { data: string; out: string; cached: boolean; seconds: number };

const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;

function tallyLines(title: string, tallies: Record<string, Tally>): string[] {
  const rows = Object.entries(tallies)
    .filter(([, tally]) => tally.pieces > 0)
    .sort(([, a], [, b]) => b.notes - a.notes);
  return [
    title,
    ...rows.map(
      ([name, tally]) => `  ${name.padEnd(28)} ${String(tally.pieces).padStart(4)} pieces ${String(tally.notes).padStart(8)} notes`,
    ),
  ];
}

/** The human-readable form of prepare's summary (the --json form is the object itself). */
export function formatPrepareSummary(summary: PrintedSummary): string {
  const head = `${summary.cached ? 'reused' : 'prepared'} ${summary.data} -> ${summary.out} in ${summary.seconds.toFixed(2)} s`;
  if (summary.kind === 'jsb') {
    const splits = summary.splits;
    return [
      head,
      `JSB Chorales: ${summary.pieces} chorales (train ${splits.train.pieces} / valid ${splits.valid.pieces} / test ${splits.test.pieces}), ${summary.frames} time steps, ${summary.notes} notes, pitches ${summary.pitchRange[0]}-${summary.pitchRange[1]}`,
    ].join('\n');
  }
  const { report, roundTrip, splits } = summary;
  const lines = [
    head,
    `${summary.pieces} pieces, ${summary.notes} notes, ${summary.events} events; split train ${splits.train.pieces} / valid ${splits.valid.pieces} / test ${splits.test.pieces} pieces`,
  ];
  if (summary.missing.count > 0)
    lines.push(`${summary.missing.count} listed pieces have no MIDI file (held out or absent): ${summary.missing.ids.join(', ')}`);
  for (const file of report.repaired) lines.push(`recovered ${file.source}: ${file.fixes.join('; ')}`);
  for (const file of report.skipped) lines.push(`skipped ${file.source}: ${file.reason}`);
  for (const file of report.unlisted) lines.push(`not in the metadata (composer unknown): ${file}`);
  for (const part of report.unmapped)
    lines.push(`not one of partita's instruments, left out: ${part.source} ${part.description} (${part.notes} notes)`);
  const inferredNotes = report.inferred.reduce((sum, part) => sum + part.notes, 0);
  if (inferredNotes > 0)
    lines.push(`${report.inferred.length} string-technique parts (${inferredNotes} notes) assigned to an instrument by register`);
  if (report.zeroLengthNotes > 0) lines.push(`${report.zeroLengthNotes} zero-length notes left out`);
  lines.push(
    `round trip at ${summary.notes > 0 ? 'the grid' : ''}: ${roundTrip.exact}/${roundTrip.notes} notes exact (${percent(roundTrip.exactShare)}); lost: ${roundTrip.lost.merged} merged, ${roundTrip.lost.durationClamped} shortened; onsets already on the grid ${percent(roundTrip.onsetsOnGrid)}, durations ${percent(roundTrip.durationsOnGrid)}`,
    ...tallyLines('composers', summary.composers),
    ...tallyLines('instruments', summary.instruments),
    ...tallyLines('ensembles', summary.ensembles),
  );
  return lines.join('\n');
}
