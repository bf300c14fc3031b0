// Whether the bot can post in a channel, asked before a subscription is saved: a channel it cannot post in
// would only be found out at the first alert (then marked broken), and the people who subscribed would
// wait for posts that never come. Read from the gateway's cache (guild, roles, overwrites, the bot's own
// member); when the cache cannot tell, the check passes and posting finds out as before.
import { PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { err, ok, type Result } from '../result.ts';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;
// After a crash the bot looks for its last post among the channel's recent messages (see poster.ts).
const WANTED = [[PermissionFlagsBits.ReadMessageHistory, 'Read Message History']] as const;

export interface ChannelAccess {
  /** Permissions without which nothing can be posted there. */
  missing: string[];
  /** Permissions it works without, less well. */
  missingOptional: string[];
}

export function botAccessIn(interaction: ChatInputCommandInteraction, channelId: string): ChannelAccess | undefined {
  const channel = interaction.guild?.channels.cache.get(channelId);
  const me = interaction.guild?.members.me;
  if (!channel || !me) return undefined;
  const has = channel.permissionsFor(me);
  return {
    missing: NEEDED.filter(([flag]) => !has.has(flag)).map(([, name]) => name),
    missingOptional: WANTED.filter(([flag]) => !has.has(flag)).map(([, name]) => name),
  };
}

/**
 * Whether a channel can be subscribed: the refusal to answer when the bot cannot post there, else what it
 * found (undefined when the cache cannot tell; posting finds out then).
 */
export function postableChannel(interaction: ChatInputCommandInteraction, channelId: string): Result<ChannelAccess | undefined, string> {
  const access = botAccessIn(interaction, channelId);
  if (!access?.missing.length) return ok(access);
  return err(
    `I cannot post in <#${channelId}>: I am missing ${list(access.missing)} there. ` +
      'Give my role (or me) those permissions in that channel, then run this again. Nothing was saved.',
  );
}

/** A note for a channel the bot can post in without everything it would like, or ''. */
export function accessNote(access: ChannelAccess | undefined): string {
  if (!access?.missingOptional.length) return '';
  return ` Note: without ${list(access.missingOptional)} there I cannot check after a crash whether a post went out, so one could be posted twice.`;
}

const list = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!);
