import { Readable } from 'node:stream';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import {
  ApplicationCommandOptionType,
  type ChatInputApplicationCommandData,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  MessageFlags,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './index.js';

const SAMPLE_RATE_HZ = 48_000;
const TONE_HZ = 440;
const TONE_AMPLITUDE = 0.3;

const COMPOSE: ChatInputApplicationCommandData = {
  name: 'compose',
  description: 'Compose a piece',
  options: [
    {
      name: 'instrument',
      description: 'Solo instrument',
      type: ApplicationCommandOptionType.String,
      required: true,
      choices: [
        { name: 'violin', value: 'violin' },
        { name: 'piano', value: 'piano' },
      ],
    },
    { name: 'seconds', description: 'Length', type: ApplicationCommandOptionType.Integer, min_value: 5, max_value: 120 },
    { name: 'voice', description: 'Play it in your voice channel', type: ApplicationCommandOptionType.Boolean },
  ],
};

/** Stereo s16le PCM of a sine tone, as a synthesizer would hand to @discordjs/voice. */
function sinePcm(seconds: number): Buffer {
  const frames = Math.round(seconds * SAMPLE_RATE_HZ);
  const pcm = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(TONE_AMPLITUDE * 32767 * Math.sin((2 * Math.PI * TONE_HZ * i) / SAMPLE_RATE_HZ));
    pcm.writeInt16LE(v, i * 4);
    pcm.writeInt16LE(v, i * 4 + 2);
  }
  return pcm;
}

/** Frequency of the left channel from its upward zero crossings. */
function dominantHz(pcm: Buffer): number {
  let crossings = 0;
  let previous = 0;
  for (let i = 0; i + 4 <= pcm.length; i += 4) {
    const v = pcm.readInt16LE(i);
    if (previous < 0 && v >= 0) crossings++;
    previous = v;
  }
  return crossings / (pcm.length / 4 / SAMPLE_RATE_HZ);
}

async function connectClient(fake: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], ...fake.clientOptions });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
  return client;
}

