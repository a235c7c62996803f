import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { findInstrumentation } from '../../model/ensembles.js';
import { type PieceFileKind, type PieceRecord, SCORE_FILE_KINDS, type ScoreFileKind } from '../../store/index.js';
import type { Studio } from '../../studio/index.js';
import { jsonError } from '../errors.js';
import { pieceNameSchema } from '../schemas.js';
import { pieceToJson } from '../wire.js';

const CONTENT_TYPES: Record<PieceFileKind | ScoreFileKind, string> = {
  mid: 'audio/midi',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  // MusicXML's registered type for uncompressed scores.
  musicxml: 'application/vnd.recordare.musicxml+xml',
  pdf: 'application/pdf',
  png: 'image/png',
};

function isScoreKind(kind: string): kind is ScoreFileKind {
  return (SCORE_FILE_KINDS as readonly string[]).includes(kind);
}

/** `partita-string-quartet-<id>.ogg`: says what it is, and never collides with another piece's file. */
function downloadName(piece: PieceRecord, kind: PieceFileKind | ScoreFileKind): string {
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

/**
 * The score: MusicXML of the notes so far while the piece is written (not cached: it grows), and
 * once done MusicXML, PDF or PNG, made on first request and then kept.
 */
async function sendScore(c: Context, studio: Studio, piece: PieceRecord, kind: ScoreFileKind): Promise<Response> {
  const score = await studio.score(piece.id, kind);
  if (!score.ok) return jsonError(c, score.status, score.message);
  c.header('Content-Type', CONTENT_TYPES[kind]);
  // A browser shows a PNG; a score file is for opening in a notation program.
  if (kind !== 'png') c.header('Content-Disposition', `attachment; filename="${downloadName(piece, kind)}"`);
  c.header('Cache-Control', score.final ? 'public, max-age=31536000, immutable' : 'no-store');
  return c.body(new Uint8Array(score.bytes));
}

/**
 * `GET /api/pieces/{id}` (metadata), `GET /api/pieces/{id}.mid|.wav|.ogg|.mp3` (downloads, once
 * done) and `GET /api/pieces/{id}.musicxml|.pdf|.png` (the score).
 */
export function pieceOrFileHandler(studio: Studio) {
  return async (c: Context) => {
    const name = pieceNameSchema.safeParse(c.req.param('name'));
    if (!name.success) return jsonError(c, 400, name.error.issues[0]?.message ?? 'not a piece id');
    const { id, extension } = name.data;
    const piece = await studio.get(id);
    if (!piece) return jsonError(c, 404, 'no piece with this id');
    if (!extension) return c.json(pieceToJson(piece));
    if (isScoreKind(extension)) return sendScore(c, studio, piece, extension);
    if (piece.status !== 'done') {
      return jsonError(
        c,
        piece.status === 'failed' || piece.status === 'cancelled' ? 404 : 409,
        `the piece is ${piece.status}: no files yet`,
      );
    }
    const path = await studio.localFile(piece, extension);
    if (!path) return jsonError(c, 404, 'the file of this piece is missing');
    return sendFile(c, path, piece, extension);
  };
}
