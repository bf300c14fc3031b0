// Builds INTERACTION_CREATE payloads shaped like Discord's.
import { BOT_PERMISSIONS, DEFAULT_MEMBER_PERMISSIONS, member as makeMember, permString, snowflake, type PermissionsInput, type World } from './model.ts';
import { type ApiChannel, type ApiCommand, type ApiCommandOption, type ApiMember, type ApiMessage, type ApiUser } from './api.ts';

/** Application command option types. */
export const OPTION = {
  SUB_COMMAND: 1,
  SUB_COMMAND_GROUP: 2,
  STRING: 3,
  INTEGER: 4,
  BOOLEAN: 5,
  USER: 6,
  CHANNEL: 7,
  ROLE: 8,
  MENTIONABLE: 9,
  NUMBER: 10,
} as const;

export interface TypedOption {
  type: number;
  value: string | number | boolean;
}
/** A plain value's type comes from the registered command if there is one, else from the JS type. */
export type OptionInput = string | number | boolean | TypedOption;

/** Explicitly typed option values, for options the fake cannot infer (channels, roles, users, numbers). */
export const opt = {
  string: (value: string): TypedOption => ({ type: OPTION.STRING, value }),
  integer: (value: number): TypedOption => ({ type: OPTION.INTEGER, value }),
  boolean: (value: boolean): TypedOption => ({ type: OPTION.BOOLEAN, value }),
  user: (id: string): TypedOption => ({ type: OPTION.USER, value: id }),
  channel: (id: string): TypedOption => ({ type: OPTION.CHANNEL, value: id }),
  role: (id: string): TypedOption => ({ type: OPTION.ROLE, value: id }),
  mentionable: (id: string): TypedOption => ({ type: OPTION.MENTIONABLE, value: id }),
  number: (value: number): TypedOption => ({ type: OPTION.NUMBER, value }),
};

export interface InvokerOptions {
  /** A member's id or username, or a user object (default: the first non-bot member). */
  user?: string | ApiUser;
  /** member.permissions (default: @everyone's plus the member's roles'; see PERMS). */
  permissions?: PermissionsInput;
  /** Role ids or names (default: the member's roles). */
  roles?: string[];
  /** Channel the interaction happens in (default: the first channel). */
  channelId?: string;
  locale?: string;
}

export interface CommandInput extends InvokerOptions {
  name: string;
  options?: Record<string, OptionInput>;
  subcommand?: string;
  subcommandGroup?: string;
}

export interface AutocompleteInput extends CommandInput {
  /** Name of the option being typed into. */
  focused: string;
}

export interface ComponentInput extends InvokerOptions {
  customId: string;
  /** The message the component is on (e.g. from `messagesIn`), or its id. */
  message: ApiMessage | string;
}

export interface BuildContext {
  world: World;
  applicationId: string;
  findCommand(name: string): ApiCommand | undefined;
}

export function resolveUser(world: World, ref: string | ApiUser | undefined): { user: ApiUser; member: ApiMember } {
  if (ref === undefined) {
    const first = world.members.find((m) => !m.user.bot);
    if (!first) throw new Error('fake-discord: the guild has no members to act as the user');
    return { user: first.user, member: first };
  }
  if (typeof ref === 'string') {
    const found = world.members.find((m) => m.user.id === ref || m.user.username === ref);
    if (!found) throw new Error(`fake-discord: no member "${ref}"`);
    return { user: found.user, member: found };
  }
  const found = world.members.find((m) => m.user.id === ref.id);
  return found ? { user: found.user, member: found } : { user: ref, member: makeMember(ref, [], new Date().toISOString()) };
}

const roleId = (world: World, ref: string): string => world.roles.find((r) => r.id === ref || r.name === ref)?.id ?? ref;

function memberPermissions(world: World, roles: string[]): bigint {
  let p = BigInt(world.roles.find((r) => r.id === world.guild.id)?.permissions ?? DEFAULT_MEMBER_PERMISSIONS);
  for (const id of roles) p |= BigInt(world.roles.find((r) => r.id === id)?.permissions ?? 0);
  return p;
}

