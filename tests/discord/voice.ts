import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { OpusEncoder } from '@discordjs/opus';
import { type WebSocket, WebSocketServer } from 'ws';
import { threadTimes } from '../helpers/threadTimes.js';
import type { VoiceAllocator } from './gateway.js';
import { type EncryptionMode, ipDiscoveryResponse, looksLikeRtp, openRtpPacket, parseIpDiscovery, rtpClock, rtpSsrc } from './rtp.js';
import type { Store, VoiceStats } from './store.js';
import { selfSignedCertificate } from './tls.js';

/** Voice gateway v4 opcodes (discord-api-types' VoiceOpcodes; not re-exported by discord.js). */
const Op = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
} as const;

/** Voice gateway close codes Discord uses for the failures a client can cause. */
const Close = {
  UnknownOpcode: 4001,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  SessionNoLongerValid: 4006,
  UnknownProtocol: 4012,
  Disconnected: 4014,
  UnknownEncryptionMode: 4016,
} as const;

const SAMPLE_RATE_HZ = 48_000;
const CHANNELS = 2;
/** Frames quieter than this RMS (about -40 dBFS) count as silence. */
const SILENCE_RMS = 0.01;
/** Opus frames are 20 ms here: the payloads kept match `maxPcmSeconds`. */
const FRAMES_PER_SECOND = 50;

export interface VoiceOptions {
  heartbeatIntervalMs: number;
  /** Offered in this order; the client takes the first it supports. */
  modes: EncryptionMode[];
  /** How much decoded PCM to keep per guild for tests to analyse. */
  maxPcmSeconds: number;
}

interface Allocation {
  guildId: string;
  userId: string;
  sessionId: string;
  token: string;
}

interface MediaSession {
  allocation: Allocation;
  ssrc: number;
  socket: WebSocket;
  mode?: EncryptionMode;
  secretKey?: Uint8Array;
  decoder: OpusEncoder;
}

/**
 * A Discord voice server: the v4 voice gateway over TLS (wss) and the UDP media socket, decrypting and
 * decoding what the client plays so tests can measure it.
 */
export class VoiceServer implements VoiceAllocator {
  private readonly https: Server;
  private readonly wss: WebSocketServer;
  private readonly udp: Socket;
  private readonly allocations = new Map<string, Allocation>();
  private readonly bySsrc = new Map<number, MediaSession>();
  endpoint = '';

