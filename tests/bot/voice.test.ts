import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../bot/commandRegistry.js';
import type { BusySpan, VoiceReport } from '../discord/index.js';
import { align, compareAligned, monoOf } from '../helpers/alignment.js';
import { decodeWithFfmpeg, RATE } from '../helpers/audio.js';
import { oggOpusFile } from '../helpers/oggOpus.js';
import { temporaryFolder } from '../helpers/paths.js';
import { type LocalBot, pieceIdOf, startLocalBot } from './localBot.js';

const PIECE_SECONDS = 30;
/** 20 ms at 48 kHz: what one Opus frame, and so one RTP packet, advances the RTP clock by. */
const SAMPLES_PER_PACKET = 960;
const VOICE_STATE_UPDATE = 4;

let local: LocalBot;

beforeAll(async () => {
  local = await startLocalBot({ name: 'bot-voice' });
  await registerCommands(local.config);
}, 120_000);

afterAll(async () => {
  await local?.close();
});

/** value[i + 1] − value[i], modulo `modulo` when given (RTP counters wrap around). */
function differences(values: number[], modulo?: number): number[] {
  return values.slice(1).map((value, index) => {
    const step = value - (values[index] as number);
    return modulo ? ((step % modulo) + modulo) % modulo : step;
  });
}

