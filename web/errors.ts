import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the API returns has this shape: a status and `{error: message}` fit to show a person. */
export function jsonError(c: Context, status: ContentfulStatusCode, message: string, headers?: Record<string, string>): Response {
  return c.json({ error: message }, status, headers);
}
