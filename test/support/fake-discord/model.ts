// Data shapes and the fixed "world" (guild, roles, channels, users) of the fake Discord.
// Objects are kept in Discord's API (snake_case) shape so they can be sent as they are.

/** Discord permission bits (as bigint, like discord.js's PermissionFlagsBits). */
export const PERMS = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_ROLES: 1n << 28n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
} as const;

/** What an ordinary member may do: no MANAGE_GUILD, no ADMINISTRATOR. */
export const DEFAULT_MEMBER_PERMISSIONS: bigint =
  PERMS.CREATE_INSTANT_INVITE |
  PERMS.ADD_REACTIONS |
  PERMS.VIEW_CHANNEL |
  PERMS.SEND_MESSAGES |
  PERMS.EMBED_LINKS |
  PERMS.ATTACH_FILES |
  PERMS.READ_MESSAGE_HISTORY |
  PERMS.USE_EXTERNAL_EMOJIS |
  PERMS.CHANGE_NICKNAME |
  PERMS.USE_APPLICATION_COMMANDS |
  PERMS.SEND_MESSAGES_IN_THREADS;

/** What the bot's own role grants. */
export const BOT_PERMISSIONS: bigint =
  PERMS.VIEW_CHANNEL |
  PERMS.SEND_MESSAGES |
  PERMS.EMBED_LINKS |
  PERMS.ATTACH_FILES |
  PERMS.READ_MESSAGE_HISTORY |
  PERMS.ADD_REACTIONS |
  PERMS.USE_EXTERNAL_EMOJIS |
  PERMS.SEND_MESSAGES_IN_THREADS;

export type PermissionsInput = bigint | number | string;
export const permString = (p: PermissionsInput): string => BigInt(p).toString();

/** Message flags used by the fake. */
export const MESSAGE_FLAGS = { EPHEMERAL: 64, LOADING: 128 } as const;

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;
/** A snowflake for "now" (or `at`), unique within the process. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}
/** A deterministic snowflake for fixtures: the same `n` always gives the same id. */
export function fixedSnowflake(n: number): string {
  return (((BigInt(Date.UTC(2024, 0, 1)) - DISCORD_EPOCH) << 22n) | BigInt(n)).toString();
}

// ---------------------------------------------------------------------------------------------
// API shapes (only what the fake produces; loose enough for test assertions)

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

// ---------------------------------------------------------------------------------------------
// The world

export interface ChannelSpec {
  id?: string;
  name: string;
  /** The bot may not send here: a permission overwrite denies it, and POSTs answer 403 / 50013. */
  locked?: boolean;
  /** Other permissions an overwrite denies the bot here (PERMS flags); REST does not enforce them. */
  denyBot?: bigint;
  topic?: string;
}
export interface MemberSpec {
  id?: string;
  username: string;
  /** Role names or ids (e.g. "Editors"). */
  roles?: string[];
}

export interface World {
  guild: { id: string; name: string; owner_id: string; joined_at: string };
  bot: ApiUser;
  botRoleId: string;
  roles: ApiRole[];
  channels: ApiChannel[];
  /** Members including the bot. */
  members: ApiMember[];
  lockedChannels: Set<string>;
}

export interface WorldOptions {
  guildId?: string;
  guildName?: string;
  applicationId: string;
  botUsername?: string;
  channels?: ChannelSpec[];
  members?: MemberSpec[];
  /** Extra roles besides @everyone, "Editors" and the bot's role. */
  roles?: Array<{ id?: string; name: string; permissions?: PermissionsInput }>;
}

export const DEFAULT_CHANNELS: ChannelSpec[] = [{ name: 'alerts' }, { name: 'general' }, { name: 'locked', locked: true }];
export const DEFAULT_MEMBERS: MemberSpec[] = [{ username: 'alice', roles: ['Editors'] }, { username: 'bob' }, { username: 'carol' }];

