/**
 * Live WebM (Matroska) around a piece's Opus packets, written as they come: a Segment and Clusters of
 * unknown size (the end is not known while the piece is written), one Opus track, each packet a
 * SimpleBlock. WebM rather than Ogg because Chromium starts a WebM stream of unknown length at once;
 * a new Cluster every 100 ms so its parser hands on the first audio at once (what ffmpeg's
 * `-cluster_time_limit 100` did). No encoding here: the packets are the piece's own.
 */
import { CHANNELS, OPUS_FRAME_MS, OPUS_PRE_SKIP, opusHead, SAMPLE_RATE } from '../synth/index.js';
import { element, floatElement, stringElement, uintElement, unknownSizeStart } from './ebml.js';

/** Element IDs, from the Matroska specification (RFC 9559). */
const ID = {
  ebml: 0x1a45dfa3,
  ebmlVersion: 0x4286,
  ebmlReadVersion: 0x42f7,
  ebmlMaxIdLength: 0x42f2,
  ebmlMaxSizeLength: 0x42f3,
  docType: 0x4282,
  docTypeVersion: 0x4287,
  docTypeReadVersion: 0x4285,
  segment: 0x18538067,
  info: 0x1549a966,
  timestampScale: 0x2ad7b1,
  muxingApp: 0x4d80,
  writingApp: 0x5741,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackUid: 0x73c5,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  codecDelay: 0x56aa,
  seekPreRoll: 0x56bb,
  audio: 0xe1,
  samplingFrequency: 0xb5,
  channels: 0x9f,
  cluster: 0x1f43b675,
  timestamp: 0xe7,
  simpleBlock: 0xa3,
} as const;

/** Block timestamps in milliseconds. */
const TIMESTAMP_SCALE_NS = 1_000_000;
const TRACK = 1;
const AUDIO_TRACK_TYPE = 2;
/** A Cluster at least this often, counted in its blocks' time. */
export const CLUSTER_MS = 100;
/** WebM's rule for Opus: a decoder needs 80 ms before a seek point to converge. */
const OPUS_SEEK_PRE_ROLL_NS = 80_000_000;
/** SimpleBlock flags: every Opus packet decodes on its own (a key frame). */
const KEYFRAME = 0x80;
const APP = 'partita';

/** The EBML header, the Segment's start, its Info and its one Opus track: what a player reads before any audio. */
function streamHeader(): Uint8Array {
  const ebml = element(
    ID.ebml,
    uintElement(ID.ebmlVersion, 1),
    uintElement(ID.ebmlReadVersion, 1),
    uintElement(ID.ebmlMaxIdLength, 4),
    uintElement(ID.ebmlMaxSizeLength, 8),
    stringElement(ID.docType, 'webm'),
    // CodecDelay and SeekPreRoll came with version 4; a SimpleBlock reader (version 2) can play it.
    uintElement(ID.docTypeVersion, 4),
    uintElement(ID.docTypeReadVersion, 2),
  );
  const info = element(
    ID.info,
    uintElement(ID.timestampScale, TIMESTAMP_SCALE_NS),
    stringElement(ID.muxingApp, APP),
    stringElement(ID.writingApp, APP),
  );
  const track = element(
    ID.trackEntry,
    uintElement(ID.trackNumber, TRACK),
    uintElement(ID.trackUid, TRACK),
    uintElement(ID.trackType, AUDIO_TRACK_TYPE),
    stringElement(ID.codecId, 'A_OPUS'),
    element(ID.codecPrivate, opusHead()),
    // The encoder's look-ahead, which players drop from the start (the same as OpusHead's pre-skip).
    uintElement(ID.codecDelay, Math.round((OPUS_PRE_SKIP * 1e9) / SAMPLE_RATE)),
    uintElement(ID.seekPreRoll, OPUS_SEEK_PRE_ROLL_NS),
    element(ID.audio, floatElement(ID.samplingFrequency, SAMPLE_RATE), uintElement(ID.channels, CHANNELS)),
  );
  return Buffer.concat([ebml, unknownSizeStart(ID.segment), info, element(ID.tracks, track)]);
}

function simpleBlock(packet: Uint8Array, relativeMs: number): Uint8Array {
  const head = new Uint8Array(4);
  head[0] = 0x80 | TRACK; // the track number as a 1-byte variable-length integer
  new DataView(head.buffer).setInt16(1, relativeMs);
  head[3] = KEYFRAME;
  return element(ID.simpleBlock, head, packet);
}

/**
 * One listener's WebM: `header()` once, then `blocks()` for each batch of 20 ms packets, in order
 * from the piece's first. Every listener of a piece gets the same bytes.
 */
export class WebmOpusMuxer {
  private packets = 0;
  private clusterMs: number | undefined;

  header(): Uint8Array {
    return streamHeader();
  }

  blocks(packets: readonly Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const packet of packets) {
      const ms = this.packets++ * OPUS_FRAME_MS;
      if (this.clusterMs === undefined || ms - this.clusterMs >= CLUSTER_MS) {
        this.clusterMs = ms;
        parts.push(unknownSizeStart(ID.cluster), uintElement(ID.timestamp, ms));
      }
      parts.push(simpleBlock(packet, ms - this.clusterMs));
    }
    return Buffer.concat(parts);
  }
}
