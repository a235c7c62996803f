import { GatewayServer } from './gateway.js';
import { chatInputInteraction, type InvokeOptions, type OptionValue } from './interactions.js';
import { discordOpenApi, type OpenApiJudge } from './openApi.js';
import { RateLimiter, type RateLimitRule } from './rateLimits.js';
import { RestServer } from './rest.js';
import { restRoutes } from './restRoutes.js';
import { ENCRYPTION_MODES, type EncryptionMode, sodiumReady } from './rtp.js';
import {
  type InteractionCallback,
  type RtpTimeline,
  Store,
  type StoredInteraction,
  type StoredMessage,
  voiceNonSilentSeconds,
  voiceRms,
  voiceSeconds,
} from './store.js';
import { VoiceServer } from './voice.js';
import { World, type WorldOptions } from './world.js';

export type { RateLimitRule } from './rateLimits.js';
export type { EncryptionMode } from './rtp.js';
export type { BusySpan, RecordedRequest, RtpTimeline, StoredInteraction, StoredMessage, UploadedFile } from './store.js';

export interface FakeDiscordOptions extends WorldOptions {
  /** Gateway heartbeat interval sent in HELLO (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Voice gateway heartbeat interval (Discord: about 13750 ms). */
  voiceHeartbeatIntervalMs?: number;
  /** Encryption modes offered in voice READY, in order; the client picks the first it supports. */
  voiceModes?: EncryptionMode[];
  /** Privileged intents switched on for the application (bitmask); others close the gateway with 4014. */
  privilegedIntents?: number;
  /** Requests per route bucket and window before a real 429. */
  rateLimit?: { limit: number; windowMs: number };
  /** Per-file upload limit (Discord: 10 MiB). */
  maxUploadBytes?: number;
  /** Time an interaction has for its initial response (Discord: 3 s). */
  callbackTimeoutMs?: number;
  /** Decoded voice PCM kept per guild for analysis. */
  maxPcmSeconds?: number;
}

export interface SentInteraction {
  id: string;
  token: string;
  /** The INTERACTION_CREATE payload as dispatched. */
  payload: ReturnType<typeof chatInputInteraction>;
}

export interface VoiceReport {
  mode?: string;
  ssrc?: number;
  packets: number;
  badPackets: number;
  frames: number;
  /** Seconds of audio decoded (48 kHz). */
  seconds: number;
  /** Seconds of audio in frames louder than about -40 dBFS. */
  nonSilentSeconds: number;
  /** RMS of all decoded samples, 0..1. */
  rms: number;
  /** Decoded interleaved stereo s16le PCM at 48 kHz. */
  pcm: Buffer;
  /** The decrypted Opus payloads as they arrived, for other decoders. */
  opus: Buffer[];
  /** Per packet: arrival time (performance.now(), ms), RTP sequence number and timestamp, the receiving thread's CPU times. */
  rtp: RtpTimeline;
  /** Voice gateway payloads from the client. */
  received: { op: number; d: unknown; at: number }[];
}

export interface FakeDiscord {
  /** Discord's OpenAPI description judging every request (shared by every local Discord of the process). */
  spec: OpenApiJudge;
  /** `http://127.0.0.1:PORT`: attachments are served under it. */
  restUrl: string;
  /** Pass as discord.js `rest.api` (`@discordjs/rest` appends `/v10`). */
  apiBase: string;
  /** What GET /gateway/bot returns. */
  gatewayUrl: string;
  /** What VOICE_SERVER_UPDATE carries: `127.0.0.1:PORT` of the TLS voice gateway. */
  voiceEndpoint: string;
  token: string;
  world: World;
  store: Store;
  /** Options to spread into `new Client({...})` so discord.js talks to this server. */
  clientOptions: { rest: { api: string } };
  /** Dispatches INTERACTION_CREATE for a registered slash command (guild commands first, then global). */
  invokeCommand(name: string, options?: Record<string, OptionValue>, invoke?: InvokeOptions): SentInteraction;
  /** Waits for the interaction's initial response (deferral or message). */
  waitForCallback(interaction: { id: string }, timeoutMs?: number): Promise<InteractionCallback>;
  /** Waits for the `@original` response to satisfy `check` (e.g. to have been edited with files). */
  waitForOriginal(interaction: { id: string }, check: (message: StoredMessage) => boolean, timeoutMs?: number): Promise<StoredMessage>;
  waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  interaction(id: string): StoredInteraction;
  /** Answers the next matching REST requests with 429. */
  rateLimitNext(rule: RateLimitRule): void;
  /** Drops gateway connections: no code destroys the socket, a code closes with it (4000-4009 are resumable). */
  dropGateway(code?: number): void;
  invalidateSession(resumable: boolean): void;
  requestReconnect(): void;
  /** The current gateway session's id and last sequence number. */
  gatewaySession(): { id: string; seq: number; connected: boolean } | undefined;
  /** Moves a user (the caller by default) into a voice channel or out (null), dispatching VOICE_STATE_UPDATE. */
  moveToVoice(channelId: string | null, userId?: string): void;
  /** Sends any dispatch event to the bot. */
  dispatch(t: string, d: unknown): void;
  voice(guildId?: string): VoiceReport;
  close(): Promise<void>;
}

