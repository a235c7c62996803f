import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { findInstrumentation } from '../../model/ensembles.js';
import type { PieceFileKind, PieceRecord } from '../../store/index.js';
import type { Studio } from '../../studio/index.js';
import { jsonError } from '../errors.js';
import { pieceNameSchema } from '../schemas.js';
import { pieceToJson } from '../wire.js';

const CONTENT_TYPES: Record<PieceFileKind, string> = { mid: 'audio/midi', wav: 'audio/wav', ogg: 'audio/ogg', mp3: 'audio/mpeg' };

/** `partita-string-quartet-<id>.ogg`: says what it is, and never collides with another piece's file. */
function downloadName(piece: PieceRecord, kind: PieceFileKind): string {
  const instrument = findInstrumentation(piece.request.instrument)?.name ?? 'piece';
  return `partita-${instrument}-${piece.id}.${kind}`;
}

/** The file from disk with Range support (so players can seek), typed and named for download. */
async function sendFile(c: Context, path: string, piece: PieceRecord, kind: PieceFileKind): Promise<Response> {
  c.header('Content-Disposition', `attachment; filename="${downloadName(piece, kind)}"`);
  // A finished piece's files never change.
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  const served = await serveStatic({ path })(c, async () => {});
  if (!(served instanceof Response)) return jsonError(c, 404, 'the file of this piece is missing');
  // serveStatic types by extension and knows .mid only as the obsolete audio/x-midi.
  served.headers.set('Content-Type', CONTENT_TYPES[kind]);
  return served;
}

/** `GET /api/pieces/{id}` (metadata) and `GET /api/pieces/{id}.mid|.wav|.ogg|.mp3` (downloads, once done). */
export function pieceOrFileHandler(studio: Studio) {
  return async (c: Context) => {
    const name = pieceNameSchema.safeParse(c.req.param('name'));
    if (!name.success) return jsonError(c, 400, name.error.issues[0]?.message ?? 'not a piece id');
    const { id, extension } = name.data;
    const piece = studio.get(id);
    if (!piece) return jsonError(c, 404, 'no piece with this id');
    if (!extension) return c.json(pieceToJson(piece));
    if (piece.status !== 'done') {
      return jsonError(
        c,
        piece.status === 'failed' || piece.status === 'cancelled' ? 404 : 409,
        `the piece is ${piece.status}: no files yet`,
      );
    }
    const path = studio.filePath(piece, extension);
    if (!path) return jsonError(c, 404, 'the file of this piece is missing');
    return sendFile(c, path, piece, extension);
  };
}
