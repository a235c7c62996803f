/**
 * A batch of Opus packets as one Redis value: each packet as a 2-byte big-endian length and its bytes
 * (a 20 ms packet at 96 kb/s is ~240 bytes; Opus caps one at 1275).
 */
export function packOpus(packets: readonly Uint8Array[]): Buffer {
  const out = Buffer.alloc(packets.reduce((sum, packet) => sum + 2 + packet.byteLength, 0));
  let at = 0;
  for (const packet of packets) {
    out.writeUInt16BE(packet.byteLength, at);
    out.set(packet, at + 2);
    at += 2 + packet.byteLength;
  }
  return out;
}

export function unpackOpus(batch: Buffer): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let at = 0; at + 2 <= batch.byteLength; ) {
    const length = batch.readUInt16BE(at);
    packets.push(new Uint8Array(batch.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return packets;
}
