import { randomBytes } from 'node:crypto';
import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandGuildInteraction,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  InteractionType,
  Locale,
} from 'discord.js';
import { snowflake } from './snowflake.js';
import type { StoredCommand } from './store.js';
import type { World } from './world.js';

export type OptionValue = string | number | boolean;

export interface InvokeOptions {
  /** Who runs the command; defaults to the world's caller. */
  userId?: string;
  /** Where; defaults to the text channel. */
  channelId?: string;
  locale?: Locale;
}

interface OptionDefinition {
  name: string;
  type: ApplicationCommandOptionType;
  required?: boolean;
  choices?: { name: string; value: OptionValue }[];
  min_value?: number;
  max_value?: number;
}

/**
 * Builds the INTERACTION_CREATE payload Discord sends when a user runs a registered slash command.
 * Options are checked against the registration the way Discord's client does before sending: a
 * test cannot invoke what a user could not.
 */
export function chatInputInteraction(
  world: World,
  command: StoredCommand,
  values: Record<string, OptionValue>,
  invoke: InvokeOptions = {},
): APIChatInputApplicationCommandGuildInteraction {
  const id = snowflake();
  const channel = world.channel(invoke.channelId ?? world.textChannelId);
  if (!channel) throw new Error(`fake Discord: no channel ${invoke.channelId}`);
  const member = world.member(invoke.userId ?? world.caller.id);
  return {
    id,
    application_id: world.application.id,
    type: InteractionType.ApplicationCommand,
    data: {
      id: command.id,
      name: String(command.body.name),
      type: ApplicationCommandType.ChatInput,
      guild_id: command.guildId ?? undefined,
      options: commandOptions(command, values),
    },
    guild: { id: world.guildId, locale: Locale.EnglishUS, features: [] },
    guild_id: world.guildId,
    channel,
    channel_id: channel.id,
    member: { ...member, permissions: world.permissions },
    // Discord's tokens are opaque base64; this one starts the way theirs do ("interaction:").
    token: `aW50ZXJhY3Rpb246${id}${randomBytes(48).toString('base64url')}`,
    version: 1,
    app_permissions: world.permissions,
    locale: invoke.locale ?? Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: world.guildId },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function commandOptions(command: StoredCommand, values: Record<string, OptionValue>): APIApplicationCommandInteractionDataBasicOption[] {
  const definitions = (command.body.options ?? []) as OptionDefinition[];
  const name = String(command.body.name);
  for (const key of Object.keys(values)) {
    if (!definitions.some((d) => d.name === key)) throw new Error(`fake Discord: /${name} has no option "${key}"`);
  }
  const options: APIApplicationCommandInteractionDataBasicOption[] = [];
  for (const definition of definitions) {
    const value = values[definition.name];
    if (value === undefined) {
      if (definition.required) throw new Error(`fake Discord: /${name} needs option "${definition.name}"`);
      continue;
    }
    checkValue(name, definition, value);
    options.push({ name: definition.name, type: definition.type, value } as APIApplicationCommandInteractionDataBasicOption);
  }
  return options;
}

function checkValue(command: string, definition: OptionDefinition, value: OptionValue): void {
  const where = `/${command} ${definition.name}`;
  const expected: Partial<Record<ApplicationCommandOptionType, string>> = {
    [ApplicationCommandOptionType.String]: 'string',
    [ApplicationCommandOptionType.Integer]: 'number',
    [ApplicationCommandOptionType.Number]: 'number',
    [ApplicationCommandOptionType.Boolean]: 'boolean',
  };
  const type = expected[definition.type];
  if (!type) throw new Error(`fake Discord: option type ${definition.type} of ${where} is not supported`);
  if (typeof value !== type || (definition.type === ApplicationCommandOptionType.Integer && !Number.isInteger(value))) {
    throw new Error(`fake Discord: ${where} takes a ${ApplicationCommandOptionType[definition.type]}, not ${JSON.stringify(value)}`);
  }
  if (definition.choices && !definition.choices.some((c) => c.value === value)) {
    throw new Error(`fake Discord: ${where} must be one of its choices, not ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number' && (value < (definition.min_value ?? -Infinity) || value > (definition.max_value ?? Infinity))) {
    throw new Error(`fake Discord: ${where} is out of range: ${value}`);
  }
}
