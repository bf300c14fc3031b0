// Everything the fake remembers: messages, commands, interactions, faults and recorded requests.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { apiError, json, noContent, type RecordedRequest, type Reply, type UploadedFile } from './http.ts';
import { checkChoices, checkMessage, wouldPing, type ApiErrorBody, type Choice, type MessageBody } from './limits.ts';
import { MESSAGE_FLAGS, snowflake, type World } from './model.ts';
import { toApiMessage, type ApiAllowedMentions, type ApiAttachment, type ApiCommand, type ApiComponent, type ApiEmbed, type PostedMessage } from './api.ts';
import type { InteractionKind, InteractionResponseRecord, InteractionState } from './interaction-records.ts';

export interface Fault {
  status: number;
  retryAfter?: number;
}

export interface StateOptions {
  applicationId: string;
  /** Interaction callbacks later than this after INTERACTION_CREATE get 404 "Unknown interaction" (Discord: 3 s). */
  callbackDeadlineMs: number;
  /** Check Discord's message limits and answer 400 like the API. */
  strictLimits: boolean;
}

export class FakeState {
  readonly events = new EventEmitter();
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, PostedMessage>();
  readonly commands = new Map<string, ApiCommand[]>(); // key: guild id or "global"
  readonly interactions = new Map<string, InteractionState>();
  readonly interactionsByToken = new Map<string, InteractionState>();
  readonly failedChannels = new Map<string, number>();
  readonly nextFaults = new Map<string, Fault[]>();

  constructor(
    readonly world: World,
    readonly options: StateOptions,
  ) {
    this.events.setMaxListeners(0);
  }

  changed(): void {
    this.events.emit('change');
  }

  channel(id: string) {
    return this.world.channels.find((c) => c.id === id);
  }

  /** A fault to answer instead of handling a request to a channel, if one is set. */
  takeFault(channelId: string): Reply | null {
    const queue = this.nextFaults.get(channelId);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.nextFaults.delete(channelId);
    if (next?.status === 429) {
      const after = next.retryAfter ?? 0.05;
      const resetAt = (Date.now() / 1000 + after).toFixed(3);
      return json(
        429,
        { message: 'You are being rate limited.', retry_after: after, global: false },
        {
          'retry-after': String(after),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': resetAt,
          'x-ratelimit-reset-after': String(after),
          'x-ratelimit-bucket': `fake-bucket-${channelId}`,
          'x-ratelimit-scope': 'user',
        },
      );
    }
    if (next) return apiError(next.status, 0, next.status >= 500 ? '500: Internal Server Error' : `${next.status}`);
    const failed = this.failedChannels.get(channelId);
    if (failed !== undefined) return channelFailure(failed);
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /** Creates a message, or answers the API error Discord would give. */
  createMessage(
    channelId: string,
    body: MessageBody,
    files: UploadedFile[],
    extra: Partial<PostedMessage> = {},
    allowEmpty = false,
  ): { message?: PostedMessage; error?: ApiErrorBody } {
    const error = this.options.strictLimits ? checkMessage(body, { creating: !allowEmpty, fileCount: files.length }) : null;
    if (error) return { error };
    const id = typeof extra.id === 'string' ? extra.id : snowflake();
    const am = (body.allowed_mentions as ApiAllowedMentions | undefined) ?? null;
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    const message: PostedMessage = {
      id,
      channel_id: channelId,
      author: structuredClone(this.world.bot),
      content: typeof body.content === 'string' ? body.content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: attachments(files, body),
      embeds: normaliseEmbeds(body.embeds),
      components: Array.isArray(body.components) ? structuredClone(body.components as ApiComponent[]) : [],
      pinned: false,
      type: 0,
      flags,
      ...(typeof body.nonce === 'string' || typeof body.nonce === 'number' ? { nonce: body.nonce } : {}),
      allowed_mentions: am,
      pings: wouldPing(body.content, am),
      edit_count: 0,
      ephemeral: (flags & MESSAGE_FLAGS.EPHEMERAL) !== 0,
      deleted: false,
      ...extra,
    };
    this.messages.set(id, message);
    const ch = this.channel(channelId);
    if (ch && !message.ephemeral) ch.last_message_id = id;
    this.changed();
    return { message };
  }

  editMessage(message: PostedMessage, body: MessageBody, files: UploadedFile[]): ApiErrorBody | null {
    const error = this.options.strictLimits ? checkMessage(body, { creating: false, fileCount: files.length }) : null;
    if (error) return error;
    if (typeof body.content === 'string' || body.content === null) message.content = body.content ?? '';
    if ('embeds' in body) message.embeds = normaliseEmbeds(body.embeds);
    if ('components' in body) message.components = Array.isArray(body.components) ? structuredClone(body.components as ApiComponent[]) : [];
    if ('attachments' in body || files.length) message.attachments = attachments(files, body);
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS (4) and IS_COMPONENTS_V2 (1<<15) can be changed; ephemeral stays as it was.
      message.flags = (message.flags & (MESSAGE_FLAGS.EPHEMERAL | MESSAGE_FLAGS.LOADING)) | (body.flags & ((1 << 2) | (1 << 15)));
    }
    message.flags &= ~MESSAGE_FLAGS.LOADING;
    if ('allowed_mentions' in body) message.allowed_mentions = (body.allowed_mentions as ApiAllowedMentions | null) ?? null;
    message.pings = wouldPing(message.content, message.allowed_mentions);
    message.edited_timestamp = new Date().toISOString();
    message.edit_count++;
    this.changed();
    return null;
  }

