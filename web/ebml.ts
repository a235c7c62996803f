/**
 * The few EBML (RFC 8794) shapes a WebM writer needs: an element is its ID, its size as a
 * variable-length integer, then its body. IDs are written as Matroska lists them (marker bits included).
 */

/** The size field an element of unknown length carries (8 bytes, all value bits set): a live stream's Segment and Clusters. */
const UNKNOWN_SIZE = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** Big-endian bytes of a non-negative whole number, `length` of them. */
function bigEndian(value: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let rest = value;
  for (let index = length - 1; index >= 0; index--) {
    bytes[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

function idBytes(id: number): Uint8Array {
  return bigEndian(id, id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1);
}

/** A size as the shortest variable-length integer (a length with every value bit set would read as "unknown"). */
function sizeBytes(size: number): Uint8Array {
  let length = 1;
  while (size >= 2 ** (7 * length) - 1) length++;
  if (length > 8) throw new RangeError(`an EBML size of ${size} does not fit 8 bytes`);
  const bytes = bigEndian(size, length);
  bytes[0] = (bytes[0] as number) | (0x80 >> (length - 1));
  return bytes;
}

/** An element whose body is its children (or raw bytes) one after another. */
export function element(id: number, ...body: Uint8Array[]): Uint8Array {
  const content = Buffer.concat(body);
  return Buffer.concat([idBytes(id), sizeBytes(content.length), content]);
}

/** The start of an element whose end is not known when it starts: it lasts until the next element of its level or above. */
export function unknownSizeStart(id: number): Uint8Array {
  return Buffer.concat([idBytes(id), UNKNOWN_SIZE]);
}

/** An unsigned integer element, in as few bytes as it needs (at least one). */
export function uintElement(id: number, value: number): Uint8Array {
  let length = 1;
  while (value >= 2 ** (8 * length)) length++;
  return element(id, bigEndian(value, length));
}

/** A float element, as an 8-byte IEEE double. */
export function floatElement(id: number, value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  return element(id, bytes);
}

export function stringElement(id: number, value: string): Uint8Array {
  return element(id, new TextEncoder().encode(value));
}