/** The CPU time of the local Discord's busy spans within [from, to] (a span's CPU time spread evenly over it). */
function busyWithin(spans: BusySpan[], from: number, to: number): number {
  return spans.reduce((sum, span) => {
    const overlap = Math.max(0, Math.min(span.to, to) - Math.max(span.from, from));
    return sum + (span.to > span.from ? (span.cpuMs * overlap) / (span.to - span.from) : 0);
  }, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('the voice the bot sends, as Discord would receive it', () => {
  let heard: VoiceReport;
  let reference: Int16Array;
  let composedAndPlayedSeconds = 0;
  /** performance.now() when the reply with the files came: the piece was fully rendered. */
  let renderedAtMs = 0;

  beforeAll(async () => {
    const { fake, studio } = local;
    const startedAt = Date.now();
    const sent = fake.invokeCommand('compose', { instrument: 'piano', composer: 'mozart', seconds: PIECE_SECONDS, seed: 12, voice: true });
    const reply = await fake.waitForOriginal(sent, (message) => message.message.attachments.length > 0, 240_000);
    renderedAtMs = performance.now();
    // The bot leaves the channel (op 4 with no channel) once the piece is over and it has been idle.
    await fake.waitFor(
      () => fake.store.gatewayOps(VOICE_STATE_UPDATE).some((op) => (op.d as { channel_id?: string | null }).channel_id === null),
      'the bot to leave the voice channel after the piece',
      120_000,
    );
    composedAndPlayedSeconds = (Date.now() - startedAt) / 1000;
    heard = fake.voice();
    const piece = await studio.get(pieceIdOf(reply.message));
    const wav = piece && (await studio.localFile(piece, 'wav'));
    if (!wav) throw new Error('the piece has no WAV');
    reference = decodeWithFfmpeg(wav);
  }, 400_000);

  it('numbers its RTP packets consecutively and advances their clock by one 20 ms frame each', () => {
    const { sequence, timestamp } = heard.rtp;
    expect(heard.badPackets).toBe(0);
    expect(sequence.length).toBe(heard.packets);
    // Every packet, the 5 trailing silence frames included: @discordjs/voice clocks those too. (Its
    // timestamp goes to 0, not modulo 2^32, when it passes 2^32: a 30 s piece from a random start
    // meets that once in about 3,000 runs, and Discord would hear a jump; this would say so.)
    expect(new Set(differences(sequence, 2 ** 16))).toEqual(new Set([1]));
    expect(new Set(differences(timestamp, 2 ** 32))).toEqual(new Set([SAMPLES_PER_PACKET]));
    // Each packet held one 20 ms frame.
    expect(heard.frames).toBe(heard.packets);
    expect(Math.round(heard.seconds * RATE)).toBe(heard.packets * SAMPLES_PER_PACKET);
  });

  it('sends a packet every 20 ms, with no gap over 60 ms of its own making, for the whole piece', () => {
    const arrivals = heard.rtp.arrivedAtMs;
    const first = arrivals[0] as number;
    const gaps = differences(arrivals);
    const spanMs = (arrivals.at(-1) as number) - first;
    // The bot, the local Discord and this test share one thread, on a 2-core machine shared with
    // other test files and, at times, a model's training at a higher priority than `nice` tests.
    // Two pauses in a gap are not the player's: the kernel leaving the thread runnable but waiting for
    // a CPU (read from the thread's schedstat at each packet: up to 150 ms in one gap under load 5-7,
    // about 1-2.5 s in all over the piece), and the local Discord's own work on the thread (judging
    // the reply's upload and its answer by the OpenAPI spec: 30-70 ms of CPU when the reply comes).
    // They are disjoint (waiting is time off the CPU) and both are taken off each gap; what is left
    // is the bot's: its player and the rest of its process (uploading the reply, the gateway, garbage
    // collection), held to the 60 ms budget. Measured 30-54 ms (2026-12-03); on an idle machine both
    // deductions are about 0 and the limit holds for the plain gaps.
    const { waitedMs, onCpuMs } = heard.rtp;
    const busy = local.fake.store.busy;
    const gapAt = (index: number) => ({
      from: arrivals[index] as number,
      to: arrivals[index + 1] as number,
      waited: (waitedMs[index + 1] as number) - (waitedMs[index] as number),
      onCpu: (onCpuMs[index + 1] as number) - (onCpuMs[index] as number),
    });
    const own = gaps.map((gap, index) => {
      const { from, to, waited } = gapAt(index);
      return gap - waited - busyWithin(busy, from, to);
    });
    const late = gaps.flatMap((gap, index) => {
      if (gap <= 60) return [];
      const { from, to, waited, onCpu } = gapAt(index);
      return [
        `${gap.toFixed(0)} ms at ${((from - first) / 1000).toFixed(2)} s (waiting for a CPU ${waited.toFixed(0)}, on a CPU ` +
          `${onCpu.toFixed(0)} of which the local Discord ${busyWithin(busy, from, to).toFixed(0)}: the bot's ${(own[index] as number).toFixed(0)} ms)`,
      ];
    });
    const last = arrivals.length - 1;
    const totalWaited = (waitedMs[last] as number) - (waitedMs[0] as number);
    console.log(
      `voice: ${heard.packets} packets over ${(spanMs / 1000).toFixed(2)} s (${(spanMs / gaps.length).toFixed(3)} ms each); ` +
        `gap median ${median(gaps).toFixed(2)} ms, max ${Math.max(...gaps).toFixed(1)} ms, max the bot's own ${Math.max(...own).toFixed(1)} ms; ` +
        `${gaps.filter((gap) => gap > 40).length} gaps over 40 ms, over 60 ms: ${late.join(', ') || 'none'}; ` +
        `while it played the thread waited ${totalWaited.toFixed(0)} ms for a CPU and the local Discord was busy ` +
        `${busyWithin(busy, first, arrivals[last] as number).toFixed(0)} ms; rendering done at ${((renderedAtMs - first) / 1000).toFixed(2)} s; ` +
        `composed and played in ${composedAndPlayedSeconds.toFixed(1)} s`,
    );
    expect(heard.packets * 20).toBeGreaterThan(PIECE_SECONDS * 1000);
    expect(median(gaps)).toBeGreaterThan(18);
    expect(median(gaps)).toBeLessThan(22);
    // Real time over the whole stream: the player's clock neither drifts nor drops frames after a stall
    // (it sends the ones it owes at once, 1-10 ms apart; the RTP clock above shows none were skipped).
    expect(spanMs / gaps.length).toBeGreaterThan(19.5);
    expect(spanMs / gaps.length).toBeLessThan(20.5);
    // Under heavy load a gap now and then keeps 40-50 ms the thread spent neither running nor
    // waiting for a CPU (garbage collection waiting on its own starved helper threads, we think):
    // 3 runs in 12 went to 61-66 ms that way. One such gap per piece is allowed, never over 100 ms;
    // a player that blocked its thread would show many, or a long one.
    expect(own.filter((gap) => gap > 60).length).toBeLessThanOrEqual(1);
    expect(Math.max(...own)).toBeLessThanOrEqual(100);
  });

  it("decodes, with ffmpeg's own Opus decoder and with libopus, to the piece's audio", () => {
    const oggPath = join(temporaryFolder('bot-voice-rtp'), 'heard.opus');
    writeFileSync(oggPath, oggOpusFile(heard.opus));
    const byFfmpeg = decodeWithFfmpeg(oggPath, 'opus');
    const byLibopus = new Int16Array(heard.pcm.buffer, heard.pcm.byteOffset, heard.pcm.byteLength / 2);
    expect(byFfmpeg.length).toBe(byLibopus.length);
    const measure = { rate: RATE, blockFrames: RATE, quietRms: 0.003, window: 960 };
    const decodersAgree = compareAligned(byLibopus, byFfmpeg, 0, measure);

    const measured = [byFfmpeg, byLibopus].map((recording) => {
      const { lagFrames, waveformCorrelation } = align(monoOf(reference), monoOf(recording), 2 * RATE);
      return { lagFrames, waveformCorrelation, ...compareAligned(reference, recording, lagFrames, measure) };
    });
    for (const [index, m] of measured.entries()) {
      console.log(
        `voice decoded by ${index === 0 ? "ffmpeg's opus" : 'libopus'}: lag ${m.lagFrames} frames, covers ${(m.overlapFrames / RATE).toFixed(2)} ` +
          `of ${(reference.length / 2 / RATE).toFixed(2)} s, SNR ${m.snrDb.toFixed(2)} dB (worst second ${m.worstBlockSnrDb.toFixed(2)} dB ` +
          `at ${m.worstBlockAtSeconds} s), waveform correlation ${m.waveformCorrelation.toFixed(4)}, envelope correlation ${m.envelopeCorrelation.toFixed(4)}`,
      );
    }
    console.log(`voice: the two decoders agree to ${decodersAgree.snrDb.toFixed(1)} dB`);
    // Two Opus decoders of one stream differ by rounding only.
    expect(decodersAgree.snrDb).toBeGreaterThan(40);
    for (const m of measured) {
      // The first packet holds the piece's first 20 ms: the delay is libopus's look-ahead alone,
      // 2.5 + 4 ms at 48 kHz (312 frames), with no silence before the music and none of it lost.
      expect(m.lagFrames).toBe(312);
      // The whole piece was heard, in one stretch at one delay (an underrun's silence would shift what follows).
      expect(m.overlapFrames).toBe(reference.length / 2);
      expect(m.envelopeCorrelation).toBeGreaterThan(0.98);
      expect(m.waveformCorrelation).toBeGreaterThan(0.98);
      // Opus at 96 kb/s, as the compose worker encodes every piece once (synth/opus.ts; before, @discordjs/voice
      // encoded at libopus's default, about the same) keeps the waveform: measured 22.5 dB over this piano
      // piece, 21.8 dB in its worst second (2026-12-03; 22.8 and 22.1 at the default).
      // A frame's shift, a dropped or repeated frame or a 1.5 dB change of level falls below 15 dB.
      expect(m.snrDb).toBeGreaterThan(15);
      expect(m.worstBlockSnrDb).toBeGreaterThan(12);
    }
  });
});
