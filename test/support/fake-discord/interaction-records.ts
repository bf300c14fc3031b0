// What the fake records of each interaction it sends: its state (sent when, answered how) and every
// response the bot made to it, in order. FakeState keeps them; waiting.ts and the tests read them.
import type { UploadedFile } from './http.ts';
import type { Choice } from './limits.ts';
import type { ApiAllowedMentions, ApiChannel, ApiComponent, ApiEmbed, ApiUser } from './api.ts';

export type InteractionKind = 'command' | 'autocomplete' | 'component';

export interface InteractionResponseRecord {
  interactionId: string;
  kind: 'callback' | 'edit-original' | 'delete-original' | 'followup' | 'edit-followup' | 'delete-followup';
  /** Callback type (4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal); absent for webhook calls. */
  type?: number;
  flags: number;
  ephemeral: boolean;
  content?: string;
  embeds?: ApiEmbed[];
  components?: ApiComponent[];
  allowed_mentions?: ApiAllowedMentions;
  choices?: Choice[];
  /** Mentions in the content that would notify someone. */
  pings: string[];
  /** The message created or edited, if any. */
  messageId?: string;
  files: UploadedFile[];
  /** The raw body (callbacks: the `data` object). */
  body: unknown;
  /** Milliseconds since the INTERACTION_CREATE was sent. */
  at: number;
}

export interface InteractionState {
  id: string;
  token: string;
  /** INTERACTION_CREATE type: 2 command, 3 component, 4 autocomplete. */
  type: number;
  kind: InteractionKind;
  /** Command name, or custom_id for components. */
  name: string;
  payload: Record<string, unknown>;
  user: ApiUser;
  channelId: string;
  sentAt: number | null;
  firstCallbackAt: number | null;
  callbackType: number | null;
  originalMessageId: string | null;
  /** For components: the message the component is on. */
  sourceMessageId: string | null;
  responses: InteractionResponseRecord[];
  /** Calls the fake refused (bad form body, already acknowledged, too late...). */
  rejected: Array<{ method: string; path: string; status: number; error: unknown }>;
}

/** A fresh record for an interaction about to be sent: nothing sent, nothing answered yet. */
export function newInteractionState(
  kind: InteractionKind,
  name: string,
  built: { id: string; token: string; user: ApiUser; channel: ApiChannel; payload: Record<string, unknown> },
  sourceMessageId: string | null,
): InteractionState {
  return {
    id: built.id,
    token: built.token,
    type: built.payload.type as number,
    kind,
    name,
    payload: built.payload,
    user: built.user,
    channelId: built.channel.id,
    sentAt: null,
    firstCallbackAt: null,
    callbackType: null,
    originalMessageId: null,
    sourceMessageId,
    responses: [],
    rejected: [],
  };
}
