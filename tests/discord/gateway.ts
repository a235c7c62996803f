import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Store } from './store.js';
import type { World } from './world.js';

/** The intent a dispatch needs before Discord sends it; events not listed go to every session. */
const EVENT_INTENTS: Record<string, number> = {
  GUILD_CREATE: GatewayIntentBits.Guilds,
  GUILD_UPDATE: GatewayIntentBits.Guilds,
  GUILD_DELETE: GatewayIntentBits.Guilds,
  CHANNEL_CREATE: GatewayIntentBits.Guilds,
  CHANNEL_UPDATE: GatewayIntentBits.Guilds,
  CHANNEL_DELETE: GatewayIntentBits.Guilds,
  VOICE_STATE_UPDATE: GatewayIntentBits.GuildVoiceStates,
  MESSAGE_CREATE: GatewayIntentBits.GuildMessages,
  MESSAGE_UPDATE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE: GatewayIntentBits.GuildMessages,
};

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((a, b) => a | b, 0);

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** Privileged intents the application has switched on in the developer portal. */
  privilegedIntents: number;
}

/** What the gateway asks of the voice side when a bot joins or leaves a channel (op 4). */
export interface VoiceAllocator {
  /** Returns the VOICE_SERVER_UPDATE token and endpoint for a (guild, user, session). */
  allocate(guildId: string, userId: string, sessionId: string): { token: string; endpoint: string };
  release(guildId: string): void;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  /** [shard id, shard count] from IDENTIFY; the guild's events go only to the shard that owns it. */
  shard: [number, number];
  /** Every dispatch sent in this session, for replay on RESUME. */
  events: { s: number; t: string; d: unknown }[];
  socket?: WebSocket;
}

interface Connection {
  id: number;
  socket: WebSocket;
  session?: Session;
}

