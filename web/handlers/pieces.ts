import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { MAX_PRIMER_BYTES } from '../../model/compose/request.js';
import type { PieceRecord } from '../../store/index.js';
import type { Studio, SubmitError, SubmitInput } from '../../studio/index.js';
import { jsonError } from '../errors.js';
import { formToRequestFields, listQuerySchema, pieceIdSchema } from '../schemas.js';
import { eventToSse, pieceToJson, pieceUrls } from '../wire.js';

const SUBMIT_STATUS = { invalid: 400, 'primer-too-large': 413, 'queue-full': 429, closed: 503, unavailable: 503 } as const;

function submitError(c: Context, error: SubmitError): Response {
  const headers: Record<string, string> = error.retryAfterSeconds ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
  return jsonError(c, SUBMIT_STATUS[error.reason], error.message, headers);
}

/** The request's fields and primer from a JSON body or a multipart form, or what is wrong with the body. */
async function readSubmission(c: Context): Promise<SubmitInput | { status: 400 | 413 | 415; message: string }> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      return { fields: JSON.parse(await c.req.text()) as unknown };
    } catch {
      return { status: 400, message: 'the body is not valid JSON' };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      return { status: 400, message: 'the body is not a readable multipart form' };
    }
    const read = formToRequestFields(form);
    if ('error' in read) return { status: 400, message: read.error };
    const primer = form.primer;
    if (primer === undefined || primer === '') return { fields: read.fields };
    if (!(primer instanceof File)) return { status: 400, message: 'primer: must be a MIDI file upload' };
    if (primer.size > MAX_PRIMER_BYTES) return { status: 413, message: `primer: the MIDI file must be at most ${MAX_PRIMER_BYTES} bytes` };
    return { fields: read.fields, primer: new Uint8Array(await primer.arrayBuffer()) };
  }
  return { status: 415, message: 'send the request as application/json or multipart/form-data' };
}

export function createPieceHandler(studio: Studio) {
  return async (c: Context) => {
    const submission = await readSubmission(c);
    if ('status' in submission) return jsonError(c, submission.status, submission.message);
    const result = await studio.submit(submission, 'web');
    if (!result.ok) return submitError(c, result.error);
    const { piece } = result;
    return c.json(pieceToJson(piece), 202, { Location: pieceUrls(piece.id).api });
  };
}

export function listPiecesHandler(studio: Studio) {
  return async (c: Context) => {
    const query = listQuerySchema.safeParse(c.req.query());
    if (!query.success) return jsonError(c, 400, `limit and offset must be whole numbers (limit 1-100, offset >= 0)`);
    const { limit, offset } = query.data;
    const { pieces, total } = await studio.list(limit, offset);
    return c.json({ pieces: pieces.map(pieceToJson), total, limit, offset });
  };
}

/** The piece named by the `id` route parameter, or the 400/404 response to send instead. */
export async function findPiece(c: Context, studio: Studio): Promise<PieceRecord | Response> {
  const id = pieceIdSchema.safeParse(c.req.param('id'));
  if (!id.success) return jsonError(c, 400, 'not a piece id');
  return (await studio.get(id.data)) ?? jsonError(c, 404, 'no piece with this id');
}

const SSE_HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: everything written so far, then live until `done` or `failed`. A client that
 * disconnects stops listening, which may cancel the piece (the studio's abandonment rule).
 */
export function pieceEventsHandler(studio: Studio) {
  return async (c: Context) => {
    const piece = await findPiece(c, studio);
    if (piece instanceof Response) return piece;
    const events = await studio.subscribe(piece.id);
    if (!events) return jsonError(c, 404, 'no piece with this id');
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => {
        void events.return?.();
      });
      // A comment line now and then keeps proxies from closing a stream that waits in the queue.
      const heartbeat = setInterval(() => {
        if (!stream.aborted) stream.write(': keep-alive\n\n').catch(() => {});
      }, SSE_HEARTBEAT_MS);
      try {
        for await (const event of events) {
          if (stream.aborted) break;
          const { event: name, data } = eventToSse(piece.id, event);
          await stream.writeSSE({ event: name, data: JSON.stringify(data) });
        }
      } finally {
        clearInterval(heartbeat);
      }
    });
  };
}
