/**
 * What live listeners of one piece cost the server: the real studio (one compose worker) and web
 * server in this process, a 5-minute piece, and N clients of its live WebM in another process
 * (benchmarks/listenerClients.ts), each reading the whole piece as fast as it is rendered. The
 * listeners' cost is the main thread's CPU (Linux's per-thread counters, so the compose worker's
 * composing, rendering and encoding are not in it) beyond the same piece with no listener, plus
 * the CPU of any process it started for them. A listener who hears the piece in real time gets the
 * same bytes over its length, so one core serves `piece seconds / CPU seconds per listener` of them.
 * Also the process's RSS over each piece, and what the old path, one ffmpeg encoding WebM/Opus per
 * listener, cost per listener (ffmpeg alone, the piece's WAV in, its flags).
 *
 *     node dist/benchmarks/listeners.js [--listeners 200] [--seconds 300] [--instrument string-quartet]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SHIPPED_MUSICNET_MODEL } from '../cli/shippedModels.js';
import { createStudio, isFinalEvent, type Studio } from '../studio/index.js';
import { startWebServer } from '../web/server.js';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '300' },
    instrument: { type: 'string', default: 'string-quartet' },
  },
});
const listenerCounts = (values.listeners as string).split(',').map(Number);
const pieceSeconds = Number(values.seconds);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
const MB = 1024 * 1024;

/** Fields of a /proc stat line after the command name (which may hold spaces): index 0 is field 3, the state. */
function statFields(path: string): number[] {
  const stat = readFileSync(path, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
}

/** CPU seconds of this process's main thread alone (its task id is the process id): utime + stime. */
function mainThreadCpuSeconds(): number {
  const fields = statFields(`/proc/self/task/${process.pid}/stat`);
  return ((fields[11] as number) + (fields[12] as number)) / CLOCK_TICKS;
}

/** CPU seconds of the child processes that have ended and been waited for: cutime + cstime. */
function childrenCpuSeconds(): number {
  const fields = statFields('/proc/self/stat');
  return ((fields[13] as number) + (fields[14] as number)) / CLOCK_TICKS;
}

interface ClientReport {
  statuses: number[];
  bytes: number[];
  lastByteMs: number;
  cpuSeconds: number;
}

function runClients(url: string, count: number): Promise<ClientReport> {
  const script = join(import.meta.dirname, 'listenerClients.js');
  const child = spawn(process.execPath, [script, url, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    output += text;
  });
  return new Promise((resolve, reject) => {
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(output) as ClientReport) : reject(new Error(`listeners exited ${code}`)),
    );
  });
}

async function untilFinished(studio: Studio, id: string): Promise<string> {
  const events = await studio.subscribe(id);
  if (!events) throw new Error('the piece is gone');
  for await (const event of events) if (isFinalEvent(event)) return event.type;
  return 'ended';
}

async function pieceWith(studio: Studio, url: string, listeners: number, seed: number) {
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const cpuBefore = mainThreadCpuSeconds();
  const childrenBefore = childrenCpuSeconds();
  const started = performance.now();
  const submitted = await studio.submit({ fields: { instrument: values.instrument, seconds: pieceSeconds, seed } }, 'web');
  if (!submitted.ok) throw new Error(submitted.error.message);
  const { id } = submitted.piece;
  const clients = listeners > 0 ? runClients(`${url}/api/pieces/${id}/live.webm`, listeners) : undefined;
  const end = await untilFinished(studio, id);
  const report = await clients;
  const wallSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const record = await studio.get(id);
  return {
    id,
    listeners,
    end,
    audioSeconds: record?.seconds,
    listenersServed: report?.statuses.filter((status) => status === 200).length ?? 0,
    bytesPerListener: report ? Math.max(...report.bytes) : 0,
    mainThreadCpuSeconds: Number((mainThreadCpuSeconds() - cpuBefore).toFixed(2)),
    // The listeners' own process is a child too: its CPU is theirs, not the server's.
    childProcessCpuSeconds: Number((childrenCpuSeconds() - childrenBefore - (report?.cpuSeconds ?? 0)).toFixed(2)),
    listenerProcessCpuSeconds: Number((report?.cpuSeconds ?? 0).toFixed(2)),
    wallSeconds: Number(wallSeconds.toFixed(1)),
    rssBeforeMb: Math.round(rssBefore / MB),
    rssPeakMb: Math.round(rssPeak / MB),
  };
}

/** What one listener cost on the old path: ffmpeg encoding the piece to live WebM/Opus with the old flags. */
function ffmpegPerListenerCpuSeconds(wav: string): number {
  const before = childrenCpuSeconds();
  const run = spawnSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', wav],
    ...['-c:a', 'libopus', '-b:a', '96k', '-application', 'audio'],
    ...['-f', 'webm', '-live', '1', '-cluster_time_limit', '100', '-flush_packets', '1', '-y', '/dev/null'],
  ]);
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
  return childrenCpuSeconds() - before;
}

const dataFolder = mkdtempSync(join(tmpdir(), 'partita-bench-listeners-'));
const studio = await createStudio({ modelPath: SHIPPED_MUSICNET_MODEL, dataFolder, workers: 1, piecesPerWorker: 1, rendersPerWorker: 1 });
const server = await startWebServer({ studio, port: 0, host: '127.0.0.1' });
try {
  const runs = [];
  // The same piece each time (one seed): only the listeners change.
  for (const count of [0, ...listenerCounts]) runs.push(await pieceWith(studio, server.url, count, 1));
  const alone = runs[0] as (typeof runs)[number];
  const perListener = runs.slice(1).map((run) => {
    // Beyond the piece alone: its own ffmpeg runs (the .ogg and .mp3) are in both.
    const mainSeconds = run.mainThreadCpuSeconds - alone.mainThreadCpuSeconds;
    const childSeconds = Math.max(0, run.childProcessCpuSeconds - alone.childProcessCpuSeconds);
    const cpuSeconds = (mainSeconds + childSeconds) / run.listeners;
    const audioSeconds = run.audioSeconds ?? pieceSeconds;
    return {
      listeners: run.listeners,
      cpuMsPerListener: Number((1000 * cpuSeconds).toFixed(1)),
      cpuMsPerListenerPerAudioSecond: Number(((1000 * cpuSeconds) / audioSeconds).toFixed(3)),
      listenersOneCoreServes: Math.floor(audioSeconds / cpuSeconds),
    };
  });
  const record = await studio.get(alone.id);
  const wav = record && (await studio.localFile(record, 'wav'));
  const ffmpegSeconds = wav ? ffmpegPerListenerCpuSeconds(wav) : Number.NaN;
  const audioSeconds = alone.audioSeconds ?? pieceSeconds;
  process.stdout.write(
    `${JSON.stringify(
      {
        piece: { instrument: values.instrument, seconds: pieceSeconds, audioSeconds, opusBytes: runs.at(-1)?.bytesPerListener },
        runs,
        perListener,
        oldPathFfmpegPerListener: {
          cpuSeconds: Number(ffmpegSeconds.toFixed(2)),
          listenersOneCoreServesAtMost: Math.floor(audioSeconds / ffmpegSeconds),
          note: "ffmpeg's own CPU only; the old path also piped the piece's PCM to each one from the main thread",
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await server.close();
  await studio.close();
  rmSync(dataFolder, { recursive: true, force: true });
}
