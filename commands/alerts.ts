// /alerts subscribe | unsubscribe | list | editor-role (Manage Server)
import {
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
  type APIApplicationCommandChannelOption,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import { Status, STATUSES } from '../src/domain.ts';
import { accessNote, postableChannel } from '../src/discord/channel-access.ts';
import type { CommandContext } from '../src/discord/command.ts';
import { escapeText, truncate } from '../src/discord/embed-limits.ts';
import { answer, canManageServer, NOT_MANAGER, notFoundText, parseOptions, privately, replyPrivately } from '../src/discord/respond.ts';
import { FREQUENCIES, Frequency, type Subscription } from '../src/subscriptions/subscription.ts';
import { respondWithCommitments } from './commitment.ts';
import { registerOption, respondWithRegisters } from './register.ts';

const channelOption: APIApplicationCommandChannelOption = {
  type: ApplicationCommandOptionType.Channel,
  name: 'channel',
  description: 'The channel',
  required: true,
  channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
};

export const definition = {
  name: 'alerts',
  description: 'Where the bot posts, and who may edit (Manage Server)',
  default_member_permissions: '32', // Manage Server
  contexts: [0],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'subscribe',
      description: 'Post alerts to a channel (subscribing again replaces its settings)',
      options: [
        channelOption,
        {
          type: ApplicationCommandOptionType.String,
          name: 'frequency',
          description: 'How often (default immediately)',
          choices: FREQUENCIES.map((f) => ({ name: f, value: f })),
        },
        { type: ApplicationCommandOptionType.String, name: 'commitment', description: 'Only this commitment', autocomplete: true, max_length: 100 },
        { type: ApplicationCommandOptionType.String, name: 'department', description: 'Only this department (part of its name)', max_length: 100 },
        { type: ApplicationCommandOptionType.String, name: 'theme', description: 'Only this theme (part of its name)', max_length: 100 },
        {
          type: ApplicationCommandOptionType.String,
          name: 'status',
          description: 'Only commitments with this status',
          choices: STATUSES.map((s) => ({ name: s, value: s })),
        },
        { ...registerOption, description: 'Only commitments of this register (see /register list)' },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'unsubscribe',
      description: 'Stop posting to a channel (a deleted one too: use subscription)',
      options: [
        { ...channelOption, required: false, description: 'The channel' },
        // A deleted channel cannot be picked in a channel option: this one lists the subscriptions themselves.
        {
          type: ApplicationCommandOptionType.String,
          name: 'subscription',
          description: "Or one of this server's subscriptions, broken ones first (a deleted channel too)",
          autocomplete: true,
          max_length: 100,
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: "This server's subscriptions, broken ones with their reason" },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'editor-role',
      description: 'The role whose members are editors (besides Manage Server)',
      options: [{ type: ApplicationCommandOptionType.Role, name: 'role', description: 'The editor role', required: true }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Subscribe = z.object({
  frequency: Frequency.default('immediately'),
  commitment: z.string().trim().min(1).max(100).optional(),
  department: z.string().trim().min(1).max(100).optional(),
  theme: z.string().trim().min(1).max(100).optional(),
  status: Status.optional(),
  register: z.string().trim().min(1).max(100).optional(),
});

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  if (!interaction.inGuild()) return replyPrivately(interaction, 'Alerts are set up in a server, not in direct messages.');
  if (!canManageServer(interaction)) return replyPrivately(interaction, NOT_MANAGER);
  const o = interaction.options;
  const guildId = interaction.guildId;
  const actor = `discord:${interaction.user.id}`;
  const now = () => ctx.app.clock.now().toISOString();
  switch (o.getSubcommand()) {
    case 'subscribe': {
      const channel = o.getChannel('channel', true);
      const input = parseOptions(Subscribe, {
        frequency: o.getString('frequency') ?? undefined,
        commitment: o.getString('commitment') ?? undefined,
        department: o.getString('department') ?? undefined,
        theme: o.getString('theme') ?? undefined,
        status: o.getString('status') ?? undefined,
        register: o.getString('register') ?? undefined,
      });
      if (!input.ok) return replyPrivately(interaction, input.error);
      const v = input.value;
      const postable = postableChannel(interaction, channel.id);
      if (!postable.ok) return replyPrivately(interaction, postable.error);
      const access = postable.value;
      return answer(
        interaction,
        async () => {
          const register = await ctx.app.queries.resolveRegister(v.register, false, 'the `register` option');
          if (!register.ok) return privately(`${register.error}.`);
          if (v.commitment && !(await ctx.app.store.getCommitment(v.commitment))) {
            return privately(notFoundText({ message: `no commitment with id ${v.commitment}`, suggestions: await ctx.app.queries.closestIds(v.commitment) }));
          }
          const sub = await ctx.subscriptions.upsert(
            {
              guildId,
              channelId: channel.id,
              frequency: v.frequency,
              timeZone: ctx.app.config.timeZone,
              filters: {
                commitments: v.commitment ? [v.commitment] : [],
                departments: v.department ? [v.department] : [],
                themes: v.theme ? [v.theme] : [],
                statuses: v.status ? [v.status] : [],
                ...(register.value ? { registers: [register.value] } : {}),
              },
              createdBy: actor,
            },
            now(),
          );
          const note = sub.frequency === 'immediately' ? '' : ` (${sub.frequency} posts come with the digest)`;
          return privately(`Subscribed <#${channel.id}>: ${describe(sub)}${note}.${accessNote(access)}`);
        },
        true,
      );
    }
    case 'unsubscribe': {
      const typed = o.getString('subscription');
      // The autocompleted value is the channel id; a typed id or <#id> mention works too.
      const channelId = o.getChannel('channel')?.id ?? (typed ? /^<?#?(\d{17,20})>?$/.exec(typed.trim())?.[1] : undefined);
      if (!channelId) {
        return replyPrivately(
          interaction,
          typed
            ? `\`subscription\`: pick one from the list (or give a channel id). See /alerts list.`
            : 'Give `channel`, or `subscription` for a channel that no longer exists. See /alerts list.',
        );
      }
      return answer(
        interaction,
        async () => {
          const existing = await ctx.subscriptions.get(channelId);
          if (!existing || existing.guildId !== guildId) return privately(`<#${channelId}> has no subscription. See /alerts list.`);
          await ctx.subscriptions.remove(channelId);
          return privately(`Unsubscribed <#${channelId}>: nothing more will be posted there.`);
        },
        true,
      );
    }
    case 'list':
      return answer(
        interaction,
        async () => {
          const subs = await ctx.subscriptions.list(guildId);
          const { editorRoleId } = await ctx.guildSettings.get(guildId);
          const lines = subs.map(
            (s) =>
              `${s.brokenReason ? '⚠️ ' : ''}<#${s.channelId}> — ${describe(s)}${s.brokenReason ? `\n  **Broken** since ${s.brokenAt?.slice(0, 10)}: ${escapeText(s.brokenReason)} (subscribe again to retry, or remove it with /alerts unsubscribe subscription:${s.channelId})` : ''}`,
          );
          return {
            ephemeral: true,
            embeds: [
              {
                title: 'Alert subscriptions',
                description: truncate(lines.join('\n') || 'None yet: /alerts subscribe channel:#somewhere', 4096),
                fields: [{ name: 'Editor role', value: editorRoleId ? `<@&${editorRoleId}>` : 'none (Manage Server only)' }],
              },
            ],
          };
        },
        true,
      );
    case 'editor-role': {
      const role = o.getRole('role', true);
      await ctx.guildSettings.setEditorRole(guildId, role.id, actor, now());
      return replyPrivately(interaction, `Members with <@&${role.id}> are now editors: they can use /commitment set-status and confirm proposals.`);
    }
    default:
      return replyPrivately(interaction, 'Unknown subcommand: see /help.');
  }
}

function describe(s: Subscription): string {
  const f = s.filters;
  const parts = [
    f.commitments.length && `commitments ${f.commitments.map((c) => `\`${c}\``).join(', ')}`,
    f.departments.length && `departments ${f.departments.map(escapeText).join(', ')}`,
    f.themes.length && `themes ${f.themes.map(escapeText).join(', ')}`,
    f.statuses.length && `statuses ${f.statuses.join(', ')}`,
    f.registers?.length && `register ${f.registers.map((r) => `\`${r}\``).join(', ')}`,
  ].filter(Boolean);
  return `${s.frequency}, ${parts.length ? parts.join('; ') : 'everything'}`;
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const focused = interaction.options.getFocused(true).name;
  if (focused === 'subscription') return respondWithSubscriptions(interaction, ctx);
  if (focused === 'register') return respondWithRegisters(interaction, ctx);
  await respondWithCommitments(interaction, ctx);
}

/** This server's subscriptions, broken ones first, by channel name (or "deleted channel" and its id). */
async function respondWithSubscriptions(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  if (!interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return interaction.respond([]);
  const typed = String(interaction.options.getFocused()).toLowerCase();
  const subs = (await ctx.subscriptions.list(interaction.guildId)).sort((a, b) => Number(!!b.brokenReason) - Number(!!a.brokenReason));
  const choices = subs.map((s) => {
    const channel = interaction.guild?.channels.cache.get(s.channelId);
    const where = channel ? `#${channel.name}` : `deleted channel ${s.channelId}`;
    return { name: truncate(`${where} — ${s.frequency}${s.brokenReason ? ` — broken: ${s.brokenReason}` : ''}`, 100), value: s.channelId };
  });
  await interaction.respond(choices.filter((c) => !typed || c.name.toLowerCase().includes(typed) || c.value.includes(typed)).slice(0, 25));
}