function base(ctx: BuildContext, type: number, inv: InvokerOptions, channelId: string | undefined) {
  const { world } = ctx;
  const { user, member } = resolveUser(world, inv.user);
  const roles = inv.roles ? inv.roles.map((r) => roleId(world, r)) : member.roles;
  const permissions = inv.permissions !== undefined ? permString(inv.permissions) : memberPermissions(world, roles).toString();
  const chId = channelId ?? inv.channelId ?? world.channels[0]?.id;
  const channel = world.channels.find((c) => c.id === chId);
  if (!channel) throw new Error(`fake-discord: no channel "${chId}"`);
  // The interaction happens in the channel's server (with several, that decides the shard it arrives on).
  const guildId = channel.guild_id;
  const id = snowflake();
  const token = `fake-interaction-token.${id}.${Math.random().toString(36).slice(2)}`;
  const payload: Record<string, unknown> = {
    id,
    application_id: ctx.applicationId,
    type,
    token,
    version: 1,
    guild_id: guildId,
    guild: { id: guildId, locale: 'en-GB', features: [] },
    channel: { ...channelForInteraction(channel, permissions) },
    channel_id: channel.id,
    member: { ...structuredClone(member), user: structuredClone(user), roles, permissions },
    app_permissions: BOT_PERMISSIONS.toString(),
    locale: inv.locale ?? 'en-GB',
    guild_locale: 'en-GB',
    entitlements: [],
    authorizing_integration_owners: { '0': guildId },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
  return { id, token, user, channel, payload };
}

function channelForInteraction(c: ApiChannel, permissions: string): Record<string, unknown> {
  const { permission_overwrites: _o, ...rest } = structuredClone(c);
  return { ...rest, permissions };
}

function inferType(v: string | number | boolean): number {
  if (typeof v === 'boolean') return OPTION.BOOLEAN;
  if (typeof v === 'number') return Number.isInteger(v) ? OPTION.INTEGER : OPTION.NUMBER;
  return OPTION.STRING;
}

interface Resolved {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  channels?: Record<string, unknown>;
  roles?: Record<string, unknown>;
}

function resolveValue(ctx: BuildContext, type: number, value: unknown, permissions: string, resolved: Resolved): void {
  const { world } = ctx;
  const id = String(value);
  const addUser = (): boolean => {
    const m = world.members.find((x) => x.user.id === id);
    if (!m) return false;
    (resolved.users ??= {})[id] = structuredClone(m.user);
    const { user: _u, ...rest } = structuredClone(m);
    (resolved.members ??= {})[id] = { ...rest, permissions: memberPermissions(world, m.roles).toString() };
    return true;
  };
  const addRole = (): boolean => {
    const r = world.roles.find((x) => x.id === id);
    if (r) (resolved.roles ??= {})[id] = structuredClone(r);
    return Boolean(r);
  };
  if (type === OPTION.USER) addUser();
  else if (type === OPTION.ROLE) addRole();
  else if (type === OPTION.MENTIONABLE) {
    if (!addUser()) addRole();
  } else if (type === OPTION.CHANNEL) {
    const c = world.channels.find((x) => x.id === id);
    (resolved.channels ??= {})[id] = c
      ? channelForInteraction(c, permissions)
      : { id, name: 'unknown-channel', type: 0, guild_id: world.guild.id, permissions, parent_id: null, nsfw: false, position: 0 };
  }
}

function buildCommandData(ctx: BuildContext, input: CommandInput, permissions: string, focused?: string) {
  const command = ctx.findCommand(input.name);
  let defs: ApiCommandOption[] | undefined = command?.options;
  const groupDef = input.subcommandGroup ? defs?.find((o) => o.type === OPTION.SUB_COMMAND_GROUP && o.name === input.subcommandGroup) : undefined;
  if (input.subcommandGroup) defs = groupDef?.options;
  const subDef = input.subcommand ? defs?.find((o) => o.type === OPTION.SUB_COMMAND && o.name === input.subcommand) : undefined;
  if (input.subcommand) defs = subDef?.options;

  const resolved: Resolved = {};
  const entries = Object.entries(input.options ?? {});
  if (focused !== undefined && !entries.some(([n]) => n === focused)) entries.push([focused, '']);
  const leaves = entries.map(([name, raw]) => {
    const typed = typeof raw === 'object' ? raw : null;
    const value = typed ? typed.value : (raw as string | number | boolean);
    const type = typed?.type ?? defs?.find((d) => d.name === name)?.type ?? inferType(value);
    if (focused === undefined) resolveValue(ctx, type, value, permissions, resolved);
    return { name, type, value, ...(name === focused ? { focused: true } : {}) };
  });

  let options: unknown[] = leaves;
  if (input.subcommand) options = [{ name: input.subcommand, type: OPTION.SUB_COMMAND, options: leaves }];
  if (input.subcommandGroup) options = [{ name: input.subcommandGroup, type: OPTION.SUB_COMMAND_GROUP, options }];
  return {
    id: command?.id ?? stableCommandId(input.name),
    name: input.name,
    type: 1,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    ...(options.length ? { options } : {}),
    ...(Object.keys(resolved).length ? { resolved } : {}),
  };
}

const unregisteredIds = new Map<string, string>();
function stableCommandId(name: string): string {
  let id = unregisteredIds.get(name);
  if (!id) unregisteredIds.set(name, (id = snowflake()));
  return id;
}

export function buildSlashCommand(ctx: BuildContext, input: CommandInput) {
  const b = base(ctx, 2, input, undefined);
  b.payload.data = buildCommandData(ctx, input, String((b.payload.member as ApiMember).permissions), undefined);
  return b;
}

export function buildAutocomplete(ctx: BuildContext, input: AutocompleteInput) {
  const b = base(ctx, 4, input, undefined);
  b.payload.data = buildCommandData(ctx, input, String((b.payload.member as ApiMember).permissions), input.focused);
  return b;
}

export function buildComponent(ctx: BuildContext, input: InvokerOptions & { customId: string }, message: ApiMessage, data: Record<string, unknown>) {
  const b = base(ctx, 3, input, message.channel_id);
  b.payload.message = structuredClone(message);
  b.payload.data = { custom_id: input.customId, ...data };
  return b;
}
