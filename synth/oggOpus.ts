/**
 * An Ogg Opus file (RFC 7845, over RFC 3533's pages) from a piece's Opus packets: the piece's .ogg is
 * the very packets its listeners heard, and no second encoder runs for it.
 */
import { OPUS_PRE_SKIP, opusHead } from './opus.js';

/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, no initial or final XOR), byte by byte through a table. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

const PAGE_HEADER_BYTES = 27;
const MAX_LACING_VALUES = 255;
/** About a second of 20 ms packets per page, as ffmpeg's Ogg muxer does: little overhead, and seeking stays fine-grained. */
const PACKETS_PER_PAGE = 50;
const FLAG = { beginning: 0x02, end: 0x04 } as const;
/** Any number will do for the one stream in the file; this one spells "part". */
const SERIAL = 0x70617274;

/** A packet's lacing values: 255 for every whole 255 bytes, then the rest (0 when it ends on a multiple). */
function lacing(packet: Uint8Array): number[] {
  return [...new Array<number>(Math.floor(packet.length / 255)).fill(255), packet.length % 255];
}

function page(packets: readonly Uint8Array[], granule: bigint, sequence: number, flags: number): Buffer {
  const segments = packets.flatMap(lacing);
  const header = Buffer.alloc(PAGE_HEADER_BYTES + segments.length);
  header.write('OggS', 0, 'latin1');
  header[5] = flags;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(SERIAL, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = segments.length;
  header.set(segments, PAGE_HEADER_BYTES);
  const bytes = Buffer.concat([header, ...packets]);
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] as number)) >>> 0;
  bytes.writeUInt32LE(crc, 22);
  return bytes;
}

function opusTags(): Buffer {
  const vendor = Buffer.from('partita (libopus by @discordjs/opus)', 'utf8');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + vendor.length); // no comments
  return tags;
}

/**
 * The whole file: OpusHead and OpusTags on pages of their own, then the packets (20 ms each) about a
 * second per page. The last page's granule position says where the audio ends: `samples` (per
 * channel) after the pre-skip, so a decoder drops the padding that the encoder's flush added.
 */
export function oggOpusFile(packets: readonly Uint8Array[], samples: number, samplesPerPacket = 960): Buffer {
  const pages = [page([opusHead()], 0n, 0, FLAG.beginning), page([opusTags()], 0n, 1, 0)];
  let start = 0;
  while (start < packets.length) {
    let end = start;
    let segments = 0;
    while (end < packets.length && end - start < PACKETS_PER_PAGE) {
      const more = lacing(packets[end] as Uint8Array).length;
      if (segments + more > MAX_LACING_VALUES) break;
      segments += more;
      end++;
    }
    const last = end === packets.length;
    // Every sample the packets so far decode to, pre-skip included; on the last page, where the piece ends.
    const granule = last ? OPUS_PRE_SKIP + samples : end * samplesPerPacket;
    pages.push(page(packets.slice(start, end), BigInt(granule), pages.length, last ? FLAG.end : 0));
    start = end;
  }
  return Buffer.concat(pages);
}
