import { Readable } from 'node:stream';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  StreamType,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { Guild } from 'discord.js';

const CONNECT_TIMEOUT_MS = 20_000;

interface GuildPlayback {
  connection: VoiceConnection;
  pieceId: string;
  idleTimer?: NodeJS.Timeout;
}

/** The piece's packets one by one, as the object stream @discordjs/voice reads an Opus resource from (one packet per 20 ms it sends). */
function opusPackets(batches: AsyncIterable<readonly Uint8Array[]>): Readable {
  return Readable.from(
    (async function* () {
      for await (const batch of batches) {
        for (const packet of batch) yield Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
      }
    })(),
  );
}

/**
 * One player per guild: joins the caller's voice channel, plays a piece's Opus packets as they are
 * rendered (the compose worker encoded them once, for every listener: nothing is encoded again here),
 * and leaves when the piece is over or after `idleSeconds` of silence. A second piece in a guild that
 * is playing is refused, not queued: people in a channel should not hear pieces they did not ask for
 * stack up.
 */
export class VoicePlayers {
  private readonly playing = new Map<string, GuildPlayback>();

  constructor(
    private readonly idleSeconds: number,
    private readonly log: (line: string) => void,
  ) {}

  isPlaying(guildId: string): boolean {
    return this.playing.has(guildId);
  }

  /** Starts playing; resolves once the connection is ready and the audio started (throws if it cannot connect). */
  async play(guild: Guild, channelId: string, pieceId: string, opus: AsyncIterable<readonly Uint8Array[]>): Promise<void> {
    if (this.playing.has(guild.id)) throw new Error('a piece is already playing in this server');
    const connection = joinVoiceChannel({ channelId, guildId: guild.id, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true });
    const playback: GuildPlayback = { connection, pieceId };
    this.playing.set(guild.id, playback);
    connection.on(VoiceConnectionStatus.Destroyed, () => {
      if (this.playing.get(guild.id) === playback) this.playing.delete(guild.id);
      clearTimeout(playback.idleTimer);
    });
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, CONNECT_TIMEOUT_MS);
    } catch (error) {
      connection.destroy();
      throw new Error(`could not connect to the voice channel: ${error instanceof Error ? error.message : String(error)}`);
    }
    const player = createAudioPlayer();
    connection.subscribe(player);
    player.on('error', (error) => this.log(`voice: playing piece ${pieceId} failed: ${error.message}`));
    player.on(AudioPlayerStatus.Idle, () => {
      playback.idleTimer = setTimeout(() => this.leave(guild.id), this.idleSeconds * 1000);
      playback.idleTimer.unref();
    });
    player.play(createAudioResource(opusPackets(opus), { inputType: StreamType.Opus }));
  }

  /** Stops playback in a guild and leaves its voice channel; false when nothing was playing. */
  stop(guildId: string): boolean {
    return this.leave(guildId);
  }

  private leave(guildId: string): boolean {
    const playback = this.playing.get(guildId);
    if (!playback) return false;
    this.playing.delete(guildId);
    clearTimeout(playback.idleTimer);
    if (playback.connection.state.status !== VoiceConnectionStatus.Destroyed) playback.connection.destroy();
    return true;
  }

  stopAll(): void {
    for (const guildId of [...this.playing.keys()]) this.leave(guildId);
  }
}
