/**
 * Wraps raw Opus packets (as they came off RTP) in an Ogg Opus file (RFC 7845), so that ffmpeg's own
 * Opus decoder can read back what a client sent, independently of the libopus on both ends of it.
 */

const OGG_CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value and final XOR zero. */
function oggCrc(data: Buffer): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ (OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] as number)) >>> 0;
  return crc;
}

const HEADER_TYPE = { first: 0x02, last: 0x04 } as const;

/** One Ogg page holding one whole packet (at most 255 lacing values: 65,024 bytes). */
function page(packet: Buffer, granule: bigint, serial: number, sequence: number, headerType: number): Buffer {
  const lacing = [...new Array<number>(Math.floor(packet.length / 255)).fill(255), packet.length % 255];
  if (lacing.length > 255) throw new Error(`Opus packet of ${packet.length} bytes does not fit one Ogg page`);
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[4] = 0;
  header[5] = headerType;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  Buffer.from(lacing).copy(header, 27);
  const whole = Buffer.concat([header, packet]);
  whole.writeUInt32LE(oggCrc(whole), 22);
  return whole;
}

/**
 * An Ogg Opus stream of stereo 48 kHz packets of `samplesPerPacket` each, one packet per page, with no
 * pre-skip: decoding gives every sample the packets hold, encoder delay included, as an RTP receiver hears them.
 */
export function oggOpusFile(packets: Buffer[], samplesPerPacket = 960, channels = 2): Buffer {
  const serial = 0x70617274;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = channels;
  head.writeUInt16LE(0, 10);
  head.writeUInt32LE(48_000, 12);
  head.writeInt16LE(0, 16);
  head[18] = 0;
  const vendor = Buffer.from('partita tests', 'utf8');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + vendor.length);
  const pages = [page(head, 0n, serial, 0, HEADER_TYPE.first), page(tags, 0n, serial, 1, 0)];
  packets.forEach((packet, index) => {
    const granule = BigInt((index + 1) * samplesPerPacket);
    pages.push(page(packet, granule, serial, index + 2, index === packets.length - 1 ? HEADER_TYPE.last : 0));
  });
  return Buffer.concat(pages);
}
