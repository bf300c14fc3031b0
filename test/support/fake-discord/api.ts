// Discord's API objects as the fake sends them (snake_case, so they go out as they are): only what the
// fake produces, loose enough for test assertions. The world that holds them is in model.ts.

export interface ApiUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  system?: boolean;
  flags?: number;
  public_flags?: number;
}

export interface ApiRole {
  id: string;
  name: string;
  permissions: string;
  color: number;
  colors: { primary_color: number; secondary_color: number | null; tertiary_color: number | null };
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: string };
}

export interface ApiOverwrite {
  id: string;
  type: 0 | 1; // 0 role, 1 member
  allow: string;
  deny: string;
}

export interface ApiChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: ApiOverwrite[];
  topic: string | null;
  nsfw: boolean;
  parent_id: string | null;
  last_message_id: string | null;
  rate_limit_per_user: number;
  flags: number;
}

export interface ApiMember {
  user: ApiUser;
  roles: string[];
  nick: string | null;
  avatar: string | null;
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
  permissions?: string;
}

export interface ApiEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}
export interface ApiEmbed {
  type?: string;
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: ApiEmbedField[];
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  [key: string]: unknown;
}
export interface ApiComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  components?: ApiComponent[];
  [key: string]: unknown;
}
export interface ApiAllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}
export interface ApiAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  description?: string;
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  author: ApiUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: ApiAttachment[];
  embeds: ApiEmbed[];
  components: ApiComponent[];
  pinned: boolean;
  type: number;
  flags: number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  nonce?: string | number;
}

/** A message as the fake stores it: the API object plus what the bot asked for. */
export interface PostedMessage extends ApiMessage {
  /** allowed_mentions sent with the latest create/edit (null when none was sent). */
  allowed_mentions: ApiAllowedMentions | null;
  /** Mentions in the content that would notify someone, given allowed_mentions (e.g. "@everyone", "<@123>"). */
  pings: string[];
  /** How many times the message was edited. */
  edit_count: number;
  /** True for interaction responses only the invoking user sees. */
  ephemeral: boolean;
  deleted: boolean;
  /** The interaction this message answers, if any. */
  interaction_id?: string;
}

export function toApiMessage(m: PostedMessage): ApiMessage {
  const { allowed_mentions: _a, pings: _p, edit_count: _e, ephemeral: _eph, deleted: _d, interaction_id: _i, ...api } = m;
  return structuredClone(api);
}

export interface ApiCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  description: string;
  type: number;
  options?: ApiCommandOption[];
  default_member_permissions: string | null;
  nsfw: boolean;
  version: string;
  [key: string]: unknown;
}
export interface ApiCommandOption {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  autocomplete?: boolean;
  options?: ApiCommandOption[];
  choices?: Array<{ name: string; value: string | number }>;
  [key: string]: unknown;
}
