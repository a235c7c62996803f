import { join } from 'node:path';
import { isPieceId } from './ids.js';

/** The files a finished piece has, by kind. Audio kinds match synth's formats. */
export const PIECE_FILE_KINDS = ['mid', 'wav', 'ogg', 'mp3'] as const;
export type PieceFileKind = (typeof PIECE_FILE_KINDS)[number];
export type PieceFiles = Record<PieceFileKind, string>;
/** The score's files: made on demand from the notes (notation/), then kept beside the others. */
export const SCORE_FILE_KINDS = ['musicxml', 'pdf', 'png'] as const;
export type ScoreFileKind = (typeof SCORE_FILE_KINDS)[number];

/** Where pieces' files live, relative to the data folder. */
const PIECES_FOLDER = 'pieces';

function checkedId(id: string): string {
  if (!isPieceId(id)) throw new RangeError(`not a piece id: ${JSON.stringify(id)}`);
  return id;
}

/** A piece's file of `kind`, relative to the data folder (what the store records). */
export function pieceFilePath(id: string, kind: PieceFileKind | ScoreFileKind | 'notes.json' | 'primer.mid'): string {
  return join(PIECES_FOLDER, `${checkedId(id)}.${kind}`);
}

/** Every downloadable file of a piece, relative to the data folder. */
export function pieceFilePaths(id: string): PieceFiles {
  return { mid: pieceFilePath(id, 'mid'), wav: pieceFilePath(id, 'wav'), ogg: pieceFilePath(id, 'ogg'), mp3: pieceFilePath(id, 'mp3') };
}

export function piecesFolder(dataFolder: string): string {
  return join(dataFolder, PIECES_FOLDER);
}
