import { ApplicationCommandType, InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord.js';
import { ApiError, createMessage, editMessage, invalidForm, type MessageLimits, type MessagePayload } from './messages.js';
import type { Route, RouteRequest } from './rest.js';
import { snowflake } from './snowflake.js';
import type { Store, StoredInteraction, StoredMessage } from './store.js';
import type { World } from './world.js';

export type MessageEvent = 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE';

export interface RouteContext {
  world: World;
  store: Store;
  limits: MessageLimits;
  /** Discord forgets an interaction that has no initial response after 3 s. */
  callbackTimeoutMs: number;
  /** Interaction tokens (follow-ups, edits) stay valid for 15 minutes. */
  tokenLifetimeMs: number;
  urls(): { rest: string; gateway: string };
  /** Called for channel-visible message changes, so the gateway can dispatch them. */
  onMessage(event: MessageEvent, message: StoredMessage): void;
}

const COMMAND_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const ok = (body?: unknown) => ({ status: body === undefined ? 204 : 200, body });

/** The REST routes a bot uses, backed by the world and the store. */
export function restRoutes(ctx: RouteContext): Route[] {
  const { world, store } = ctx;
  const get = (pattern: string, handle: Route['handle']): Route => ({ method: 'GET', pattern, auth: true, handle });

  const messageMeta = (channelId: string, interaction?: StoredInteraction) => ({
    channelId,
    author: world.bot,
    attachmentBase: ctx.urls().rest,
    ...(interaction ? { applicationId: world.application.id, interactionId: interaction.id } : {}),
  });
  const channelOrThrow = (id: string | undefined) => {
    const channel = id === undefined ? undefined : world.channel(id);
    if (!channel) throw new ApiError(404, 10003, 'Unknown Channel');
    return channel;
  };
  const memberOrThrow = (id: string | undefined) => {
    if (id !== world.bot.id && id !== world.caller.id) throw new ApiError(404, 10013, 'Unknown User');
    return world.member(id);
  };
  const messageOrThrow = (id: string | undefined) => {
    const found = id === undefined ? undefined : store.messages.get(id);
    if (!found) throw new ApiError(404, 10008, 'Unknown Message');
    return found;
  };
  const remember = (stored: StoredMessage) => {
    store.messages.set(stored.message.id, stored);
    // Ephemeral messages exist only for their recipient; the channel never hears of them.
    if (!((stored.message.flags ?? 0) & MessageFlags.Ephemeral)) ctx.onMessage('MESSAGE_CREATE', stored);
    store.changed();
  };
  const update = (stored: StoredMessage, request: RouteRequest, interaction?: StoredInteraction) => {
    editMessage(
      stored,
      payload(request),
      request.files,
      { ...messageMeta(stored.message.channel_id, interaction), type: stored.message.type },
      ctx.limits,
    );
    if (!((stored.message.flags ?? 0) & MessageFlags.Ephemeral)) ctx.onMessage('MESSAGE_UPDATE', stored);
    store.changed();
    return ok(stored.message);
  };

  /** The interaction behind a webhook token; only interaction webhooks exist in this fake. */
  const webhookInteraction = (params: Record<string, string>) => {
    const found = [...store.interactions.values()].find((i) => i.token === params.token);
    if (params.webhook !== world.application.id || !found || Date.now() - found.sentAt > ctx.tokenLifetimeMs) {
      throw new ApiError(404, 10015, 'Unknown Webhook');
    }
    if (!found.callback) throw new ApiError(404, 10015, 'Unknown Webhook');
    return found;
  };
  const webhookMessage = (interaction: StoredInteraction, id: string | undefined) => {
    const found = id === '@original' ? interaction.original : interaction.followUps.find((m) => m.message.id === id);
    if (!found) throw new ApiError(404, 10008, 'Unknown Message');
    return found;
  };

  return [
    get('/gateway', () => ok({ url: ctx.urls().gateway })),
    get('/gateway/bot', () =>
      ok({
        url: ctx.urls().gateway,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    ),
    get('/users/@me', () => ok(world.bot)),
    get('/users/:user', ({ params }) => ok(memberOrThrow(params.user).user)),
    get('/applications/@me', () =>
      ok({ ...world.application, bot: world.bot, owner: world.caller, team: null, verify_key: '0'.repeat(64) }),
    ),
    get('/channels/:channel', ({ params }) => ok(channelOrThrow(params.channel))),
    get('/guilds/:guild', ({ params }) => {
      if (params.guild !== world.guildId) throw new ApiError(404, 10004, 'Unknown Guild');
      const { channels: _c, members: _m, voice_states: _v, ...guild } = world.guildCreate();
      return ok(guild);
    }),
    get('/guilds/:guild/channels', () => ok([world.textChannel(), world.voiceChannel()])),
    get('/guilds/:guild/members/:user', ({ params }) => ok(memberOrThrow(params.user))),

    ...commandRoutes(ctx, '/applications/:application/commands', null),
    ...commandRoutes(ctx, '/applications/:application/guilds/:guild/commands', world.guildId),

    {
      method: 'POST',
      pattern: '/interactions/:interaction/:token/callback',
      auth: false,
      handle: (request) => {
        const interaction = store.interactions.get(request.params.interaction ?? '');
        if (!interaction || interaction.token !== request.params.token || Date.now() - interaction.sentAt > ctx.callbackTimeoutMs) {
          throw new ApiError(404, 10062, 'Unknown interaction');
        }
        if (interaction.callback) throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
        const body = request.json as { type?: number; data?: MessagePayload } | undefined;
        const type = body?.type;
        if (
          type === InteractionResponseType.ChannelMessageWithSource ||
          type === InteractionResponseType.DeferredChannelMessageWithSource
        ) {
          const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
          // A deferral shows "thinking…": an empty message with the loading flag, ephemeral if asked.
          const data: MessagePayload = deferred ? { flags: (body?.data?.flags ?? 0) & MessageFlags.Ephemeral } : (body?.data ?? {});
          const meta = { ...messageMeta(interaction.channelId, interaction), type: MessageType.ChatInputCommand };
          interaction.original = createMessage(
            data,
            deferred ? [] : request.files,
            { ...meta, ...(deferred ? { extraFlags: MessageFlags.Loading } : {}) },
            ctx.limits,
          );
        } else if (type !== InteractionResponseType.Modal) {
          throw invalidForm(`interaction response type ${String(type)} is not valid for an application command`);
        }
        interaction.callback = { type, data: body?.data, files: request.files, at: Date.now() };
        if (interaction.original) remember(interaction.original);
        store.changed();
        if (request.query.get('with_response') !== 'true') return ok();
        const message = interaction.original?.message;
        return ok({
          interaction: {
            id: interaction.id,
            type: InteractionType.ApplicationCommand,
            activity_instance_id: null,
            response_message_id: message?.id ?? null,
            response_message_loading: Boolean((message?.flags ?? 0) & MessageFlags.Loading),
            response_message_ephemeral: Boolean((message?.flags ?? 0) & MessageFlags.Ephemeral),
          },
          resource: { type, ...(message ? { message } : {}) },
        });
      },
    },
    {
      method: 'POST',
      pattern: '/webhooks/:webhook/:token',
      auth: false,
      handle: (request) => {
        const interaction = webhookInteraction(request.params);
        const meta = { ...messageMeta(interaction.channelId, interaction), type: MessageType.Default };
        const stored = createMessage(payload(request), request.files, meta, ctx.limits);
        interaction.followUps.push(stored);
        remember(stored);
        return request.query.get('wait') === 'true' ? ok(stored.message) : ok();
      },
    },
    ...['GET', 'PATCH', 'DELETE'].map(
      (method): Route => ({
        method,
        pattern: '/webhooks/:webhook/:token/messages/:message',
        auth: false,
        handle: (request) => {
          const interaction = webhookInteraction(request.params);
          const stored = webhookMessage(interaction, request.params.message);
          if (method === 'GET') return ok(stored.message);
          if (method === 'PATCH') return update(stored, request, interaction);
          return remove(stored);
        },
      }),
    ),

    {
      method: 'POST',
      pattern: '/channels/:channel/messages',
      auth: true,
      handle: (request) => {
        const channel = channelOrThrow(request.params.channel);
        const stored = createMessage(
          payload(request),
          request.files,
          { ...messageMeta(channel.id), type: MessageType.Default },
          ctx.limits,
        );
        remember(stored);
        return ok(stored.message);
      },
    },
    get('/channels/:channel/messages/:message', ({ params }) => ok(messageOrThrow(params.message).message)),
    {
      method: 'PATCH',
      pattern: '/channels/:channel/messages/:message',
      auth: true,
      handle: (r) => update(messageOrThrow(r.params.message), r),
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channel/messages/:message',
      auth: true,
      handle: (r) => remove(messageOrThrow(r.params.message)),
    },
  ];

  function remove(stored: StoredMessage) {
    store.messages.delete(stored.message.id);
    ctx.onMessage('MESSAGE_DELETE', stored);
    store.changed();
    return ok();
  }
}

function payload(request: RouteRequest): MessagePayload {
  return (request.json ?? {}) as MessagePayload;
}

/** Global (guildId null) or guild command registration: bulk overwrite, create, list, edit, delete. */
function commandRoutes(ctx: RouteContext, base: string, guildId: string | null): Route[] {
  const { world, store } = ctx;
  const scoped = () => [...store.commands.values()].filter((c) => c.guildId === guildId);
  const checkApp = (params: Record<string, string>) => {
    if (params.application !== world.application.id) throw new ApiError(403, 50001, 'Missing Access');
    if (guildId && params.guild !== guildId) throw new ApiError(403, 50001, 'Missing Access');
  };
  const view = (id: string) => {
    const command = store.commands.get(id);
    if (!command) throw new ApiError(404, 10063, 'Unknown application command');
    return {
      id: command.id,
      application_id: world.application.id,
      version: snowflake(),
      type: ApplicationCommandType.ChatInput,
      default_member_permissions: null,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      options: [],
      ...command.body,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  };
  /** Upserts by (name, type) so a re-registered command keeps its id, as on Discord. */
  const upsert = (body: Record<string, unknown>) => {
    validateCommand(body);
    const type = body.type ?? ApplicationCommandType.ChatInput;
    const existing = scoped().find((c) => c.body.name === body.name && (c.body.type ?? ApplicationCommandType.ChatInput) === type);
    const id = existing?.id ?? snowflake();
    store.commands.set(id, { id, guildId, body });
    return id;
  };
  return [
    {
      method: 'PUT',
      pattern: base,
      auth: true,
      handle: ({ params, json }) => {
        checkApp(params);
        if (!Array.isArray(json)) throw invalidForm('expected an array of commands');
        const keep = new Set((json as Record<string, unknown>[]).map(upsert));
        for (const command of scoped()) if (!keep.has(command.id)) store.commands.delete(command.id);
        store.changed();
        return ok([...keep].map(view));
      },
    },
    {
      method: 'POST',
      pattern: base,
      auth: true,
      handle: ({ params, json }) => {
        checkApp(params);
        const id = upsert(json as Record<string, unknown>);
        store.changed();
        return { status: 201, body: view(id) };
      },
    },
    {
      method: 'GET',
      pattern: base,
      auth: true,
      handle: ({ params }) => {
        checkApp(params);
        return ok(scoped().map((c) => view(c.id)));
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/:command`,
      auth: true,
      handle: ({ params, json }) => {
        checkApp(params);
        const command = store.commands.get(params.command ?? '');
        if (!command) throw new ApiError(404, 10063, 'Unknown application command');
        command.body = { ...command.body, ...(json as Record<string, unknown>) };
        validateCommand(command.body);
        store.changed();
        return ok(view(command.id));
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/:command`,
      auth: true,
      handle: ({ params }) => {
        checkApp(params);
        if (!store.commands.delete(params.command ?? '')) throw new ApiError(404, 10063, 'Unknown application command');
        store.changed();
        return ok();
      },
    },
  ];
}

interface CommandOption {
  name?: unknown;
  description?: unknown;
  required?: unknown;
  choices?: unknown[];
}

/** The checks Discord applies that a bot is most likely to trip: names, descriptions, option order. */
function validateCommand(body: Record<string, unknown>): void {
  const name = body.name;
  const chatInput = (body.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
  if (typeof name !== 'string' || (chatInput && (!COMMAND_NAME.test(name) || name !== name.toLowerCase()))) {
    throw invalidForm(`name: invalid command name ${JSON.stringify(name)}`);
  }
  const describedOk = (d: unknown) => typeof d === 'string' && d.length >= 1 && d.length <= 100;
  if (chatInput && !describedOk(body.description)) throw invalidForm('description: must be 1-100 characters');
  const options = (body.options ?? []) as CommandOption[];
  if (options.length > 25) throw invalidForm('options: at most 25');
  let optionalSeen = false;
  for (const option of options) {
    if (typeof option.name !== 'string' || !COMMAND_NAME.test(option.name))
      throw invalidForm(`options: invalid name ${String(option.name)}`);
    if (!describedOk(option.description)) throw invalidForm(`options.${option.name}.description: must be 1-100 characters`);
    if (option.required && optionalSeen) throw invalidForm('options: required options must be placed before non-required options');
    if (!option.required) optionalSeen = true;
    if ((option.choices?.length ?? 0) > 25) throw invalidForm(`options.${option.name}.choices: at most 25`);
  }
}