/** A Discord gateway (v10, JSON encoding, no transport compression) for one bot. */
export class GatewayServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;
  url = '';

  constructor(
    private readonly world: World,
    private readonly store: Store,
    private readonly options: GatewayOptions,
    private readonly voice: VoiceAllocator,
  ) {
    this.http = createServer((_req, res) => res.writeHead(426).end());
    // Discord does not negotiate permessage-deflate; compression there is zlib-stream, opted into by URL.
    this.wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Discord hands out a different host to resume on; a distinct path lets tests see the client used it. */
  get resumeUrl(): string {
    return `${this.url}/resume`;
  }

  /** The live session (the last one identified), if any. */
  get session(): { id: string; seq: number; connected: boolean } | undefined {
    const last = [...this.sessions.values()].at(-1);
    return last && { id: last.id, seq: last.seq, connected: last.socket !== undefined };
  }

  /** Sends a dispatch to every session whose intents allow it; disconnected sessions get it on resume. */
  dispatch(t: string, d: unknown): void {
    const intent = EVENT_INTENTS[t];
    for (const session of this.sessions.values()) {
      if (intent !== undefined && !(session.intents & intent)) continue;
      // Every event here concerns the one guild: only its shard hears it, as on Discord.
      if (!this.ownsGuild(session)) continue;
      this.send(session, t, d);
    }
  }

  /** Cuts the connection: without a code the TCP socket is destroyed (no close frame), as a network drop. */
  drop(code?: number): void {
    for (const connection of this.connections) {
      if (code === undefined) connection.socket.terminate();
      else connection.socket.close(code);
    }
  }

  /** Sends op 9; a non-resumable one also forgets the session, so the client must identify again. */
  invalidateSession(resumable: boolean): void {
    for (const connection of this.connections) {
      if (!connection.session) continue;
      if (!resumable) this.sessions.delete(connection.session.id);
      connection.socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: resumable }));
    }
  }

  /** Sends op 7: the client should reconnect and resume. */
  requestReconnect(): void {
    for (const connection of this.connections) connection.socket.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    return new Promise((resolve) => this.wss.close(() => this.http.close(() => resolve())));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const connection: Connection = { id: this.nextConnectionId++, socket };
    const url = new URL(req.url ?? '/', 'ws://fake');
    const record = { id: connection.id, url: `${url.pathname}${url.search}`, openedAt: Date.now() } as Store['gatewayConnections'][number];
    this.store.gatewayConnections.push(record);
    this.connections.add(connection);
    this.store.changed();
    socket.on('close', (code) => {
      this.connections.delete(connection);
      record.closedAt = Date.now();
      record.closeCode = code;
      const session = connection.session;
      if (session?.socket === socket) {
        session.socket = undefined;
        // A client closing with 1000/1001 ends its session; any other close keeps it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.store.changed();
    });
    const rejection = checkUrl(url);
    if (rejection) {
      socket.close(rejection.code, rejection.reason);
      return;
    }
    socket.on('message', (data, isBinary) => this.onMessage(connection, data.toString(), isBinary));
    socket.send(
      JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null }),
    );
  }

  private onMessage(connection: Connection, text: string, isBinary: boolean): void {
    const rejection = this.handle(connection, text, isBinary);
    if (rejection) connection.socket.close(rejection.code, rejection.reason);
  }

  private handle(connection: Connection, text: string, isBinary: boolean): Rejection | undefined {
    let payload: { op?: number; d?: unknown };
    try {
      if (isBinary) throw new Error('binary frame');
      payload = JSON.parse(text);
    } catch {
      return { code: GatewayCloseCodes.DecodeError, reason: 'Error while decoding payload.' };
    }
    const op = payload.op ?? -1;
    this.store.gatewayReceived.push({ connection: connection.id, op, d: payload.d, at: Date.now() });
    this.store.changed();
    if (!connection.session && op !== GatewayOpcodes.Identify && op !== GatewayOpcodes.Resume && op !== GatewayOpcodes.Heartbeat) {
      return { code: GatewayCloseCodes.NotAuthenticated, reason: 'Not authenticated.' };
    }
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        connection.socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        return undefined;
      case GatewayOpcodes.Identify:
        return this.identify(connection, payload.d as { token?: string; intents?: number; shard?: [number, number] });
      case GatewayOpcodes.Resume:
        return this.resume(connection, payload.d as { token?: string; session_id?: string; seq?: number });
      case GatewayOpcodes.VoiceStateUpdate:
        this.voiceStateUpdate(connection.session as Session, payload.d as VoiceStateRequest);
        return undefined;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        return undefined;
      default:
        return { code: GatewayCloseCodes.UnknownOpcode, reason: 'Unknown opcode.' };
    }
  }

  /** Discord's rule: a guild belongs to shard (guild_id >> 22) % shard_count. */
  private ownsGuild(session: Session): boolean {
    const [id, count] = session.shard;
    return Number((BigInt(this.world.guildId) >> 22n) % BigInt(count)) === id;
  }

  private identify(connection: Connection, d: { token?: string; intents?: number; shard?: [number, number] }): Rejection | undefined {
    if (connection.session) return { code: GatewayCloseCodes.AlreadyAuthenticated, reason: 'Already authenticated.' };
    if (d.token !== this.world.token) return { code: GatewayCloseCodes.AuthenticationFailed, reason: 'Authentication failed.' };
    const intents = d.intents ?? -1;
    if (intents < 0 || (intents & ~ALL_INTENTS) !== 0) return { code: GatewayCloseCodes.InvalidIntents, reason: 'Invalid intent(s).' };
    if (intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) {
      return { code: GatewayCloseCodes.DisallowedIntents, reason: 'Disallowed intent(s).' };
    }
    const shard = d.shard ?? [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) return { code: GatewayCloseCodes.InvalidShard, reason: 'Invalid shard.' };
    const session: Session = { id: randomBytes(16).toString('hex'), intents, seq: 0, shard, events: [], socket: connection.socket };
    this.sessions.set(session.id, session);
    connection.session = session;
    const { world } = this;
    this.send(session, 'READY', {
      v: 10,
      user: { ...world.bot, verified: true, mfa_enabled: false, email: null },
      guilds: this.ownsGuild(session) ? [{ id: world.guildId, unavailable: true }] : [],
      session_id: session.id,
      resume_gateway_url: this.resumeUrl,
      shard,
      application: { id: world.application.id, flags: world.application.flags },
      private_channels: [],
      relationships: [],
      user_settings: {},
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east'],
      auth_session_id_hash: '',
      _trace: ['["fake-gateway",{"micros":0}]'],
    });
    // Guilds listed unavailable in READY arrive as GUILD_CREATE right after, for bots with the Guilds intent.
    if (intents & GatewayIntentBits.Guilds && this.ownsGuild(session)) this.send(session, 'GUILD_CREATE', world.guildCreate());
    return undefined;
  }

  private resume(connection: Connection, d: { token?: string; session_id?: string; seq?: number }): Rejection | undefined {
    if (connection.session) return { code: GatewayCloseCodes.AlreadyAuthenticated, reason: 'Already authenticated.' };
    if (d.token !== this.world.token) return { code: GatewayCloseCodes.AuthenticationFailed, reason: 'Authentication failed.' };
    const session = this.sessions.get(d.session_id ?? '');
    if (!session) {
      connection.socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return undefined;
    }
    const seq = d.seq ?? 0;
    if (seq > session.seq) return { code: GatewayCloseCodes.InvalidSeq, reason: 'Invalid seq.' };
    // A session lives on one socket: an old one still attached is closed, as Discord does.
    if (session.socket && session.socket !== connection.socket) session.socket.close(GatewayCloseCodes.SessionTimedOut);
    session.socket = connection.socket;
    connection.session = session;
    for (const event of session.events.filter((e) => e.s > seq)) {
      connection.socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...event }));
    }
    this.send(session, 'RESUMED', null);
    return undefined;
  }

  private voiceStateUpdate(session: Session, d: VoiceStateRequest): void {
    const { world } = this;
    if (d.guild_id !== world.guildId) return;
    const channelId = d.channel_id ?? null;
    // Discord's voice session id for a gateway connection is its gateway session id.
    const state = world.setVoiceChannel(world.bot.id, channelId, session.id, d.self_mute ?? false, d.self_deaf ?? false);
    this.dispatch('VOICE_STATE_UPDATE', state);
    if (!channelId) {
      this.voice.release(world.guildId);
      return;
    }
    const { token, endpoint } = this.voice.allocate(world.guildId, world.bot.id, session.id);
    this.dispatch('VOICE_SERVER_UPDATE', { token, guild_id: world.guildId, endpoint });
  }

  private send(session: Session, t: string, d: unknown): void {
    session.seq++;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    session.socket?.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...event }));
    this.store.changed();
  }
}

/** A close code and reason to end a connection with, as Discord does for protocol errors. */
interface Rejection {
  code: number;
  reason: string;
}

function checkUrl(url: URL): Rejection | undefined {
  if (url.searchParams.get('v') !== '10') return { code: GatewayCloseCodes.InvalidAPIVersion, reason: 'Invalid API version' };
  if ((url.searchParams.get('encoding') ?? 'json') !== 'json' || url.searchParams.has('compress')) {
    return { code: GatewayCloseCodes.DecodeError, reason: 'only encoding=json without compression is served here' };
  }
  return undefined;
}

interface VoiceStateRequest {
  guild_id?: string;
  channel_id?: string | null;
  self_mute?: boolean;
  self_deaf?: boolean;
}
