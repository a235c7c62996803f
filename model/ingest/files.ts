import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const MIDI_EXTENSION = /\.midi?$/i;

export function isMidiPath(path: string): boolean {
  return MIDI_EXTENSION.test(path);
}

/** Every *.mid / *.midi below `root`, as paths relative to it, in a stable order. */
export function findMidiFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isMidiPath(entry.name)) found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/** A cheap fingerprint of a set of files: names, sizes and modification times. */
export function describeFiles(root: string, paths: string[]): string[] {
  return paths.map((path) => {
    const stats = statSync(join(root, path));
    return `${path}\t${stats.size}\t${Math.floor(stats.mtimeMs)}`;
  });
}
