import { type APIAttachment, type APIEmbed, type APIMessage, type APIUser, MessageFlags, type MessageType } from 'discord.js';
import { snowflake } from './snowflake.js';
import type { StoredMessage, UploadedFile } from './store.js';

/** The subset of Discord's message create/edit JSON that a bot sends. */
export interface MessagePayload {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  flags?: number | null;
  tts?: boolean;
  components?: unknown[];
  /** Attachments to keep (by snowflake) and descriptions of new files (by upload index). */
  attachments?: { id: string | number; filename?: string; description?: string }[] | null;
}

/** A Discord API error: the HTTP status and the JSON code/message Discord would send. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface MessageLimits {
  /** Per-file upload limit; Discord's default for bots in unboosted guilds is 10 MiB. */
  maxUploadBytes: number;
}

export interface NewMessage {
  channelId: string;
  author: APIUser;
  type: MessageType;
  /** Set for messages sent through an application's interaction webhook. */
  applicationId?: string;
  interactionId?: string;
  /** Base URL attachment links point at (the REST server serves them). */
  attachmentBase: string;
  extraFlags?: number;
}

const MAX_CONTENT_CHARS = 2000;
const MAX_EMBEDS = 10;
const MAX_FILES = 10;
const FILE_FIELD = /^files\[(\d+)\]$/;

/** Builds a message the way Discord stores it, attachments included; throws ApiError for what Discord rejects. */
export function createMessage(payload: MessagePayload, files: UploadedFile[], meta: NewMessage, limits: MessageLimits): StoredMessage {
  const attachments = newAttachments(payload, files, meta, limits);
  const message: APIMessage = {
    id: snowflake(),
    channel_id: meta.channelId,
    author: meta.author,
    content: payload.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: payload.tts ?? false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: attachments.map((a) => a.attachment),
    embeds: normalizeEmbeds(payload.embeds ?? []),
    pinned: false,
    type: meta.type,
    flags: (payload.flags ?? 0) | (meta.extraFlags ?? 0),
    components: [],
    ...(meta.applicationId ? { webhook_id: meta.applicationId, application_id: meta.applicationId } : {}),
  };
  validate(message);
  return { message, files: new Map(attachments.map((a) => [a.attachment.id, a.file])), interactionId: meta.interactionId };
}

/**
 * Applies an edit: fields present replace the old ones; `attachments`, when given, lists which old
 * attachments stay; new files are added. Editing a deferred response clears its loading flag.
 */
export function editMessage(
  stored: StoredMessage,
  payload: MessagePayload,
  files: UploadedFile[],
  meta: NewMessage,
  limits: MessageLimits,
) {
  const keepIds = payload.attachments ? new Set(payload.attachments.map((a) => String(a.id))) : undefined;
  const kept = stored.message.attachments.filter((a) => !keepIds || keepIds.has(a.id));
  const added = newAttachments(payload, files, meta, limits);
  const old = stored.message;
  const message: APIMessage = {
    ...old,
    content: payload.content === undefined ? old.content : (payload.content ?? ''),
    embeds: payload.embeds === undefined ? old.embeds : normalizeEmbeds(payload.embeds ?? []),
    attachments: [...kept, ...added.map((a) => a.attachment)],
    flags: ((old.flags ?? 0) & ~MessageFlags.Loading) | (payload.flags ?? 0),
    edited_timestamp: new Date().toISOString(),
  };
  validate(message);
  const keptFiles = [...stored.files].filter(([id]) => kept.some((a) => a.id === id));
  stored.message = message;
  stored.files = new Map([...keptFiles, ...added.map((a): [string, UploadedFile] => [a.attachment.id, a.file])]);
}

function newAttachments(payload: MessagePayload, files: UploadedFile[], meta: NewMessage, limits: MessageLimits) {
  if (files.length > MAX_FILES) throw invalidForm(`at most ${MAX_FILES} files`);
  return files.map((file) => {
    if (file.data.length > limits.maxUploadBytes) throw new ApiError(413, 40005, 'Request entity too large');
    const index = FILE_FIELD.exec(file.field)?.[1];
    const described = payload.attachments?.find((a) => index !== undefined && String(a.id) === index);
    const id = snowflake();
    const attachment: APIAttachment = {
      id,
      filename: file.filename,
      size: file.data.length,
      url: `${meta.attachmentBase}/attachments/${meta.channelId}/${id}/${encodeURIComponent(file.filename)}`,
      proxy_url: `${meta.attachmentBase}/attachments/${meta.channelId}/${id}/${encodeURIComponent(file.filename)}`,
      content_type: file.contentType,
      ...(described?.description ? { description: described.description } : {}),
    };
    return { attachment, file };
  });
}

/** Discord fills in `type: 'rich'` and echoes the rest. */
function normalizeEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  if (embeds.length > MAX_EMBEDS) throw invalidForm(`at most ${MAX_EMBEDS} embeds`);
  return embeds.map((embed) => ({ type: 'rich' as APIEmbed['type'], ...embed }));
}

function validate(message: APIMessage): void {
  if (message.content.length > MAX_CONTENT_CHARS) throw invalidForm(`content: must be ${MAX_CONTENT_CHARS} or fewer in length`);
  const empty = message.content === '' && message.embeds.length === 0 && message.attachments.length === 0;
  // A deferral's placeholder is the one message allowed to be empty.
  if (empty && !((message.flags ?? 0) & MessageFlags.Loading)) throw new ApiError(400, 50006, 'Cannot send an empty message');
}

export function invalidForm(detail: string): ApiError {
  return new ApiError(400, 50035, `Invalid Form Body (${detail})`);
}
