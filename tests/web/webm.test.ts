/**
 * The live WebM muxer (web/webm.ts) judged by others: libopus encodes a known signal into packets,
 * we wrap them, and ffprobe reads the structure and ffmpeg (its own Opus decoder and libopus) decodes
 * the audio, which is compared with the PCM it came from. A small walk of the EBML checks what
 * ffprobe does not show: unknown sizes and how often a Cluster starts.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP, OpusFrameEncoder } from '../../synth/index.js';
import { WebmOpusMuxer } from '../../web/webm.js';
import { align, compareAligned, monoOf } from '../helpers/alignment.js';
import { chordSignal, decodeWithFfmpeg, RATE } from '../helpers/audio.js';
import { temporaryFolder } from '../helpers/paths.js';

const SECONDS = 6;
const FRAME = 960;

function probe(path: string, entries: string[]): Record<string, unknown> {
  const run = spawnSync('ffprobe', ['-v', 'error', '-of', 'json', ...entries, path], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`ffprobe could not read ${path}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** A variable-length integer at `at`: its value, its length, and whether every value bit is set ("unknown" for a size). */
function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
  const first = bytes[at] as number;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let index = 1; index < length; index++) {
    const byte = bytes[at + index] as number;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

interface Walked {
  segmentUnknownSize: boolean;
  clusterTimestampsMs: number[];
  clustersOfUnknownSize: number;
  blocks: number;
}

/** Walks the file's top levels: the EBML header, the Segment, and in it Info, Tracks and the Clusters with their blocks. */
function walk(bytes: Uint8Array): Walked {
  const walked: Walked = { segmentUnknownSize: false, clusterTimestampsMs: [], clustersOfUnknownSize: 0, blocks: 0 };
  let at = 0;
  while (at < bytes.length) {
    const id = readVint(bytes, at, true);
    const size = readVint(bytes, at + id.length, false);
    const body = at + id.length + size.length;
    if (id.value === 0x18538067) {
      walked.segmentUnknownSize = size.unknown;
      at = body; // descend into the Segment
    } else if (id.value === 0x1f43b675) {
      if (size.unknown) walked.clustersOfUnknownSize++;
      at = body; // descend into the Cluster: its children follow until the next Cluster
    } else {
      if (id.value === 0xe7)
        walked.clusterTimestampsMs.push(bytes.subarray(body, body + size.value).reduce((sum, byte) => sum * 256 + byte, 0));
      if (id.value === 0xa3) walked.blocks++;
      at = body + size.value;
    }
  }
  return walked;
}

describe('the live WebM muxer', () => {
  const folder = temporaryFolder('webm-muxer');
  const path = join(folder, 'live.webm');
  const pcm = chordSignal(SECONDS);
  let packets: Uint8Array[];
  let bytes: Buffer;

  beforeAll(() => {
    const encoder = new OpusFrameEncoder();
    packets = encoder.encode(pcm);
    // As a listener gets them: the header, then batches of all sizes (a late listener's replay, live 100 ms ones, single packets).
    const muxer = new WebmOpusMuxer();
    const parts = [muxer.header()];
    const sizes = [1, 5, 37, 2, 5, 5, 80];
    for (let start = 0, index = 0; start < packets.length; index++) {
      const size = sizes[index % sizes.length] as number;
      parts.push(muxer.blocks(packets.slice(start, start + size)));
      start += size;
    }
    bytes = Buffer.concat(parts);
    writeFileSync(path, bytes);
  });

  it('writes the same bytes however the packets are batched', () => {
    const muxer = new WebmOpusMuxer();
    expect(Buffer.concat([muxer.header(), muxer.blocks(packets)]).equals(bytes)).toBe(true);
  });

  it('is read by ffprobe as WebM with one 48 kHz stereo Opus track, a packet every 20 ms', () => {
    const info = probe(path, ['-show_format', '-show_streams']) as {
      format: { format_name: string };
      streams: { codec_name: string; codec_type: string; sample_rate: string; channels: number; initial_padding?: number }[];
    };
    expect(info.format.format_name).toMatch(/webm/);
    expect(info.streams).toHaveLength(1);
    expect(info.streams[0]).toMatchObject({ codec_type: 'audio', codec_name: 'opus', sample_rate: '48000', channels: 2 });
    const read = probe(path, ['-show_entries', 'packet=pts,duration']) as { packets: { pts: number; duration: number }[] };
    expect(read.packets).toHaveLength(packets.length);
    expect(packets.length).toBe((SECONDS * RATE) / FRAME);
    // Each packet 20 ms on, in the stream's time base (1 ms), less the CodecDelay as Matroska says (6.5 ms, which ffmpeg rounds
    // to 7): the first packet's look-ahead plays before time 0, so the piece's first sample is at 0.
    expect(read.packets.map((packet) => packet.pts)).toEqual(packets.map((_, index) => index * 20 - 7));
  });

  it('streams live: a Segment and Clusters of unknown size, a Cluster every 100 ms', () => {
    const walked = walk(bytes);
    expect(walked.segmentUnknownSize).toBe(true);
    expect(walked.blocks).toBe(packets.length);
    expect(walked.clustersOfUnknownSize).toBe(walked.clusterTimestampsMs.length);
    expect(walked.clusterTimestampsMs).toEqual(Array.from({ length: (SECONDS * 1000) / 100 }, (_, index) => index * 100));
  });

  it("decodes, by ffmpeg's Opus decoder and by libopus, to the PCM it came from, the encoder's delay dropped", () => {
    const measure = { rate: RATE, blockFrames: RATE / 2, quietRms: 0.003, window: 960 };
    for (const decoder of ['opus', 'libopus']) {
      const decoded = decodeWithFfmpeg(path, decoder);
      const { lagFrames, waveformCorrelation } = align(monoOf(pcm), monoOf(decoded), RATE / 10);
      const compared = compareAligned(pcm, decoded, lagFrames, measure);
      console.log(
        `webm decoded by ${decoder}: ${decoded.length / 2} frames of ${pcm.length / 2}, lag ${lagFrames}, SNR ${compared.snrDb.toFixed(1)} dB ` +
          `(worst half second ${compared.worstBlockSnrDb.toFixed(1)} dB), waveform correlation ${waveformCorrelation.toFixed(4)}`,
      );
      // The pre-skip (OpusHead) and CodecDelay told the decoder to drop libopus's look-ahead: the first decoded sample is the first sample in.
      expect(lagFrames, decoder).toBe(0);
      // Every sample in comes out; after the last packet the decoder has no more to give than its 312 frames of look-ahead held back.
      expect(decoded.length / 2, decoder).toBe(pcm.length / 2 - OPUS_PRE_SKIP);
      expect(waveformCorrelation, decoder).toBeGreaterThan(0.98);
      expect(compared.snrDb, decoder).toBeGreaterThan(15);
      expect(compared.worstBlockSnrDb, decoder).toBeGreaterThan(12);
    }
  });
});
