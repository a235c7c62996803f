import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatPcm, encodeWithFfmpeg, FfmpegMissingError, formatForPath, readWavPcm, WavFileWriter } from '../../synth/index.js';
import { NoteOffQueue } from '../../synth/noteOffs.js';
import { softLimit } from '../../synth/pcm.js';
import { Pool } from '../../synth/pool.js';
import { encodeWav } from '../../synth/wav.js';
import { temporaryFolder } from '../helpers/paths.js';

describe('synth parts', () => {
  it('writes a canonical 44-byte WAV header for 48 kHz stereo 16-bit', () => {
    const wav = encodeWav(new Int16Array([1, -1, 2, -2]));
    expect(wav.length).toBe(44 + 8);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + 8);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 2, 48_000, 16]);
    expect(wav.readUInt32LE(40)).toBe(8);
    expect(wav.readInt16LE(46)).toBe(-1);
  });

  it('writes a WAV as its PCM comes, the same file as all at once, and reads its PCM back', async () => {
    const folder = temporaryFolder('wav-writer');
    // 3.2 MB in chunks of 100 ms: several megabyte writes and a last partial one.
    const chunks = Array.from({ length: 35 }, (_, index) =>
      Int16Array.from({ length: 9600 }, (_, sample) => ((index * 9600 + sample) % 65_536) - 32_768),
    );
    const path = join(folder, 'piece.wav');
    const writer = await WavFileWriter.open(path);
    expect(existsSync(path)).toBe(false);
    for (const chunk of chunks) writer.append(chunk);
    expect(await writer.finish()).toBeCloseTo(3.5, 9);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(readFileSync(path).equals(encodeWav(concatPcm(chunks)))).toBe(true);
    const read: Int16Array[] = [];
    for await (const chunk of readWavPcm(path)) read.push(chunk);
    expect(concatPcm(read)).toEqual(concatPcm(chunks));

    const aborted = join(folder, 'cancelled.wav');
    const cancelled = await WavFileWriter.open(aborted);
    cancelled.append(chunks[0] as Int16Array);
    await cancelled.abort();
    expect(existsSync(aborted) || existsSync(`${aborted}.partial`)).toBe(false);
  });

  it('chooses the format by extension and names the choices otherwise', () => {
    expect(formatForPath('a/b.WAV')).toBe('wav');
    expect(formatForPath('piece.ogg')).toBe('ogg');
    expect(formatForPath('piece.mp3')).toBe('mp3');
    expect(() => formatForPath('piece.flac')).toThrow(/\.wav, \.ogg .*\.mp3/);
  });

  it('says clearly when ffmpeg is missing', async () => {
    const encoding = encodeWithFfmpeg([new Int16Array(1920)], 'ogg', '/nonexistent/ffmpeg');
    await expect(encoding.next()).rejects.toThrow(FfmpegMissingError);
  });

  it('limits softly: untouched below the knee, never full scale', () => {
    expect(softLimit(0.5)).toBe(0.5);
    expect(softLimit(-0.8)).toBe(-0.8);
    expect(softLimit(1.2)).toBeLessThan(1);
    expect(softLimit(1.2)).toBeGreaterThan(softLimit(1));
    expect(softLimit(-3)).toBeGreaterThan(-1);
  });

  it('orders note-offs by time, then by the order their notes began', () => {
    const queue = new NoteOffQueue();
    for (const [frame, noteId] of [
      [30, 0],
      [10, 1],
      [20, 2],
      [10, 3],
      [5, 4],
    ] as const) {
      queue.push({ frame, noteId, channel: 0, pitch: 60 });
    }
    const order: number[] = [];
    while (queue.size > 0) order.push(queue.pop()?.noteId ?? -1);
    expect(order).toEqual([4, 1, 3, 2, 0]);
  });

  it('pools instances: makes more only when all are busy, up to the limit, then queues', async () => {
    let made = 0;
    const pool = new Pool(async () => ++made, 2, 0);
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect([first, second, made]).toEqual([0, 1, 1]);
    let third: number | undefined;
    const waiting = pool.acquire().then((item) => {
      third = item;
    });
    await Promise.resolve();
    expect(third).toBeUndefined();
    pool.release(first);
    await waiting;
    expect(third).toBe(0);
    expect(made).toBe(1);
  });
});
