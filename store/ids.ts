import { randomBytes } from 'node:crypto';

/**
 * Piece ids are 12 characters of base64url (72 random bits): short enough for a link, too many to
 * guess. File names are made from ids only, so this pattern is what keeps every path a client can
 * name inside the data folder.
 */
export const PIECE_ID_PATTERN = /^[A-Za-z0-9_-]{12}$/;

export function newPieceId(): string {
  return randomBytes(9).toString('base64url');
}

export function isPieceId(value: string): boolean {
  return PIECE_ID_PATTERN.test(value);
}
