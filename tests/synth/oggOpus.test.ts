/**
 * The .ogg written from a piece's own Opus packets (synth/oggOpus.ts), judged by others: ffprobe
 * reads the stream and its exact length, ffmpeg checks every page's CRC, and its own Opus decoder
 * and libopus decode it to the PCM it came from, sample for sample in length, at lag 0.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPUS_PRE_SKIP, OpusFrameEncoder, oggOpusFile } from '../../synth/index.js';
import { align, compareAligned, monoOf } from '../helpers/alignment.js';
import { chordSignal, decodeWithFfmpeg, RATE } from '../helpers/audio.js';
import { temporaryFolder } from '../helpers/paths.js';

const SECONDS = 7;

describe('Ogg Opus from the packets', () => {
  const path = join(temporaryFolder('ogg-opus'), 'piece.ogg');
  const pcm = chordSignal(SECONDS);

  beforeAll(() => {
    const encoder = new OpusFrameEncoder();
    // As the compose worker does: 100 ms chunks as rendered, then the flush.
    const packets: Uint8Array[] = [];
    for (let start = 0; start < pcm.length; start += 2 * 4800) packets.push(...encoder.encode(pcm.subarray(start, start + 2 * 4800)));
    packets.push(...encoder.flush());
    writeFileSync(path, oggOpusFile(packets, pcm.length / 2));
  });

  it("is read by ffprobe as one 48 kHz stereo Opus stream of exactly the PCM's length, and every page passes its CRC", () => {
    const probe = spawnSync('ffprobe', ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', path], { encoding: 'utf8' });
    expect(probe.status, probe.stderr).toBe(0);
    const info = JSON.parse(probe.stdout) as {
      format: { format_name: string; duration: string };
      streams: { codec_name: string; sample_rate: string; channels: number; duration_ts: number }[];
    };
    expect(info.format.format_name).toBe('ogg');
    expect(info.streams).toHaveLength(1);
    expect(info.streams[0]).toMatchObject({ codec_name: 'opus', sample_rate: '48000', channels: 2 });
    // ffprobe counts the last granule position, pre-skip included (ffmpeg's own .ogg of 7 s reads 336,312 too).
    expect(info.streams[0]?.duration_ts).toBe(SECONDS * RATE + OPUS_PRE_SKIP);
    const check = spawnSync('ffmpeg', ['-v', 'error', '-err_detect', 'crccheck+explode', '-i', path, '-f', 'null', '-'], {
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
    expect(check.stderr).toBe('');
  });

  it("decodes, by ffmpeg's Opus decoder and by libopus, to every sample of the PCM and no more, at lag 0", () => {
    for (const decoder of ['opus', 'libopus']) {
      const decoded = decodeWithFfmpeg(path, decoder);
      const { lagFrames, waveformCorrelation } = align(monoOf(pcm), monoOf(decoded), RATE / 10);
      const compared = compareAligned(pcm, decoded, lagFrames, { rate: RATE, blockFrames: RATE / 2, quietRms: 0.003, window: 960 });
      console.log(
        `ogg decoded by ${decoder}: ${decoded.length / 2} frames of ${pcm.length / 2}, lag ${lagFrames}, SNR ${compared.snrDb.toFixed(1)} dB`,
      );
      // Pre-skip drops the look-ahead at the start; the last page's granule position trims the flush's padding at the end.
      expect(decoded.length, decoder).toBe(pcm.length);
      expect(lagFrames, decoder).toBe(0);
      expect(waveformCorrelation, decoder).toBeGreaterThan(0.98);
      expect(compared.snrDb, decoder).toBeGreaterThan(15);
      expect(compared.worstBlockSnrDb, decoder).toBeGreaterThan(12);
    }
  });
});
