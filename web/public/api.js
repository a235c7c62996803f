// The page's only door to the server: every request and its failure modes live here, so the
// other modules see either data or an ApiError whose message is fit to show a person.

/** An HTTP or network failure; `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** @param {string} url @param {RequestInit} [init] */
async function request(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError('Cannot reach the partita server. Check your connection and try again.', 0);
  }
  if (response.ok) return response.json();
  const body = await response.json().catch(() => null);
  const message = typeof body?.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    const when = seconds > 0 ? `in ${Math.ceil(seconds)} seconds` : 'in a minute';
    throw new ApiError(`The composer is busy (${message}). Try again ${when}.`, 429);
  }
  throw new ApiError(message, response.status);
}

export function getOptions() {
  return request('/api/options');
}

export function listPieces() {
  return request('/api/pieces');
}

/** @param {string} id */
export function getPiece(id) {
  return request(pieceUrl(id));
}

/** @param {string} id @param {string} [suffix] e.g. '.mid' or '/live.webm' */
export function pieceUrl(id, suffix = '') {
  return `/api/pieces/${encodeURIComponent(id)}${suffix}`;
}

/**
 * Starts a piece. JSON when there is no primer; multipart only when a file has to travel,
 * since the server reads the same fields either way.
 * @param {Record<string, string | number>} fields
 * @param {File | undefined} primer
 * @returns {Promise<{id: string, url?: string}>}
 */
export function createPiece(fields, primer) {
  if (!primer) {
    return request('/api/pieces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  form.append('primer', primer);
  return request('/api/pieces', { method: 'POST', body: form });
}

/**
 * @typedef {{instrument: string, pitch: number, velocity: number, start: number, duration: number, primer?: boolean}} Note
 * @typedef {{instruments: string[], tempo: number, seconds: number, seed: number, composer?: string}} Header
 * @typedef {{
 *   header: (header: Header) => void,
 *   status: (status: 'queued' | 'composing' | 'rendering') => void,
 *   notes: (notes: Note[]) => void,
 *   done: (done: {files: Record<string, string>}) => void,
 *   failed: (message: string) => void,
 * }} PieceHandlers
 */

/**
 * Follows a piece's Server-Sent Events. A finished piece replays all of its events, so the
 * same call serves a piece being written and one opened from history. Returns a function that
 * stops listening.
 * @param {string} id
 * @param {PieceHandlers} handlers
 */
export function followPiece(id, handlers) {
  const source = new EventSource(pieceUrl(id, '/events'));
  let finished = false;
  const finish = () => {
    finished = true;
    source.close();
  };
  /** @param {string} type @param {(data: any) => void} handle */
  const on = (type, handle) => source.addEventListener(type, (event) => handle(JSON.parse(/** @type {MessageEvent} */ (event).data)));
  // A dropped connection reconnects and the server replays from the header, which resets the
  // roll; so a reconnect never draws a note twice.
  on('header', handlers.header);
  on('status', (data) => handlers.status(data.status));
  on('notes', handlers.notes);
  on('done', (data) => {
    finish();
    handlers.done(data);
  });
  on('failed', (data) => {
    finish();
    handlers.failed(typeof data?.message === 'string' ? data.message : 'The composer failed.');
  });
  source.addEventListener('error', () => {
    // EventSource retries by itself while CONNECTING; CLOSED means it gave up (a 4xx, say).
    if (!finished && source.readyState === EventSource.CLOSED) {
      finish();
      handlers.failed('Lost the connection to this piece. Reload the page to try again.');
    }
  });
  return finish;
}
