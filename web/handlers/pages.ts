import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';
import { jsonError } from '../errors.js';
import { pieceIdSchema } from '../schemas.js';

const PAGE_MISSING = 'the web page is not installed here (web/public/index.html is missing)';

/** `GET /` and `GET /pieces/{id}`: the one page; it reads the piece id from the address itself. */
export function pageHandler(publicFolder: string) {
  const index = join(publicFolder, 'index.html');
  return async (c: Context) => {
    const id = c.req.param('id');
    if (id !== undefined && !pieceIdSchema.safeParse(id).success) return jsonError(c, 404, 'no piece with this id');
    if (!existsSync(index)) return jsonError(c, 404, PAGE_MISSING);
    return c.html(await readFile(index, 'utf8'), 200, { 'Cache-Control': 'no-cache' });
  };
}

/** `/static/*`: the page's scripts, styles and icons from web/public (the page works offline: nothing comes from a CDN). */
export function staticHandler(publicFolder: string): MiddlewareHandler {
  const serve = serveStatic({ root: publicFolder, rewriteRequestPath: (path) => path.replace(/^\/static/, '') });
  return async (c) => {
    const served = await serve(c, async () => {});
    if (served instanceof Response) {
      served.headers.set('Cache-Control', 'no-cache');
      return served;
    }
    if (!existsSync(publicFolder)) return jsonError(c, 404, PAGE_MISSING);
    return jsonError(c, 404, `no such file: ${c.req.path}`);
  };
}

/**
 * `/static/vendor/verovio-toolkit-wasm.js`: Verovio's browser build (the score engraver), served
 * from its npm package so the page needs no CDN.
 */
export function vendorScriptHandler(path: string) {
  return async (c: Context) => {
    if (!existsSync(path)) return jsonError(c, 404, `not installed here: ${path}`);
    return c.body(await readFile(path), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=86400',
    });
  };
}
