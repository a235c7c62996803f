import type { Context } from 'hono';
import type { Studio } from '../../studio/index.js';
import { liveWebm } from '../liveAudio.js';
import { findPiece } from './pieces.js';

/**
 * `GET /api/pieces/{id}/live.webm`: the piece's audio as it is rendered. Once the piece is done the
 * live stream is gone and this redirects to its Ogg/Opus file, so an <audio> pointed here always plays.
 */
export function liveAudioHandler(studio: Studio) {
  return async (c: Context) => {
    const piece = await findPiece(c, studio);
    if (piece instanceof Response) return piece;
    const packets = await studio.subscribeOpus(piece.id);
    if (packets) {
      return c.body(liveWebm(packets), 200, {
        'Content-Type': 'audio/webm',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    }
    const current = await studio.get(piece.id);
    if (current?.status === 'done') return c.redirect(`/api/pieces/${piece.id}.ogg`, 302);
    return c.json({ error: `the piece is ${current?.status ?? piece.status}: it has no audio` }, 404);
  };
}
