import { type APIApplicationCommand, REST, Routes } from 'discord.js';
import { COMMANDS } from './commands/index.js';

/** Where commands are registered: an application, globally or in one guild (instant, for development). */
export interface RegistrationTarget {
  token: string;
  applicationId: string;
  guildId?: string;
  /** Another REST base than discord.com's (the tests' local Discord). */
  apiBase?: string;
}

/** What a registration would change, by command name. */
export interface CommandChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Whether what the code says of a command is what Discord holds. Discord adds fields of its own
 * (id, version, defaults such as `nsfw: false`) and leaves out false flags such as
 * `required: false`, so only what the code sets is compared, a false flag matching an absent one.
 */
function sameDefinition(code: unknown, registered: unknown): boolean {
  if (code === undefined || code === null) return true;
  if (code === false && registered === undefined) return true;
  if (Array.isArray(code)) {
    return (
      Array.isArray(registered) && registered.length === code.length && code.every((item, index) => sameDefinition(item, registered[index]))
    );
  }
  if (typeof code === 'object') {
    if (typeof registered !== 'object' || registered === null) return false;
    const held = registered as Record<string, unknown>;
    return Object.entries(code).every(([key, value]) => sameDefinition(value, held[key]));
  }
  return code === registered;
}

export function compareCommands(code: readonly { name: string }[], registered: readonly APIApplicationCommand[]): CommandChanges {
  const held = new Map(registered.map((command) => [command.name, command]));
  const changes: CommandChanges = { added: [], changed: [], removed: [], unchanged: [] };
  for (const command of code) {
    const current = held.get(command.name);
    if (!current) changes.added.push(command.name);
    else (sameDefinition(command, current) ? changes.unchanged : changes.changed).push(command.name);
  }
  const inCode = new Set(code.map((command) => command.name));
  changes.removed = registered.map((command) => command.name).filter((name) => !inCode.has(name));
  return changes;
}

function restFor(target: RegistrationTarget): REST {
  return new REST(target.apiBase ? { api: target.apiBase } : {}).setToken(target.token);
}

function commandsRoute(target: RegistrationTarget): `/${string}` {
  return target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
}

const codeCommands = () => COMMANDS.map((command) => command.data);

/** How the registered commands differ from the code's, without changing anything. */
export async function checkRegisteredCommands(target: RegistrationTarget): Promise<CommandChanges> {
  const registered = (await restFor(target).get(commandsRoute(target))) as APIApplicationCommand[];
  return compareCommands(codeCommands(), registered);
}

/** Puts the code's commands (one bulk overwrite, as Discord recommends) and says what changed. */
export async function registerCommands(target: RegistrationTarget): Promise<CommandChanges> {
  const changes = await checkRegisteredCommands(target);
  await restFor(target).put(commandsRoute(target), { body: codeCommands() });
  return changes;
}

export function describeChanges(changes: CommandChanges): string {
  const parts = (['added', 'changed', 'removed', 'unchanged'] as const)
    .filter((kind) => changes[kind].length > 0)
    .map((kind) => `${kind} /${changes[kind].join(', /')}`);
  return parts.join('; ') || 'no commands';
}

export function inSync(changes: CommandChanges): boolean {
  return changes.added.length + changes.changed.length + changes.removed.length === 0;
}
