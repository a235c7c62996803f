import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a file so that a reader sees the old content or the new one, never half of it. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

export function writeTypedArray(folder: string, name: string, array: Uint16Array | Float32Array | Uint8Array | Uint32Array): void {
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(join(folder, name), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

/** Reads a typed array written by writeTypedArray (copied, so it is aligned for its type). */
export function readTypedArray<T>(folder: string, name: string, make: (buffer: ArrayBuffer) => T): T {
  const bytes = readFileSync(join(folder, name));
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return make(copy);
}
