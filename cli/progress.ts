import type { ProgressCallback } from '../model/progress.js';

const BAR_WIDTH = 28;
/** Redraw at most this often, so the bar costs nothing next to the work. */
const REDRAW_INTERVAL_MS = 80;

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * A progress bar on stderr (stdout stays clean for --json), redrawn in place on a terminal.
 * Where stderr is not a terminal (pipes, CI logs) it stays silent unless PARTITA_PROGRESS=lines,
 * which prints a line at each tenth of the work: callers reading stderr get only real messages.
 */
export function progressBar(title: string, stream: NodeJS.WriteStream = process.stderr): ProgressCallback {
  const started = Date.now();
  let lastDraw = 0;
  let lastTenth = -1;
  return (done, total, label) => {
    const now = Date.now();
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const finished = done >= total;
    const elapsed = (now - started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.POSITIVE_INFINITY;
    const filled = Math.round(fraction * BAR_WIDTH);
    const text = `${title} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${formatSeconds(elapsed)} eta ${formatSeconds(eta)} ${label}`;
    if (stream.isTTY) {
      if (!finished && now - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 100) - 1)}${finished ? '\n' : ''}`);
      return;
    }
    if (process.env.PARTITA_PROGRESS !== 'lines') return;
    const tenth = Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`${text}\n`);
    }
  };
}
