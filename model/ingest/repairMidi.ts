/**
 * Repairs Standard MIDI Files whose track chunks declare the wrong length.
 *
 * Seven MusicNet Bach files carry a track-length field that points past the real end of the
 * track, so strict parsers (including @tonejs/midi) reject them. The events themselves are
 * intact: every track still ends with an End-of-Track meta event and is followed by the next
 * `MTrk` chunk. We re-measure each track by walking its events up to End-of-Track and rewrite
 * the length field, but only when the walk proves the repair sound: the walk must end exactly
 * where the next chunk (or the file) begins. Anything else is reported as unrecoverable.
 */

const HEADER_CHUNK_BYTES = 14;
const CHUNK_HEADER_BYTES = 8;
const MTRK = [0x4d, 0x54, 0x72, 0x6b];
const MTHD = [0x4d, 0x54, 0x68, 0x64];

export interface MidiRepair {
  /** The bytes to parse: the input itself when nothing needed fixing. */
  bytes: Uint8Array;
  /** One line per track whose length field was rewritten. */
  fixes: string[];
}

export class MidiFormatError extends Error {}

function hasTagAt(bytes: Uint8Array, offset: number, tag: number[]): boolean {
  return tag.every((byte, i) => bytes[offset + i] === byte);
}

/** True at the end of the file or where a chunk with a printable four-letter tag begins. */
function isChunkBoundary(bytes: Uint8Array, offset: number): boolean {
  if (offset === bytes.length) return true;
  if (offset + CHUNK_HEADER_BYTES > bytes.length) return false;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i] ?? 0;
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) * 0x1000000 + (((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0));
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** Reads a MIDI variable-length quantity; returns [value, bytes consumed]. */
function readVarLen(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) throw new MidiFormatError('variable-length number runs past the end of the file');
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new MidiFormatError('variable-length number longer than 4 bytes');
}

/** Data bytes that follow a channel-message status byte. */
function channelDataBytes(status: number): number {
  const kind = status & 0xf0;
  return kind === 0xc0 || kind === 0xd0 ? 1 : 2;
}

/**
 * Walks the events of the track whose data starts at `start`; returns the offset just past its
 * End-of-Track meta event.
 */
function measureTrack(bytes: Uint8Array, start: number): number {
  let offset = start;
  let runningStatus = 0;
  while (offset < bytes.length) {
    offset += readVarLen(bytes, offset)[1];
    const first = bytes[offset];
    if (first === undefined) break;
    if (first === 0xff) {
      const metaType = bytes[offset + 1];
      const [length, lengthBytes] = readVarLen(bytes, offset + 2);
      offset += 2 + lengthBytes + length;
      if (metaType === 0x2f) return offset;
    } else if (first === 0xf0 || first === 0xf7) {
      const [length, lengthBytes] = readVarLen(bytes, offset + 1);
      offset += 1 + lengthBytes + length;
    } else if (first & 0x80) {
      runningStatus = first;
      offset += 1 + channelDataBytes(first);
    } else {
      if (runningStatus === 0) throw new MidiFormatError(`data byte without a status byte at offset ${offset}`);
      offset += channelDataBytes(runningStatus);
    }
  }
  throw new MidiFormatError(`track starting at offset ${start - CHUNK_HEADER_BYTES} has no End-of-Track event`);
}

/**
 * Returns bytes a strict parser accepts, rewriting track lengths that are provably wrong.
 * Throws MidiFormatError when the file is not a MIDI file or cannot be repaired soundly.
 */
export function repairTrackLengths(input: Uint8Array): MidiRepair {
  if (input.length < HEADER_CHUNK_BYTES || !hasTagAt(input, 0, MTHD)) {
    throw new MidiFormatError('not a Standard MIDI File (no MThd header)');
  }
  const bytes = new Uint8Array(input);
  const fixes: string[] = [];
  const trackCount = ((bytes[10] ?? 0) << 8) | (bytes[11] ?? 0);
  let offset = CHUNK_HEADER_BYTES + readUint32(bytes, 4);
  let track = 0;
  while (track < trackCount && offset + CHUNK_HEADER_BYTES <= bytes.length) {
    if (!hasTagAt(bytes, offset, MTRK)) {
      // Unknown chunk types are legal and skipped by parsers; only trust them if the length fits.
      const length = readUint32(bytes, offset + 4);
      if (offset + CHUNK_HEADER_BYTES + length > bytes.length) {
        throw new MidiFormatError(`chunk at offset ${offset} is neither MTrk nor a chunk that fits in the file`);
      }
      offset += CHUNK_HEADER_BYTES + length;
      continue;
    }
    const declared = readUint32(bytes, offset + 4);
    const dataStart = offset + CHUNK_HEADER_BYTES;
    const declaredEnd = dataStart + declared;
    const isLastTrack = track === trackCount - 1;
    const declaredIsSound = isLastTrack ? declaredEnd <= bytes.length : isChunkBoundary(bytes, declaredEnd);
    if (!declaredIsSound) {
      const measuredEnd = measureTrack(bytes, dataStart);
      if (!isLastTrack && !isChunkBoundary(bytes, measuredEnd)) {
        throw new MidiFormatError(`track ${track} declares ${declared} bytes and its events do not end on a chunk boundary`);
      }
      const measured = measuredEnd - dataStart;
      writeUint32(bytes, offset + 4, measured);
      fixes.push(`track ${track}: length field said ${declared} bytes, events end after ${measured}`);
    }
    offset = dataStart + readUint32(bytes, offset + 4);
    track++;
  }
  return { bytes: fixes.length > 0 ? bytes : input, fixes };
}
