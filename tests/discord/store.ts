import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { APIMessage } from 'discord.js';
import { threadTimes } from '../helpers/threadTimes.js';

/** One file part of a multipart request, bytes as received. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One REST request as the server saw it and what it answered. */
export interface RecordedRequest {
  method: string;
  /** Path below `/api/v10`, e.g. `/interactions/1/tok/callback`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body, or the parsed `payload_json` of a multipart body. */
  json: unknown;
  files: UploadedFile[];
  status: number;
  at: number;
}

/** A message the bot created through REST: in a channel, as an interaction response or a follow-up. */
export interface StoredMessage {
  message: APIMessage;
  /** Attachment bytes by attachment id. */
  files: Map<string, UploadedFile>;
  interactionId?: string;
}

export interface InteractionCallback {
  type: number;
  data: unknown;
  files: UploadedFile[];
  at: number;
}

export interface StoredInteraction {
  id: string;
  token: string;
  commandName: string;
  channelId: string;
  sentAt: number;
  callback?: InteractionCallback;
  /** The `@original` response message once there is one (a deferral creates it). */
  original?: StoredMessage;
  followUps: StoredMessage[];
}

/** A gateway payload the client sent, with the connection it came on. */
export interface GatewayReceived {
  connection: number;
  op: number;
  d: unknown;
  at: number;
}

export interface GatewayConnection {
  id: number;
  /** Request path and query, e.g. `/?v=10&encoding=json`; resumes use the `resume_gateway_url` path. */
  url: string;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
}

/** Everything the voice server heard for one guild. */
export interface VoiceStats {
  guildId: string;
  mode?: string;
  ssrc?: number;
  /** Voice gateway payloads from the client (identify, select protocol, speaking, resume...). */
  received: { op: number; d: unknown; at: number }[];
  ipDiscoveries: number;
  packets: number;
  /** Packets that failed authentication or did not parse. */
  badPackets: number;
  /** Decoded Opus frames (usually 20 ms each). */
  frames: number;
  /** Decoded samples per channel (48 kHz). */
  samples: number;
  /** Sum of squared normalized samples over both channels, for RMS. */
  sumSquares: number;
  /** Samples per channel in frames whose RMS is above the silence threshold. */
  nonSilentSamples: number;
  /** Decoded interleaved stereo s16le PCM, capped at `maxPcmSeconds`. */
  pcm: Buffer[];
  pcmBytes: number;
  /** The decrypted Opus payloads in arrival order, capped like `pcm`. */
  opus: Buffer[];
  /** Per RTP packet in arrival order: when it arrived (performance.now(), ms) and its header's sequence number and timestamp. */
  rtp: RtpTimeline;
  firstPacketAt?: number;
  lastPacketAt?: number;
}

export interface BusySpan {
  from: number;
  to: number;
  /** CPU time within [from, to] (the span's wall time where the thread's times cannot be read). */
  cpuMs: number;
}

export interface RtpTimeline {
  arrivedAtMs: number[];
  sequence: number[];
  timestamp: number[];
  /**
   * The receiving thread's cumulative time waiting for a CPU and on one (ms, Linux; 0 elsewhere) at
   * each arrival: what the machine, rather than the sender, took from the time between two packets.
   */
  waitedMs: number[];
  onCpuMs: number[];
}

const SAMPLE_RATE_HZ = 48_000;

export function voiceSeconds(stats: VoiceStats): number {
  return stats.samples / SAMPLE_RATE_HZ;
}

export function voiceNonSilentSeconds(stats: VoiceStats): number {
  return stats.nonSilentSamples / SAMPLE_RATE_HZ;
}

export function voiceRms(stats: VoiceStats): number {
  return stats.samples === 0 ? 0 : Math.sqrt(stats.sumSquares / (stats.samples * 2));
}

export interface StoredCommand {
  id: string;
  guildId: string | null;
  body: Record<string, unknown>;
}

/**
 * What happened, for tests to inspect. The servers write here and call `changed()`; `waitFor` re-checks
 * a condition on every change, so tests wait for events instead of sleeping.
 */
export class Store extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly commands = new Map<string, StoredCommand>();
  readonly interactions = new Map<string, StoredInteraction>();
  readonly messages = new Map<string, StoredMessage>();
  readonly gatewayConnections: GatewayConnection[] = [];
  readonly gatewayReceived: GatewayReceived[] = [];
  readonly voice = new Map<string, VoiceStats>();
  /**
   * When the REST server was busy in synchronous work (parsing, judging by the spec, answering):
   * wall-clock span in performance.now() ms and the CPU time its thread spent in it. That time is
   * taken from the event loop an in-process bot shares with this fake, so timing tests can tell the
   * fake's pauses from the bot's. Spans under 0.5 ms are left out.
   */
  readonly busy: BusySpan[] = [];

  private changePending = false;

  /**
   * Notifies waiters on the next turn of the event loop, so a REST request is recorded and its
   * effects applied before anyone looks: waiters always see a consistent snapshot.
   */
  changed(): void {
    if (this.changePending) return;
    this.changePending = true;
    setImmediate(() => {
      this.changePending = false;
      this.emit('change');
    });
  }

  /** Starts timing synchronous work; call the function it returns when the work is done. */
  busySince(): () => void {
    const from = performance.now();
    const before = threadTimes();
    return () => {
      const to = performance.now();
      const after = threadTimes();
      const cpuMs = before && after ? after.onCpuMs - before.onCpuMs : to - from;
      if (cpuMs >= 0.5) this.busy.push({ from, to, cpuMs });
    };
  }

  voiceStats(guildId: string): VoiceStats {
    let stats = this.voice.get(guildId);
    if (!stats) {
      stats = {
        guildId,
        received: [],
        ipDiscoveries: 0,
        packets: 0,
        badPackets: 0,
        frames: 0,
        samples: 0,
        sumSquares: 0,
        nonSilentSamples: 0,
        pcm: [],
        pcmBytes: 0,
        opus: [],
        rtp: { arrivedAtMs: [], sequence: [], timestamp: [], waitedMs: [], onCpuMs: [] },
      };
      this.voice.set(guildId, stats);
    }
    return stats;
  }

  /** Gateway payloads from the client with this opcode, oldest first. */
  gatewayOps(op: number): GatewayReceived[] {
    return this.gatewayReceived.filter((p) => p.op === op);
  }

  /** Resolves with the first truthy value of `check`, re-evaluated on every change; rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const value = check();
        if (!value) return false;
        this.off('change', test);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.off('change', test);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!test()) this.on('change', test);
    });
  }
}
