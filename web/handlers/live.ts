import type { Context } from 'hono';
import type { Studio } from '../../studio/index.js';
import { liveWebm } from '../liveAudio.js';
import { livePackets } from '../livePackets.js';
import { findPiece } from './pieces.js';

type LiveFormat = 'webm' | 'opus';

const CONTENT_TYPES: Record<LiveFormat, string> = { webm: 'audio/webm', opus: 'application/x-partita-opus' };

/**
 * `GET /api/pieces/{id}/live.webm` and `/live.opus`: the piece's audio as it is rendered, in WebM for
 * an <audio> element or as raw Opus packets for a page that decodes them (web/livePackets.ts). Once the
 * piece is done the live stream is gone: live.webm redirects to its Ogg/Opus file, so an <audio> pointed
 * there always plays; live.opus answers 404 (a packet reader has no use for a file), with `links.file`.
 */
export function liveAudioHandler(studio: Studio, format: LiveFormat = 'webm') {
  return async (c: Context) => {
    const piece = await findPiece(c, studio);
    if (piece instanceof Response) return piece;
    const packets = await studio.subscribeOpus(piece.id);
    if (packets) {
      return c.body(format === 'webm' ? liveWebm(packets) : livePackets(packets), 200, {
        'Content-Type': CONTENT_TYPES[format],
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    }
    const current = await studio.get(piece.id);
    const file = `/api/pieces/${piece.id}.ogg`;
    if (current?.status === 'done') {
      if (format === 'webm') return c.redirect(file, 302);
      return c.json({ error: 'the piece is done: its audio is a file now', links: { file } }, 404);
    }
    return c.json({ error: `the piece is ${current?.status ?? piece.status}: it has no audio` }, 404);
  };
}
