// The history list: older pieces to open (their notes replay on the roll, their audio plays from
// the finished file) or download, newest first as the server lists them.

/**
 * @typedef {{
 *   id: string,
 *   createdAt: string,
 *   status: string,
 *   error?: string,
 *   noteCount?: number,
 *   seed: number,
 *   header: {seconds: number},
 *   request: {instrument: string, composer?: string},
 *   files?: Record<string, string>,
 * }} PieceSummary
 */

const DOWNLOADS = [
  { kind: 'mid', label: 'MIDI' },
  { kind: 'wav', label: 'WAV' },
  { kind: 'ogg', label: 'OGG' },
  { kind: 'mp3', label: 'MP3' },
  { kind: 'musicxml', label: 'MusicXML' },
  { kind: 'pdf', label: 'PDF' },
];

/**
 * Links that save a finished piece's files, at the addresses the server gives; the server names
 * the saved files (Content-Disposition), so the download attribute stays empty.
 * @param {Record<string, string>} files
 */
export function downloadLinks(files) {
  return DOWNLOADS.filter(({ kind }) => files[kind]).map(({ kind, label }) => {
    const link = document.createElement('a');
    link.href = files[kind] ?? '';
    link.download = '';
    link.textContent = label;
    link.className = 'download';
    link.setAttribute('aria-label', `Download ${label}`);
    return link;
  });
}

/** @param {string} iso */
function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** @param {PieceSummary} piece @param {(name: string) => string} labelOf */
function describePiece(piece, labelOf) {
  const composer = piece.request.composer ? `after ${labelOf(piece.request.composer)}` : 'any style';
  return `${labelOf(piece.request.instrument)}, ${composer}, ${Math.round(piece.header.seconds)} s, seed ${piece.seed}`;
}

export class HistoryList {
  /**
   * @param {HTMLElement} list
   * @param {(name: string) => string} labelOf
   * @param {(id: string) => void} open
   */
  constructor(list, labelOf, open) {
    this.list = list;
    this.labelOf = labelOf;
    this.open = open;
  }

  /** @param {PieceSummary[]} pieces @param {string} currentId */
  render(pieces, currentId) {
    if (pieces.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No pieces yet: compose one.';
      this.list.replaceChildren(empty);
      return;
    }
    this.list.replaceChildren(...pieces.map((piece) => this.item(piece, currentId)));
  }

  /** @param {PieceSummary} piece @param {string} currentId */
  item(piece, currentId) {
    const item = document.createElement('li');
    item.className = 'history-item';
    const link = document.createElement('a');
    link.href = `/pieces/${encodeURIComponent(piece.id)}`;
    link.textContent = describePiece(piece, this.labelOf);
    if (piece.id === currentId) link.setAttribute('aria-current', 'page');
    // An ordinary link, so it opens in a new tab too; a plain click loads in place without a reload.
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      this.open(piece.id);
    });
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = [when(piece.createdAt), piece.status === 'failed' ? `failed: ${piece.error ?? ''}` : piece.status].join(' · ');
    item.append(link, meta);
    if (piece.files) {
      const downloads = document.createElement('span');
      downloads.className = 'downloads';
      downloads.append(...downloadLinks(piece.files));
      item.append(downloads);
    }
    return item;
  }
}