  /** Channel messages as everyone sees them now (edits applied; ephemeral and deleted ones left out), oldest first. */
  messagesIn(channelId: string): PostedMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.ephemeral && !m.deleted).map((m) => structuredClone(m));
  }

  // ---------------------------------------------------------------------------------------------
  // Interactions

  registerInteraction(state: InteractionState): void {
    this.interactions.set(state.id, state);
    this.interactionsByToken.set(state.token, state);
  }

  private reject(it: InteractionState, method: string, path: string, reply: Reply): Reply {
    it.rejected.push({ method, path, status: reply.status, error: reply.body });
    this.changed();
    return reply;
  }

  private record(it: InteractionState, r: Omit<InteractionResponseRecord, 'interactionId' | 'at' | 'pings'>): void {
    const at = it.sentAt === null ? 0 : performance.now() - it.sentAt;
    const pings = wouldPing(r.content, r.allowed_mentions);
    it.responses.push({ interactionId: it.id, at, pings, ...r });
    this.changed();
  }

  interactionCallback(id: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean): Reply {
    const it = this.interactions.get(id);
    const path = `/interactions/${id}/:token/callback`;
    if (!it || it.token !== token) return apiError(404, 10062, 'Unknown interaction');
    if (it.callbackType !== null) return this.reject(it, 'POST', path, apiError(400, 40060, 'Interaction has already been acknowledged.'));
    const elapsed = it.sentAt === null ? 0 : performance.now() - it.sentAt;
    if (elapsed > this.options.callbackDeadlineMs) return this.reject(it, 'POST', path, apiError(404, 10062, 'Unknown interaction'));
    const b = (body ?? {}) as { type?: unknown; data?: MessageBody & { choices?: unknown } };
    const type = typeof b.type === 'number' ? b.type : -1;
    const allowed: Record<InteractionKind, number[]> = { command: [4, 5, 9], autocomplete: [8], component: [4, 5, 6, 7, 9] };
    if (!allowed[it.kind].includes(type)) {
      return this.reject(
        it,
        'POST',
        path,
        json(400, { code: 50035, message: `Invalid Form Body: callback type ${type} is not valid for a ${it.kind} interaction` }),
      );
    }
    const data = b.data ?? {};
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    let message: PostedMessage | undefined;
    if (type === 8) {
      const error = this.options.strictLimits ? checkChoices(data.choices) : null;
      if (error) return this.reject(it, 'POST', path, json(400, error));
    } else if (type === 4 || type === 5) {
      const extra = this.interactionMessageExtra(it);
      const created =
        type === 5 // a deferred reply is an empty "thinking" message until it is edited
          ? this.createMessage(it.channelId, { content: '', flags: flags | MESSAGE_FLAGS.LOADING }, [], extra, true)
          : this.createMessage(it.channelId, data, files, extra);
      if (!created.message) return this.reject(it, 'POST', path, json(400, created.error));
      message = created.message;
      it.originalMessageId = message.id;
    } else if (type === 7 || type === 6) {
      message = it.sourceMessageId ? this.messages.get(it.sourceMessageId) : undefined;
      if (type === 7 && message) {
        const error = this.editMessage(message, data, files);
        if (error) return this.reject(it, 'POST', path, json(400, error));
      }
      it.originalMessageId = it.sourceMessageId;
    }
    it.callbackType = type;
    it.firstCallbackAt = performance.now();
    this.record(it, {
      kind: 'callback',
      type,
      flags,
      ephemeral: type === 4 || type === 5 ? (flags & MESSAGE_FLAGS.EPHEMERAL) !== 0 : (message?.ephemeral ?? false),
      ...messageFields(data),
      ...(type === 8 ? { choices: structuredClone(data.choices as Choice[]) } : {}),
      ...(message ? { messageId: message.id } : {}),
      files,
      body: structuredClone(data),
    });
    if (!withResponse) return noContent();
    return json(200, {
      interaction: {
        id: it.id,
        type: it.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: type === 5,
        response_message_ephemeral: message?.ephemeral ?? false,
      },
      resource: { type, ...(message ? { message: toApiMessage(message) } : {}) },
    });
  }

  private interactionMessageExtra(it: InteractionState): Partial<PostedMessage> {
    return {
      webhook_id: this.options.applicationId,
      application_id: this.options.applicationId,
      type: it.kind === 'command' ? 20 : 19,
      interaction_id: it.id,
      interaction_metadata: {
        id: it.id,
        type: it.type,
        user: structuredClone(it.user),
        authorizing_integration_owners: { '0': this.world.guild.id },
        ...(it.kind === 'command' ? { name: it.name, command_type: 1 } : {}),
        ...(it.sourceMessageId ? { interacted_message_id: it.sourceMessageId } : {}),
      },
    };
  }

  /** /webhooks/:app/:token[/messages/:messageId] */
  webhook(method: string, app: string, token: string, messageId: string | null, body: unknown, files: UploadedFile[], query: Record<string, string>): Reply {
    const it = this.interactionsByToken.get(token);
    if (!it || app !== this.options.applicationId) return apiError(404, 10015, 'Unknown Webhook');
    const path = `/webhooks/${app}/:token${messageId ? `/messages/${messageId}` : ''}`;
    const b = (body ?? {}) as MessageBody;

    if (messageId === null) {
      if (method !== 'POST') return apiError(405, 0, '405: Method Not Allowed');
      if (it.callbackType === null) return this.reject(it, method, path, apiError(404, 10015, 'Unknown Webhook'));
      const original = it.originalMessageId ? this.messages.get(it.originalMessageId) : undefined;
      let message: PostedMessage | undefined;
      if (it.callbackType === 5 && original && (original.flags & MESSAGE_FLAGS.LOADING) !== 0 && original.edit_count === 0) {
        // After a deferred reply, the first follow-up replaces the "thinking" message.
        const error = this.editMessage(original, b, files);
        if (error) return this.reject(it, method, path, json(400, error));
        message = original;
      } else {
        const created = this.createMessage(it.channelId, b, files, this.interactionMessageExtra(it));
        if (created.error) return this.reject(it, method, path, json(400, created.error));
        message = created.message!;
      }
      this.record(it, {
        kind: 'followup',
        flags: message.flags,
        ephemeral: message.ephemeral,
        ...messageFields(b),
        messageId: message.id,
        files,
        body: structuredClone(b),
      });
      return query.wait === 'true' ? json(200, toApiMessage(message)) : noContent();
    }

    const isOriginal = messageId === '@original';
    const targetId = isOriginal ? it.originalMessageId : messageId;
    const message = targetId ? this.messages.get(targetId) : undefined;
    const ours = message && !message.deleted && (message.interaction_id === it.id || message.id === it.sourceMessageId);
    if (!message || !ours) return this.reject(it, method, path, apiError(404, 10008, 'Unknown Message'));
    if (method === 'GET') return json(200, toApiMessage(message));
    if (method === 'DELETE') {
      message.deleted = true;
      this.record(it, {
        kind: isOriginal ? 'delete-original' : 'delete-followup',
        flags: message.flags,
        ephemeral: message.ephemeral,
        messageId: message.id,
        files: [],
        body: null,
      });
      return noContent();
    }
    if (method !== 'PATCH') return apiError(405, 0, '405: Method Not Allowed');
    const error = this.editMessage(message, b, files);
    if (error) return this.reject(it, method, path, json(400, error));
    this.record(it, {
      kind: isOriginal ? 'edit-original' : 'edit-followup',
      flags: message.flags,
      ephemeral: message.ephemeral,
      ...messageFields(b),
      messageId: message.id,
      files,
      body: structuredClone(b),
    });
    return json(200, toApiMessage(message));
  }
}

