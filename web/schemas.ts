import { z } from 'zod';
import type { PieceFileKind, ScoreFileKind } from '../store/index.js';
import { isPieceId } from '../store/index.js';

/** `GET /api/pieces?limit&offset`. */
export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Ids are checked before anything else: whatever else a client puts here never reaches a path. */
export const pieceIdSchema = z.string().refine(isPieceId, { message: 'not a piece id' });

/** `{id}`, `{id}.mid`, `{id}.wav`, `{id}.ogg` or `{id}.mp3` in `/api/pieces/...`. */
export const pieceNameSchema = z
  .string()
  .regex(/^([A-Za-z0-9_-]{12})(?:\.(mid|wav|ogg|mp3|musicxml|pdf|png))?$/, {
    message: 'not a piece id (or a piece id with .mid, .wav, .ogg, .mp3, .musicxml, .pdf or .png)',
  })
  .transform((name) => {
    const [id, extension] = name.split('.') as [string, PieceFileKind | ScoreFileKind | undefined];
    return { id, extension };
  });

const NUMBER_FIELDS = ['seconds', 'tempo', 'temperature', 'topP', 'seed'] as const;
const TEXT_FIELDS = ['instrument', 'composer', 'key', 'metre'] as const;

/**
 * A multipart form's fields as the JSON body would carry them: numbers as numbers, empty fields left
 * out (the defaults apply). Validation itself is the compose request's schema, shared with JSON and Discord.
 */
export function formToRequestFields(
  form: Record<string, string | File | (string | File)[]>,
): { fields: Record<string, unknown> } | { error: string } {
  const fields: Record<string, unknown> = {};
  for (const name of [...NUMBER_FIELDS, ...TEXT_FIELDS]) {
    const value = form[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return { error: `${name}: must be a single text field` };
    const text = value.trim();
    if (text === '') continue;
    fields[name] = (NUMBER_FIELDS as readonly string[]).includes(name) ? Number(text) : text;
  }
  return { fields };
}