  constructor(
    private readonly store: Store,
    private readonly options: VoiceOptions,
  ) {
    this.https = createServer(selfSignedCertificate(), (_req, res) => res.writeHead(426).end());
    this.wss = new WebSocketServer({ server: this.https, perMessageDeflate: false });
    this.wss.on('connection', (socket) => this.onConnection(socket));
    this.udp = createSocket('udp4');
    this.udp.on('message', (packet, remote) => this.onDatagram(packet, remote));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.https.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', resolve));
    // Discord's endpoint is host:port with no scheme; @discordjs/voice prefixes wss://.
    this.endpoint = `127.0.0.1:${(this.https.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  allocate(guildId: string, userId: string, sessionId: string): { token: string; endpoint: string } {
    const allocation = { guildId, userId, sessionId, token: randomBytes(8).toString('hex') };
    this.allocations.set(guildId, allocation);
    return { token: allocation.token, endpoint: this.endpoint };
  }

  /** The bot left the channel: its voice connection is closed with 4014, as Discord does. */
  release(guildId: string): void {
    this.allocations.delete(guildId);
    for (const [ssrc, session] of this.bySsrc) {
      if (session.allocation.guildId !== guildId) continue;
      session.socket.close(Close.Disconnected);
      this.bySsrc.delete(ssrc);
    }
  }

  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.udp.close();
    return new Promise((resolve) => this.wss.close(() => this.https.close(() => resolve())));
  }

  private onConnection(socket: WebSocket): void {
    let session: MediaSession | undefined;
    const send = (op: number, d: unknown) => socket.send(JSON.stringify({ op, d }));
    send(Op.Hello, { v: 4, heartbeat_interval: this.options.heartbeatIntervalMs });
    socket.on('message', (data) => {
      let payload: { op?: number; d?: Record<string, unknown> };
      try {
        payload = JSON.parse(data.toString());
      } catch {
        return socket.close(Close.UnknownOpcode);
      }
      const op = payload.op ?? -1;
      const d = payload.d ?? {};
      const allocation = this.allocations.get(String(d.server_id));
      if (session) this.stats(session).received.push({ op, d, at: Date.now() });
      else if (allocation) this.store.voiceStats(allocation.guildId).received.push({ op, d, at: Date.now() });
      this.store.changed();

      if (op === Op.Heartbeat) return send(Op.HeartbeatAck, payload.d);
      if (op === Op.Identify || op === Op.Resume) {
        const matches = allocation && d.token === allocation.token && d.session_id === allocation.sessionId;
        if (!matches || (op === Op.Identify && d.user_id !== allocation.userId)) return socket.close(Close.AuthenticationFailed);
        if (op === Op.Resume) {
          const resumed = [...this.bySsrc.values()].find((s) => s.allocation === allocation);
          if (!resumed) return socket.close(Close.SessionNoLongerValid);
          resumed.socket = socket;
          session = resumed;
          return send(Op.Resumed, null);
        }
        session = { allocation, ssrc: this.freeSsrc(), socket, decoder: new OpusEncoder(SAMPLE_RATE_HZ, CHANNELS) };
        this.bySsrc.set(session.ssrc, session);
        const port = (this.udp.address() as AddressInfo).port;
        this.stats(session).ssrc = session.ssrc;
        return send(Op.Ready, { ssrc: session.ssrc, ip: '127.0.0.1', port, modes: this.options.modes, experiments: [] });
      }
      if (!session) return socket.close(Close.NotAuthenticated);
      if (op === Op.SelectProtocol) return this.selectProtocol(session, d, send);
      // Speaking (op 5) is recorded above; Discord relays it to other clients, of which there are none here.
      if (op === Op.Speaking) return;
      socket.close(Close.UnknownOpcode);
    });
  }

  private selectProtocol(session: MediaSession, d: Record<string, unknown>, send: (op: number, d: unknown) => void): void {
    const data = (d.data ?? {}) as { mode?: string };
    const mode = this.options.modes.find((m) => m === data.mode);
    if (d.protocol !== 'udp' || !mode) {
      session.socket.close(d.protocol !== 'udp' ? Close.UnknownProtocol : Close.UnknownEncryptionMode);
      return;
    }
    session.mode = mode;
    session.secretKey = randomBytes(32);
    this.stats(session).mode = mode;
    send(Op.SessionDescription, {
      mode,
      secret_key: [...session.secretKey],
      audio_codec: 'opus',
      video_codec: 'H264',
      media_session_id: randomBytes(16).toString('hex'),
      dave_protocol_version: 0,
    });
  }

  private onDatagram(packet: Buffer, remote: RemoteInfo): void {
    const discovery = parseIpDiscovery(packet);
    if (discovery) {
      const session = this.bySsrc.get(discovery.ssrc);
      if (!session) return;
      this.stats(session).ipDiscoveries++;
      this.udp.send(ipDiscoveryResponse(discovery.ssrc, remote.address, remote.port), remote.port, remote.address);
      this.store.changed();
      return;
    }
    // Anything else that is not RTP is a keep-alive (an 8-byte counter), which Discord does not answer.
    if (!looksLikeRtp(packet)) return;
    const session = this.bySsrc.get(rtpSsrc(packet));
    if (!session) return;
    const stats = this.stats(session);
    const clock = rtpClock(packet);
    stats.rtp.arrivedAtMs.push(performance.now());
    stats.rtp.sequence.push(clock.sequence);
    stats.rtp.timestamp.push(clock.timestamp);
    const times = threadTimes();
    stats.rtp.waitedMs.push(times?.waitedMs ?? 0);
    stats.rtp.onCpuMs.push(times?.onCpuMs ?? 0);
    stats.packets++;
    stats.firstPacketAt ??= Date.now();
    stats.lastPacketAt = Date.now();
    try {
      if (!session.mode || !session.secretKey) throw new Error('media before session description');
      const rtp = openRtpPacket(packet, session.mode, session.secretKey);
      if (stats.opus.length < this.options.maxPcmSeconds * FRAMES_PER_SECOND) stats.opus.push(rtp.payload);
      this.record(stats, session.decoder.decode(rtp.payload));
    } catch {
      stats.badPackets++;
    }
    this.store.changed();
  }

  private record(stats: VoiceStats, pcm: Buffer): void {
    const samples = pcm.length / (2 * CHANNELS);
    let sumSquares = 0;
    for (let i = 0; i < pcm.length; i += 2) {
      const v = pcm.readInt16LE(i) / 32768;
      sumSquares += v * v;
    }
    stats.frames++;
    stats.samples += samples;
    stats.sumSquares += sumSquares;
    if (Math.sqrt(sumSquares / (samples * CHANNELS)) > SILENCE_RMS) stats.nonSilentSamples += samples;
    if (stats.pcmBytes + pcm.length <= this.options.maxPcmSeconds * SAMPLE_RATE_HZ * CHANNELS * 2) {
      stats.pcm.push(pcm);
      stats.pcmBytes += pcm.length;
    }
  }

  private stats(session: MediaSession): VoiceStats {
    return this.store.voiceStats(session.allocation.guildId);
  }

  private freeSsrc(): number {
    let ssrc: number;
    do ssrc = randomInt(1, 2 ** 31);
    while (this.bySsrc.has(ssrc));
    return ssrc;
  }
}
