import { createCipheriv, randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart.js';
import { type EncryptionMode, ipDiscoveryResponse, openRtpPacket, parseIpDiscovery, sodiumReady } from './rtp.js';

/**
 * Seals a packet as a Discord client does in the `_rtpsize` modes: the clear part (header, CSRCs,
 * extension header) is the additional data, the 4-byte nonce counter is appended after the tag.
 */
function sealPacket(mode: EncryptionMode, key: Buffer, clear: Buffer, secret: Buffer, counter: number): Buffer {
  const suffix = Buffer.alloc(4);
  suffix.writeUInt32BE(counter);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const nonce = Buffer.concat([suffix, Buffer.alloc(8)]);
    const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(clear);
    return Buffer.concat([clear, cipher.update(secret), cipher.final(), cipher.getAuthTag(), suffix]);
  }
  const nonce = Buffer.concat([suffix, Buffer.alloc(20)]);
  return Buffer.concat([clear, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, clear, null, nonce, key), suffix]);
}

function rtpHeader(first: number, ssrc: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = first;
  header[1] = 0x78; // payload type 120, Opus
  header.writeUInt16BE(513, 2);
  header.writeUInt32BE(123_456, 4);
  header.writeUInt32BE(ssrc, 8);
  return header;
}

describe('RTP in the rtpsize AEAD modes', () => {
  beforeAll(() => sodiumReady);
  const key = randomBytes(32);
  const opus = Buffer.from([0xfc, 0xff, 0xfe, 1, 2, 3, 4, 5]);

  for (const mode of ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const) {
    it(`opens a plain packet (${mode})`, () => {
      const packet = openRtpPacket(sealPacket(mode, key, rtpHeader(0x80, 42), opus, 7), mode, key);
      expect(packet).toMatchObject({ sequence: 513, timestamp: 123_456, ssrc: 42, payloadType: 120, marker: false });
      expect(packet.payload.equals(opus)).toBe(true);
    });

    it(`strips an encrypted header extension after a CSRC (${mode})`, () => {
      const clear = Buffer.concat([rtpHeader(0x91, 42), Buffer.from([0, 0, 0, 9]), Buffer.from([0xbe, 0xde, 0, 1])]);
      const extensionBody = Buffer.from([0x10, 0xaa, 0, 0]);
      const packet = openRtpPacket(sealPacket(mode, key, clear, Buffer.concat([extensionBody, opus]), 8), mode, key);
      expect(packet.payload.equals(opus)).toBe(true);
    });

    it(`rejects a tampered header (${mode})`, () => {
      const sealed = sealPacket(mode, key, rtpHeader(0x80, 42), opus, 9);
      sealed.writeUInt16BE(514, 2);
      expect(() => openRtpPacket(sealed, mode, key)).toThrow();
    });
  }

  it('answers IP discovery with the address and port it saw', () => {
    const request = Buffer.alloc(74);
    request.writeUInt16BE(1, 0);
    request.writeUInt16BE(70, 2);
    request.writeUInt32BE(99, 4);
    expect(parseIpDiscovery(request)).toEqual({ ssrc: 99 });
    const response = ipDiscoveryResponse(99, '127.0.0.1', 50_123);
    expect(response.length).toBe(74);
    expect(response.readUInt16BE(0)).toBe(2);
    expect(response.subarray(8, response.indexOf(0, 8)).toString()).toBe('127.0.0.1');
    expect(response.readUInt16BE(72)).toBe(50_123);
  });
});

describe('multipart/form-data as undici sends it', () => {
  it('returns fields and binary files byte for byte', async () => {
    // Bytes that look like multipart syntax must survive: CRLF, dashes, NUL, high bytes.
    const file = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]);
    const form = new FormData();
    form.append('files[0]', new Blob([file], { type: 'audio/midi' }), 'a "quoted" name.mid');
    form.append('payload_json', JSON.stringify({ content: 'héllo' }));
    const request = new Request('http://fake/', { method: 'POST', body: form });
    const boundary = multipartBoundary(request.headers.get('content-type') ?? undefined);
    if (!boundary) throw new Error('no boundary');
    const body = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary);
    expect(JSON.parse(body.fields.get('payload_json') ?? '')).toEqual({ content: 'héllo' });
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({ field: 'files[0]', filename: 'a "quoted" name.mid', contentType: 'audio/midi' });
    expect(body.files[0]?.data.equals(file)).toBe(true);
  });
});
