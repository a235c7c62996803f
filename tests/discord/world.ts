import {
  type APIApplication,
  type APIGuildMember,
  type APIRole,
  type APIUser,
  type APIVoiceState,
  ApplicationFlags,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  type RoleFlags,
  type UserFlags,
} from 'discord.js';
import { snowflake } from './snowflake.js';

/** What a member of the test guild may do: enough to talk, attach files, join voice and use commands. */
const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.UseApplicationCommands;

export interface WorldOptions {
  /** The bot token the server accepts (without the `Bot ` prefix). */
  token?: string;
  /** Name of the user who invokes commands; they start in the voice channel unless `callerInVoice` is false. */
  callerName?: string;
  callerInVoice?: boolean;
}

/**
 * The one guild the fake Discord knows: a bot, its application, a caller, a text and a voice channel.
 * Everything the gateway and REST hand out is built from here, so both sides agree on ids.
 */
export class World {
  readonly token: string;
  readonly bot: APIUser;
  readonly caller: APIUser;
  readonly application: Pick<APIApplication, 'id' | 'name' | 'flags' | 'description' | 'icon' | 'bot_public' | 'bot_require_code_grant'>;
  readonly guildId = snowflake();
  readonly textChannelId = snowflake();
  readonly voiceChannelId = snowflake();
  readonly memberRole: APIRole;
  readonly createdAt = new Date().toISOString();
  /** Voice states by user id, as Discord keeps them per guild. */
  readonly voiceStates = new Map<string, Omit<APIVoiceState, 'guild_id' | 'member'>>();

  constructor(options: WorldOptions = {}) {
    this.token = options.token ?? 'fake-bot-token';
    const botId = snowflake();
    this.bot = user(botId, 'partita-test', true);
    this.caller = user(snowflake(), options.callerName ?? 'caller', false);
    this.application = {
      id: botId,
      name: this.bot.username,
      description: '',
      icon: null,
      bot_public: true,
      bot_require_code_grant: false,
      flags: ApplicationFlags.GatewayGuildMembersLimited,
    };
    this.memberRole = {
      id: this.guildId, // @everyone shares the guild's id
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: MEMBER_PERMISSIONS.toString(),
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags, // no flags set; the enum has no zero member
    };
    if (options.callerInVoice ?? true) this.setVoiceChannel(this.caller.id, this.voiceChannelId, 'caller-session');
  }

  get permissions(): string {
    return MEMBER_PERMISSIONS.toString();
  }

  member(userId: string): APIGuildMember {
    const found = [this.bot, this.caller].find((u) => u.id === userId);
    if (!found) throw new Error(`fake Discord: no member ${userId}`);
    return {
      user: found,
      roles: [],
      joined_at: this.createdAt,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      nick: null,
      avatar: null,
      pending: false,
    };
  }

  /** Moves a user into a voice channel (or out with null) and returns the resulting voice state. */
  setVoiceChannel(userId: string, channelId: string | null, sessionId: string, selfMute = false, selfDeaf = false): APIVoiceState {
    const state = {
      channel_id: channelId,
      user_id: userId,
      session_id: sessionId,
      deaf: false,
      mute: false,
      self_deaf: selfDeaf,
      self_mute: selfMute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
    if (channelId) this.voiceStates.set(userId, state);
    else this.voiceStates.delete(userId);
    return { ...state, guild_id: this.guildId, member: this.member(userId) };
  }

  textChannel() {
    return {
      id: this.textChannelId,
      type: ChannelType.GuildText as const,
      guild_id: this.guildId,
      name: 'general',
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  voiceChannel() {
    return {
      id: this.voiceChannelId,
      type: ChannelType.GuildVoice as const,
      guild_id: this.guildId,
      name: 'Concert Hall',
      position: 1,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      bitrate: 64_000,
      user_limit: 0,
      rtc_region: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  channel(channelId: string) {
    if (channelId === this.textChannelId) return this.textChannel();
    if (channelId === this.voiceChannelId) return this.voiceChannel();
    return undefined;
  }

  /** The GUILD_CREATE payload, with members and voice states as a bot with the Guilds intent sees them. */
  guildCreate(): GatewayGuildCreateDispatchData {
    return {
      id: this.guildId,
      name: 'Partita Test Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.caller.id,
      region: 'us-east',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [this.memberRole],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: this.textChannelId,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      vanity_url_code: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      joined_at: this.createdAt,
      large: false,
      unavailable: false,
      member_count: 2,
      members: [this.member(this.bot.id), this.member(this.caller.id)],
      channels: [this.textChannel(), this.voiceChannel()],
      voice_states: [...this.voiceStates.values()],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }
}

const NO_USER_FLAGS = 0 as UserFlags;

/** A user as Discord's API returns one: the spec's UserResponse requires the flags and primary_guild too. */
function user(id: string, username: string, bot: boolean): APIUser & { primary_guild: null } {
  return {
    id,
    username,
    discriminator: bot ? '0001' : '0',
    global_name: bot ? null : username,
    avatar: null,
    bot,
    system: false,
    public_flags: NO_USER_FLAGS,
    flags: NO_USER_FLAGS,
    avatar_decoration_data: null,
    primary_guild: null,
  };
}