async function playTone(fake: FakeDiscord, client: Client, seconds: number): Promise<void> {
  const guild = client.guilds.cache.get(fake.world.guildId);
  if (!guild) throw new Error('guild not cached');
  const connection = joinVoiceChannel({
    channelId: fake.world.voiceChannelId,
    guildId: guild.id,
    adapterCreator: guild.voiceAdapterCreator,
  });
  try {
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    const player = createAudioPlayer();
    connection.subscribe(player);
    player.play(createAudioResource(Readable.from([sinePcm(seconds)]), { inputType: StreamType.Raw }));
    await entersState(player, AudioPlayerStatus.Playing, 5_000);
    await entersState(player, AudioPlayerStatus.Idle, (seconds + 5) * 1000);
  } finally {
    connection.destroy();
  }
}

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  /** What the bot under test does for each /compose: set by each test. */
  let onCompose: (interaction: ChatInputCommandInteraction) => Promise<void> = async () => {};

  beforeAll(async () => {
    // Short heartbeats so both gateways' heartbeat/ACK exchanges happen within the test.
    fake = await startFakeDiscord({ heartbeatIntervalMs: 1000, voiceHeartbeatIntervalMs: 500 });
    client = await connectClient(fake);
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand() && interaction.commandName === 'compose') void onCompose(interaction);
    });
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('logs in: READY, then the guild with its channels and the caller in voice', () => {
    expect(client.user?.id).toBe(fake.world.bot.id);
    expect(client.application?.id).toBe(fake.world.application.id);
    const guild = client.guilds.cache.get(fake.world.guildId);
    expect(guild?.channels.cache.get(fake.world.textChannelId)?.isTextBased()).toBe(true);
    expect(guild?.channels.cache.get(fake.world.voiceChannelId)?.isVoiceBased()).toBe(true);
    expect(guild?.voiceStates.cache.get(fake.world.caller.id)?.channelId).toBe(fake.world.voiceChannelId);
    const identify = fake.store.gatewayOps(GatewayOpcodes.Identify)[0]?.d as { token: string; intents: number };
    expect(identify.token).toBe(fake.token);
    expect(fake.store.gatewayConnections[0]?.url).toBe('/?v=10&encoding=json');
  });

  it('registers commands globally and per guild, keeping ids on re-registration', async () => {
    const first = await client.application?.commands.set([COMPOSE]);
    const again = await client.application?.commands.set([COMPOSE]);
    expect(again?.first()?.id).toBe(first?.first()?.id);
    const guild = client.guilds.cache.get(fake.world.guildId);
    await guild?.commands.set([COMPOSE, { name: 'stop', description: 'Stop playing' }]);
    expect([...fake.store.commands.values()].map((c) => [c.guildId, c.body.name])).toEqual([
      [null, 'compose'],
      [fake.world.guildId, 'compose'],
      [fake.world.guildId, 'stop'],
    ]);
    await expect(client.application?.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toThrow(/Invalid Form Body/);
    expect(() => fake.invokeCommand('compose', { instrument: 'kazoo' })).toThrow(/choices/);
  });

  it('defers, then edits the reply with a MIDI file and an embed sent as multipart', async () => {
    const midi = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 1, 0xe0, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d]);
    onCompose = async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply({
        content: `A ${interaction.options.getString('instrument')} piece`,
        files: [{ attachment: midi, name: 'x.mid' }],
        embeds: [{ title: 'Partita', description: 'seed 7' }],
      });
    };
    const sent = fake.invokeCommand('compose', { instrument: 'violin', seconds: 30 });
    const callback = await fake.waitForCallback(sent);
    expect(callback.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const original = await fake.waitForOriginal(sent, (m) => m.message.attachments.length > 0);
    expect(original.message.content).toBe('A violin piece');
    expect(original.message.embeds[0]).toMatchObject({ title: 'Partita', description: 'seed 7' });
    expect(original.message.attachments[0]?.filename).toBe('x.mid');
    expect(original.message.flags ?? 0).toBe(0);
    const edit = fake.store.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    expect(String(edit?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(edit?.files[0]).toMatchObject({ field: 'files[0]', filename: 'x.mid' });
    expect(edit?.files[0]?.data.equals(midi)).toBe(true);
    // The attachment URL serves the same bytes, like Discord's CDN.
    const download = await fetch(original.message.attachments[0]?.url ?? '');
    expect(Buffer.from(await download.arrayBuffer()).equals(midi)).toBe(true);
  });

  it('answers ephemeral replies with flag 64 and rejects a second acknowledgement', async () => {
    const secondAck = new Promise<unknown>((resolve) => {
      onCompose = async (interaction) => {
        await interaction.reply({ content: 'Only you can hear this', flags: MessageFlags.Ephemeral });
        const again = interaction.client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
          body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
          auth: false,
        });
        resolve(await again.catch((error: unknown) => error));
      };
    });
    const sent = fake.invokeCommand('compose', { instrument: 'piano' });
    const callback = await fake.waitForCallback(sent);
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(fake.interaction(sent.id).original?.message.flags).toBe(MessageFlags.Ephemeral);
    expect(String(await secondAck)).toMatch(/already been acknowledged/);
  });

  it('makes the client wait and retry a follow-up answered with 429', async () => {
    fake.rateLimitNext({ method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, count: 1, retryAfterSeconds: 1 });
    onCompose = async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply('done after a rate limit');
    };
    const sent = fake.invokeCommand('compose', { instrument: 'violin' });
    await fake.waitForOriginal(sent, (m) => m.message.content === 'done after a rate limit');
    const edits = fake.store.requests.filter((r) => r.method === 'PATCH' && r.path.includes(sent.token));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect((edits[1]?.at ?? 0) - (edits[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('rejects REST calls without the bot token', async () => {
    const response = await fetch(`${fake.apiBase}/v10/users/@me`, { headers: { Authorization: 'Bot wrong' } });
    expect(response.status).toBe(401);
  });

  it('resumes after the gateway socket drops and replays what it missed', async () => {
    const before = fake.gatewaySession();
    if (!before) throw new Error('no gateway session');
    onCompose = async (interaction) => {
      await interaction.reply(`resumed ${interaction.options.getString('instrument')}`);
    };
    fake.dropGateway();
    // Sent while the client is away: Discord keeps it for the session and replays it on RESUME.
    const sent = fake.invokeCommand('compose', { instrument: 'piano' });
    const resume = await fake.waitFor(() => fake.store.gatewayOps(GatewayOpcodes.Resume)[0], 'op 6 RESUME');
    expect(resume.d).toEqual({ token: fake.token, session_id: before.id, seq: before.seq });
    expect(fake.store.gatewayConnections.at(-1)?.url).toBe('/resume?v=10&encoding=json');
    await fake.waitForCallback(sent);
    expect(fake.interaction(sent.id).original?.message.content).toBe('resumed piano');
    // And a fresh interaction after the resume arrives too.
    const later = fake.invokeCommand('compose', { instrument: 'violin' });
    await fake.waitForCallback(later);
    expect(fake.store.gatewayOps(GatewayOpcodes.Identify)).toHaveLength(1);
  });

  it('joins voice (AES-GCM) and the server decodes about 2 s of the tone', async () => {
    await playTone(fake, client, 2);
    const voice = await fake.waitFor(() => {
      const report = fake.voice();
      return report.seconds >= 1.9 && report;
    }, '2 s of audio');
    expect(voice.mode).toBe('aead_aes256_gcm_rtpsize');
    expect(voice.badPackets).toBe(0);
    expect(voice.nonSilentSeconds).toBeGreaterThan(1.8);
    expect(voice.nonSilentSeconds).toBeLessThan(2.2);
    expect(voice.rms).toBeGreaterThan(0.15);
    expect(dominantHz(voice.pcm)).toBeGreaterThan(TONE_HZ * 0.95);
    // Identify, select protocol, heartbeat and speaking, in voice gateway opcodes.
    expect(voice.received.map((p) => p.op)).toEqual(expect.arrayContaining([0, 1, 3, 5]));
    // Leaving sends op 4 with a null channel; the gateway queues it, so it may land a moment later.
    const joinAndLeave = () =>
      fake.store.gatewayOps(GatewayOpcodes.VoiceStateUpdate).map((p) => (p.d as { channel_id: string | null }).channel_id);
    await fake.waitFor(() => joinAndLeave().length === 2, 'op 4 leaving voice');
    expect(joinAndLeave()).toEqual([fake.world.voiceChannelId, null]);
    expect(fake.world.voiceStates.has(fake.world.bot.id)).toBe(false);
  });

  it('acknowledges heartbeats, and after a non-resumable INVALID_SESSION the client identifies again', async () => {
    expect(fake.store.gatewayOps(GatewayOpcodes.Heartbeat).length).toBeGreaterThan(0);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
    const old = fake.gatewaySession()?.id;
    fake.invalidateSession(false);
    await fake.waitFor(() => fake.store.gatewayOps(GatewayOpcodes.Identify).length === 2, 'a second IDENTIFY', 10_000);
    await fake.waitFor(() => fake.gatewaySession()?.connected && fake.gatewaySession()?.id !== old, 'a new session');
    onCompose = async (interaction) => {
      await interaction.reply('new session');
    };
    const sent = fake.invokeCommand('compose', { instrument: 'violin' });
    await fake.waitForCallback(sent);
  });

  it("answered every request of the real client as Discord's published API describes the answers", () => {
    expect(fake.spec.responseViolations).toEqual([]);
    expect(fake.spec.exercised.size).toBeGreaterThanOrEqual(6);
  });
});