function role(id: string, name: string, permissions: bigint, position: number, extra: Partial<ApiRole> = {}): ApiRole {
  return {
    id,
    name,
    permissions: permissions.toString(),
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    managed: false,
    mentionable: false,
    flags: 0,
    ...extra,
  };
}

export function user(id: string, username: string, bot = false): ApiUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username[0]!.toUpperCase() + username.slice(1),
    avatar: null,
    ...(bot ? { bot: true } : {}),
    public_flags: 0,
  };
}

export function member(u: ApiUser, roles: string[], joinedAt: string): ApiMember {
  return {
    user: u,
    roles,
    nick: null,
    avatar: null,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function makeChannel(world: Pick<World, 'guild' | 'bot'>, spec: ChannelSpec, id: string, position: number): ApiChannel {
  return {
    id,
    type: 0,
    guild_id: world.guild.id,
    name: spec.name,
    position,
    permission_overwrites:
      spec.locked || spec.denyBot
        ? [
            {
              id: world.bot.id,
              type: 1,
              allow: '0',
              deny: ((spec.locked ? PERMS.SEND_MESSAGES | PERMS.SEND_MESSAGES_IN_THREADS : 0n) | (spec.denyBot ?? 0n)).toString(),
            },
          ]
        : [],
    topic: spec.topic ?? null,
    nsfw: false,
    parent_id: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function buildWorld(o: WorldOptions): World {
  const guildId = o.guildId ?? fixedSnowflake(1);
  const joinedAt = new Date(Date.UTC(2024, 0, 1)).toISOString();
  const bot = user(o.applicationId, o.botUsername ?? 'Commitment Watch', true);
  const botRoleId = fixedSnowflake(31);
  const roles: ApiRole[] = [
    role(guildId, '@everyone', DEFAULT_MEMBER_PERMISSIONS, 0),
    role(fixedSnowflake(30), 'Editors', DEFAULT_MEMBER_PERMISSIONS, 1, { mentionable: true }),
    role(botRoleId, bot.username, BOT_PERMISSIONS, 2, { managed: true, tags: { bot_id: bot.id } }),
  ];
  (o.roles ?? []).forEach((r, i) => roles.push(role(r.id ?? fixedSnowflake(40 + i), r.name, BigInt(r.permissions ?? DEFAULT_MEMBER_PERMISSIONS), 3 + i)));
  const roleId = (ref: string): string => roles.find((r) => r.id === ref || r.name === ref)?.id ?? ref;

  const memberSpecs = o.members ?? DEFAULT_MEMBERS;
  const users = memberSpecs.map((m, i) => user(m.id ?? fixedSnowflake(20 + i), m.username));
  const members = [member(bot, [botRoleId], joinedAt), ...memberSpecs.map((m, i) => member(users[i]!, (m.roles ?? []).map(roleId), joinedAt))];
  const guild = { id: guildId, name: o.guildName ?? 'Commitment Watch Test', owner_id: users[0]?.id ?? bot.id, joined_at: joinedAt };
  const world: World = { guild, bot, botRoleId, roles, channels: [], members, lockedChannels: new Set() };
  (o.channels ?? DEFAULT_CHANNELS).forEach((spec, i) => {
    const ch = makeChannel(world, spec, spec.id ?? fixedSnowflake(10 + i), i);
    world.channels.push(ch);
    if (spec.locked) world.lockedChannels.add(ch.id);
  });
  return world;
}

/** The GUILD_CREATE payload for the world. */
export function guildCreatePayload(w: World): Record<string, unknown> {
  return {
    ...guildObject(w),
    joined_at: w.guild.joined_at,
    large: false,
    unavailable: false,
    member_count: w.members.length,
    voice_states: [],
    members: structuredClone(w.members),
    channels: structuredClone(w.channels),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The guild object as REST returns it. */
export function guildObject(w: World): Record<string, unknown> {
  return {
    id: w.guild.id,
    name: w.guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: w.guild.owner_id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    features: [],
    roles: structuredClone(w.roles),
    emojis: [],
    stickers: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-GB',
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}