export function channelFailure(status: number): Reply {
  if (status === 403) return apiError(403, 50013, 'Missing Permissions');
  if (status === 404) return apiError(404, 10003, 'Unknown Channel');
  if (status === 401) return apiError(401, 0, '401: Unauthorized');
  return apiError(status, 0, `${status}`);
}

function messageFields(b: MessageBody): Pick<InteractionResponseRecord, 'content' | 'embeds' | 'components' | 'allowed_mentions'> {
  return {
    ...(typeof b.content === 'string' ? { content: b.content } : {}),
    ...(Array.isArray(b.embeds) ? { embeds: structuredClone(b.embeds as ApiEmbed[]) } : {}),
    ...(Array.isArray(b.components) ? { components: structuredClone(b.components as ApiComponent[]) } : {}),
    ...(b.allowed_mentions ? { allowed_mentions: structuredClone(b.allowed_mentions as ApiAllowedMentions) } : {}),
  };
}

function normaliseEmbeds(embeds: unknown): ApiEmbed[] {
  if (!Array.isArray(embeds)) return [];
  return (structuredClone(embeds) as ApiEmbed[]).map((e) => ({ type: 'rich', ...e }));
}

function attachments(files: UploadedFile[], body: MessageBody): ApiAttachment[] {
  const meta = Array.isArray(body.attachments) ? (body.attachments as Array<{ id?: unknown; description?: string }>) : [];
  return files.map((f, i) => {
    const id = snowflake();
    const url = `https://cdn.discordapp.invalid/attachments/${id}/${encodeURIComponent(f.filename)}`;
    const description = meta.find((m) => String(m.id) === String(i))?.description;
    return {
      id,
      filename: f.filename,
      size: f.size,
      url,
      proxy_url: url,
      ...(f.contentType ? { content_type: f.contentType } : {}),
      ...(description ? { description } : {}),
    };
  });
}
