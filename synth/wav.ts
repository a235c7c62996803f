/** RIFF/WAVE for our PCM: 16-bit integer samples, 48 kHz, stereo, little-endian (as Int16Array is on every platform Node runs on here). */
import { CHANNELS, SAMPLE_RATE } from './pcm.js';

export const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

/** The 44-byte header of a canonical PCM WAV file holding `dataBytes` bytes of samples. */
export function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16); // size of the fmt chunk
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(CHANNELS, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * CHANNELS * BYTES_PER_SAMPLE, 28); // bytes per second
  header.writeUInt16LE(CHANNELS * BYTES_PER_SAMPLE, 32); // bytes per frame
  header.writeUInt16LE(8 * BYTES_PER_SAMPLE, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** A whole WAV file from interleaved stereo PCM. */
export function encodeWav(pcm: Int16Array): Buffer {
  return Buffer.concat([wavHeader(pcm.byteLength), pcmBytes(pcm)]);
}

/** The bytes of a PCM chunk, without copying. */
export function pcmBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
