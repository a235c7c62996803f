import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A chorale as a list of time steps, each the MIDI pitches sounding during that step. */
export type Chorale = number[][];

export const SPLIT_NAMES = ['train', 'valid', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export type JsbChorales = Record<SplitName, Chorale[]>;

const pitch = z.number().int().min(0).max(127);
const chorale = z.array(z.array(pitch));
const jsbSchema = z.object({ train: z.array(chorale), valid: z.array(chorale), test: z.array(chorale) });

/** Reads the JSB Chorales benchmark JSON (Boulanger-Lewandowski et al. 2012 split). */
export function loadJsbChorales(path: string): JsbChorales {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = jsbSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || 'top level' : 'top level';
    throw new Error(
      `${path} is not a JSB Chorales file (train/valid/test lists of time steps of MIDI pitches): ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