/**
 * Starts a local Discord: REST, gateway and a voice server, on random 127.0.0.1 ports.
 *
 * @discordjs/voice always dials `wss://` and Node 20 reads NODE_EXTRA_CA_CERTS only at start-up,
 * so while a fake runs, NODE_TLS_REJECT_UNAUTHORIZED is set to '0' in this (test) process and
 * restored by close(); nothing here talks to any other TLS server.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  await sodiumReady;
  const world = new World(options);
  const store = new Store();
  const voice = new VoiceServer(store, {
    heartbeatIntervalMs: options.voiceHeartbeatIntervalMs ?? 13_750,
    modes: options.voiceModes ?? [...ENCRYPTION_MODES],
    maxPcmSeconds: options.maxPcmSeconds ?? 60,
  });
  const gateway = new GatewayServer(
    world,
    store,
    { heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250, privilegedIntents: options.privilegedIntents ?? 0 },
    voice,
  );
  const urls = { rest: '', gateway: '' };
  const routes = restRoutes({
    world,
    store,
    limits: { maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024 },
    callbackTimeoutMs: options.callbackTimeoutMs ?? 3000,
    tokenLifetimeMs: 15 * 60_000,
    urls: () => urls,
    onMessage: (event, stored) => {
      const { message } = stored;
      const guildMessage = { ...message, guild_id: world.guildId };
      gateway.dispatch(
        event,
        event === 'MESSAGE_DELETE' ? { id: message.id, channel_id: message.channel_id, guild_id: world.guildId } : guildMessage,
      );
    },
  });
  const limit = options.rateLimit ?? { limit: 50, windowMs: 1000 };
  const rateLimiter = new RateLimiter(limit.limit, limit.windowMs);
  const spec = discordOpenApi();
  spec.prepare(routes.map((route) => ({ method: route.method, path: route.pattern.replace(/:[a-z]+/g, '1') })));
  const rest = new RestServer(routes, world.token, store, rateLimiter, (path) => attachment(store, path), spec);

  urls.rest = await rest.listen();
  urls.gateway = await gateway.listen();
  const voiceEndpoint = await voice.listen();
  const previousTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

  const interaction = (id: string) => {
    const found = store.interactions.get(id);
    if (!found) throw new Error(`fake Discord: no interaction ${id}`);
    return found;
  };

  return {
    restUrl: urls.rest,
    apiBase: `${urls.rest}/api`,
    gatewayUrl: urls.gateway,
    voiceEndpoint,
    token: world.token,
    spec,
    world,
    store,
    clientOptions: { rest: { api: `${urls.rest}/api` } },
    invokeCommand(name, values = {}, invoke = {}) {
      const commands = [...store.commands.values()].filter((c) => c.body.name === name);
      const command = commands.find((c) => c.guildId === world.guildId) ?? commands.find((c) => c.guildId === null);
      if (!command) throw new Error(`fake Discord: /${name} is not registered`);
      const payload = chatInputInteraction(world, command, values, invoke);
      store.interactions.set(payload.id, {
        id: payload.id,
        token: payload.token,
        commandName: name,
        channelId: payload.channel_id,
        sentAt: Date.now(),
        followUps: [],
      });
      gateway.dispatch('INTERACTION_CREATE', payload);
      return { id: payload.id, token: payload.token, payload };
    },
    waitForCallback: ({ id }, timeoutMs) => store.waitFor(() => interaction(id).callback, `the response to interaction ${id}`, timeoutMs),
    waitForOriginal: ({ id }, check, timeoutMs) =>
      store.waitFor(
        () => {
          const original = interaction(id).original;
          return original && check(original) ? original : undefined;
        },
        `the original response of interaction ${id}`,
        timeoutMs,
      ),
    waitFor: (check, what, timeoutMs) => store.waitFor(check, what, timeoutMs),
    interaction,
    rateLimitNext: (rule) => rateLimiter.failNext(rule),
    dropGateway: (code) => gateway.drop(code),
    invalidateSession: (resumable) => gateway.invalidateSession(resumable),
    requestReconnect: () => gateway.requestReconnect(),
    gatewaySession: () => gateway.session,
    moveToVoice(channelId, userId = world.caller.id) {
      gateway.dispatch('VOICE_STATE_UPDATE', world.setVoiceChannel(userId, channelId, `${userId}-voice`));
    },
    dispatch: (t, d) => gateway.dispatch(t, d),
    voice(guildId = world.guildId) {
      const stats = store.voiceStats(guildId);
      return {
        mode: stats.mode,
        ssrc: stats.ssrc,
        packets: stats.packets,
        badPackets: stats.badPackets,
        frames: stats.frames,
        seconds: voiceSeconds(stats),
        nonSilentSeconds: voiceNonSilentSeconds(stats),
        rms: voiceRms(stats),
        pcm: Buffer.concat(stats.pcm),
        opus: [...stats.opus],
        rtp: structuredClone(stats.rtp),
        received: stats.received,
      };
    },
    async close() {
      await Promise.all([gateway.close(), voice.close(), rest.close()]);
      if (previousTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTlsSetting;
    },
  };
}

/** Serves `/attachments/{channel}/{id}/{filename}` from stored upload bytes, like Discord's CDN. */
function attachment(store: Store, path: string): { contentType: string; data: Buffer } | undefined {
  const [, prefix, , id] = path.split('/');
  if (prefix !== 'attachments' || !id) return undefined;
  for (const stored of store.messages.values()) {
    const file = stored.files.get(id);
    if (file) return { contentType: file.contentType, data: file.data };
  }
  return undefined;
}
