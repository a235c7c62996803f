/**
 * The web app's routes: which handler answers which path, with the body limits in front. Handlers
 * live in handlers/, request schemas in schemas.ts, the JSON we send in wire.ts.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { MAX_PRIMER_BYTES } from '../model/compose/request.js';
import { isHistoryUnreachable } from '../store/index.js';
import { type Studio, StudioUnavailableError } from '../studio/index.js';
import { jsonError } from './errors.js';
import { pieceOrFileHandler } from './handlers/files.js';
import { liveAudioHandler } from './handlers/live.js';
import { healthHandler, optionsHandler } from './handlers/meta.js';
import { pageHandler, staticHandler, vendorScriptHandler } from './handlers/pages.js';
import { createPieceHandler, listPiecesHandler, pieceEventsHandler } from './handlers/pieces.js';

/** Verovio's browser build: its package's main file (a UMD script with the WebAssembly inside). */
const VEROVIO_BROWSER_BUILD = createRequire(import.meta.url).resolve('verovio');

/** web/public in the sources; the compiled app (dist/web) serves the same folder. */
function defaultPublicFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.split('/').includes('dist') ? join(here, '..', '..', 'web', 'public') : join(here, 'public');
}

/** Room for a 1 MB primer plus the form's other fields and multipart framing. */
const MAX_BODY_BYTES = MAX_PRIMER_BYTES + 64 * 1024;

export interface WebAppOptions {
  studio: Studio;
  /** The page's files; default web/public. */
  publicFolder?: string;
}

export function createWebApp({ studio, publicFolder = defaultPublicFolder() }: WebAppOptions): Hono {
  const app = new Hono();

  app.get('/api/health', healthHandler(studio));
  app.get('/api/options', optionsHandler());
  app.get('/api/pieces', listPiecesHandler(studio));
  app.post(
    '/api/pieces',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => jsonError(c, 413, `the request body must be at most ${MAX_BODY_BYTES} bytes`) }),
    createPieceHandler(studio),
  );
  app.get('/api/pieces/:id/events', pieceEventsHandler(studio));
  app.get('/api/pieces/:id/live.webm', liveAudioHandler(studio, 'webm'));
  app.get('/api/pieces/:id/live.opus', liveAudioHandler(studio, 'opus'));
  app.get('/api/pieces/:name', pieceOrFileHandler(studio));

  app.get('/', pageHandler(publicFolder));
  app.get('/pieces/:id', pageHandler(publicFolder));
  app.get('/static/vendor/verovio-toolkit-wasm.js', vendorScriptHandler(VEROVIO_BROWSER_BUILD));
  app.get('/static/*', staticHandler(publicFolder));

  app.notFound((c) => jsonError(c, 404, `no such address: ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) return jsonError(c, error.status, error.message || 'bad request');
    if (error instanceof StudioUnavailableError) return jsonError(c, 503, error.message, { 'Retry-After': '5' });
    if (isHistoryUnreachable(error))
      return jsonError(c, 503, 'the history (PostgreSQL) is not reachable; try again shortly', { 'Retry-After': '5' });
    process.stderr.write(
      `partita web: ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
    );
    return jsonError(c, 500, 'the server failed; this is a bug in partita');
  });
  return app;
}
