// Data shapes and the fixed "world" (guild, roles, channels, users) of the fake Discord.
// Objects are kept in Discord's API (snake_case) shape so they can be sent as they are (api.ts).
import type { ApiChannel, ApiMember, ApiRole, ApiUser } from './api.ts';

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
/** The shard Discord puts a server on: (id >> 22) % count. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}
/** A deterministic server id on shard `shard` of `count` (the same `n` gives the same id). */
export function guildIdOnShard(shard: number, count: number, n = 1): string {
  const ms = BigInt(Date.UTC(2024, 0, 1)) - DISCORD_EPOCH;
  const offset = (BigInt(shard) - (ms % BigInt(count)) + BigInt(count)) % BigInt(count);
  return (((ms + offset) << 22n) | BigInt(n)).toString();
}
/** A deterministic snowflake for fixtures: the same `n` always gives the same id. */
export function fixedSnowflake(n: number): string {
  return (((BigInt(Date.UTC(2024, 0, 1)) - DISCORD_EPOCH) << 22n) | BigInt(n)).toString();
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

export interface GuildRecord {
  id: string;
  name: string;
  owner_id: string;
  joined_at: string;
}

/** Another server the bot is in, beside the main one (for sharding: its id decides its shard). */
export interface GuildSpec {
  id: string;
  name?: string;
  /** Its text channels (default: one named "alerts"); channel names may repeat across servers. */
  channels?: ChannelSpec[];
}

export interface World {
  guild: GuildRecord;
  /** Every server the bot is in, the main one first. Channels of all of them are in `channels`. */
  guilds: GuildRecord[];
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
  /** Other servers the bot is in; they share the main server's members and roles. */
  otherGuilds?: GuildSpec[];
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

export function makeChannel(world: { guild: { id: string }; bot: ApiUser }, spec: ChannelSpec, id: string, position: number): ApiChannel {
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
  const world: World = { guild, guilds: [guild], bot, botRoleId, roles, channels: [], members, lockedChannels: new Set() };
  const addChannels = (g: GuildRecord, specs: ChannelSpec[], firstId: number): void =>
    specs.forEach((spec, i) => {
      const ch = makeChannel({ guild: g, bot }, spec, spec.id ?? fixedSnowflake(firstId + i), i);
      world.channels.push(ch);
      if (spec.locked) world.lockedChannels.add(ch.id);
    });
  addChannels(guild, o.channels ?? DEFAULT_CHANNELS, 10);
  (o.otherGuilds ?? []).forEach((g, i) => {
    const record = { id: g.id, name: g.name ?? `Other server ${i + 1}`, owner_id: guild.owner_id, joined_at: joinedAt };
    world.guilds.push(record);
    addChannels(record, g.channels ?? [{ name: 'alerts' }], 1000 + 100 * i);
  });
  return world;
}

/** The server's roles: the main server's, its @everyone role taking the server's id. */
function rolesOf(w: World, guildId: string): ApiRole[] {
  return structuredClone(w.roles).map((r) => (r.id === w.guild.id ? { ...r, id: guildId } : r));
}

/** The READY payload for a new session: the bot, its shard's guilds (unavailable until GUILD_CREATE), the application. */
export function readyPayload(
  w: World,
  session: { applicationId: string; resumeGatewayUrl: string; sessionId: string; shard: [number, number]; guildIds: string[] },
): Record<string, unknown> {
  return {
    v: 10,
    user: structuredClone(w.bot),
    guilds: session.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: session.sessionId,
    session_type: 'normal',
    resume_gateway_url: session.resumeGatewayUrl,
    shard: session.shard,
    application: { id: session.applicationId, flags: 0 },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    user_settings: {},
    geo_ordered_rtc_regions: [],
  };
}

/** The GUILD_CREATE payload for one of the world's servers (default: the main one). */
export function guildCreatePayload(w: World, guildId = w.guild.id): Record<string, unknown> {
  return {
    ...guildObject(w, guildId),
    joined_at: w.guild.joined_at,
    large: false,
    unavailable: false,
    member_count: w.members.length,
    voice_states: [],
    members: structuredClone(w.members),
    channels: structuredClone(w.channels.filter((c) => c.guild_id === guildId)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The guild object as REST returns it. */
export function guildObject(w: World, guildId = w.guild.id): Record<string, unknown> {
  const g = w.guilds.find((x) => x.id === guildId) ?? w.guild;
  return {
    id: g.id,
    name: g.name,
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
    roles: rolesOf(w, g.id),
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
