import { createDecipheriv } from 'node:crypto';
import sodium from 'libsodium-wrappers';

/** The transport encryption modes Discord offers today (the older xsalsa20 ones were retired in 2024). */
export const ENCRYPTION_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

export const OPUS_PAYLOAD_TYPE = 120;
const RTP_VERSION = 2;
const FIXED_HEADER_BYTES = 12;
const EXTENSION_HEADER_BYTES = 4;
const AUTH_TAG_BYTES = 16;
/** rtpsize modes append a 32-bit big-endian counter; the nonce is that counter zero-padded. */
const NONCE_SUFFIX_BYTES = 4;

export interface RtpPacket {
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker: boolean;
  /** The Opus frame after decryption, with header-extension data and padding removed. */
  payload: Buffer;
}

export interface IpDiscoveryRequest {
  ssrc: number;
}

/** IP discovery request: type 0x1, length 70, SSRC, then 66 bytes (address, port) the client leaves zero. */
export function parseIpDiscovery(packet: Buffer): IpDiscoveryRequest | undefined {
  if (packet.length !== 74 || packet.readUInt16BE(0) !== 1 || packet.readUInt16BE(2) !== 70) return undefined;
  return { ssrc: packet.readUInt32BE(4) };
}

/** IP discovery response: type 0x2, length 70, SSRC, the address as seen (null-padded to 64 bytes), the port. */
export function ipDiscoveryResponse(ssrc: number, address: string, port: number): Buffer {
  const packet = Buffer.alloc(74);
  packet.writeUInt16BE(2, 0);
  packet.writeUInt16BE(70, 2);
  packet.writeUInt32BE(ssrc, 4);
  packet.write(address, 8, 64, 'utf8');
  packet.writeUInt16BE(port, 72);
  return packet;
}

/** True for datagrams shaped like RTP version 2 (keep-alives and IP discovery are not). */
export function looksLikeRtp(packet: Buffer): boolean {
  return (
    packet.length >= FIXED_HEADER_BYTES + AUTH_TAG_BYTES + NONCE_SUFFIX_BYTES && packet[0] !== undefined && packet[0] >> 6 === RTP_VERSION
  );
}

export function rtpSsrc(packet: Buffer): number {
  return packet.readUInt32BE(8);
}

/** The sequence number and timestamp, which stay in the clear in every mode. */
export function rtpClock(packet: Buffer): { sequence: number; timestamp: number } {
  return { sequence: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4) };
}

/**
 * Decrypts an RTP packet the way Discord's voice servers do for the `_rtpsize` AEAD modes: the
 * fixed header, CSRCs and the 4-byte extension header are the additional data; the extension
 * body is encrypted with the payload; the 4-byte nonce counter trails the auth tag.
 */
export function openRtpPacket(packet: Buffer, mode: EncryptionMode, secretKey: Uint8Array): RtpPacket {
  const first = packet[0] ?? 0;
  const csrcCount = first & 0x0f;
  const hasExtension = (first & 0x10) !== 0;
  const hasPadding = (first & 0x20) !== 0;
  const clearBytes = FIXED_HEADER_BYTES + 4 * csrcCount + (hasExtension ? EXTENSION_HEADER_BYTES : 0);
  const tagStart = packet.length - NONCE_SUFFIX_BYTES - AUTH_TAG_BYTES;
  if (tagStart < clearBytes) throw new Error('RTP packet too short');

  const header = packet.subarray(0, clearBytes);
  const ciphertext = packet.subarray(clearBytes, tagStart);
  const tag = packet.subarray(tagStart, tagStart + AUTH_TAG_BYTES);
  const nonceSuffix = packet.subarray(packet.length - NONCE_SUFFIX_BYTES);
  let plain = decrypt(mode, secretKey, nonceSuffix, header, ciphertext, tag);

  if (hasExtension) {
    const extensionWords = packet.readUInt16BE(clearBytes - 2);
    plain = plain.subarray(4 * extensionWords);
  }
  if (hasPadding && plain.length > 0) plain = plain.subarray(0, plain.length - (plain[plain.length - 1] ?? 0));
  return {
    ...rtpClock(packet),
    ssrc: packet.readUInt32BE(8),
    payloadType: (packet[1] ?? 0) & 0x7f,
    marker: ((packet[1] ?? 0) & 0x80) !== 0,
    payload: plain,
  };
}

function decrypt(mode: EncryptionMode, key: Uint8Array, nonceSuffix: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const nonce = Buffer.alloc(12);
    nonceSuffix.copy(nonce);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  }
  const nonce = Buffer.alloc(24);
  nonceSuffix.copy(nonce);
  return Buffer.from(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, Buffer.concat([ciphertext, tag]), aad, nonce, key));
}

/** libsodium compiles its WebAssembly asynchronously; await this before opening xchacha20 packets. */
export const sodiumReady: Promise<void> = sodium.ready;
