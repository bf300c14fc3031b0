// /digest schedule channel:<channel> [weekday] [hour] [timezone] [quiet]   (Manage Server)
// /digest preview [channel]                                              (ephemeral)
// The preview is built and rendered by the same code the scheduler posts with (digest-service.ts), for the
// window ending at the channel's latest due time: what it shows is what is then posted.
import { ApplicationCommandOptionType, ChannelType, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import { accessNote, postableChannel } from '../src/discord/channel-access.ts';
import type { CommandContext } from '../src/discord/command.ts';
import { answer, canManageServer, NOT_MANAGER, parseOptions, privately, replyPrivately } from '../src/discord/respond.ts';
import { chartReply } from '../src/discord/chart-upload.ts';
import { previewDigest } from '../src/digest/digest-service.ts';
import { currentWindow, digestSchedule, latestSlot, nextSlot } from '../src/digest/schedule.ts';
import { TimeZone } from '../src/time-zone.ts';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const channelTypes: (ChannelType.GuildText | ChannelType.GuildAnnouncement)[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

export const definition = {
  name: 'digest',
  description: 'The weekly digest: when it is posted, and what it would say now',
  default_member_permissions: '32', // Manage Server; the handler checks again
  contexts: [0],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'schedule',
      description: 'When a channel’s weekly digest is posted (Manage Server)',
      options: [
        { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'The channel', required: true, channel_types: channelTypes },
        {
          type: ApplicationCommandOptionType.Integer,
          name: 'weekday',
          description: 'Day of the week (default Monday)',
          choices: WEEKDAYS.map((name, i) => ({ name, value: i + 1 })),
        },
        { type: ApplicationCommandOptionType.Integer, name: 'hour', description: 'Hour, 0–23 (default 9)', min_value: 0, max_value: 23 },
        { type: ApplicationCommandOptionType.String, name: 'timezone', description: 'IANA time zone, e.g. Europe/London', max_length: 64 },
        { type: ApplicationCommandOptionType.Boolean, name: 'quiet', description: 'Post a short “nothing moved” digest on quiet weeks (default true)' },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'preview',
      description: 'What the next digest would say now (only you see it)',
      options: [{ type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'The channel (default: this one)', channel_types: channelTypes }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Schedule = z.object({
  weekday: z.number().int().min(1).max(7).optional(),
  hour: z.number().int().min(0).max(23).optional(),
  timezone: TimeZone.optional(),
  quiet: z.boolean().optional(),
});

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  if (!interaction.inGuild()) return replyPrivately(interaction, 'Digests are set up in a server, not in direct messages.');
  const o = interaction.options;
  const now = () => ctx.app.clock.now();
  switch (o.getSubcommand()) {
    case 'schedule': {
      if (!canManageServer(interaction)) return replyPrivately(interaction, NOT_MANAGER);
      const channel = o.getChannel('channel', true);
      const input = parseOptions(Schedule, {
        weekday: o.getInteger('weekday') ?? undefined,
        hour: o.getInteger('hour') ?? undefined,
        timezone: o.getString('timezone') ?? undefined,
        quiet: o.getBoolean('quiet') ?? undefined,
      });
      if (!input.ok) return replyPrivately(interaction, input.error);
      const v = input.value;
      const postable = postableChannel(interaction, channel.id);
      if (!postable.ok) return replyPrivately(interaction, postable.error);
      const access = postable.value;
      return answer(
        interaction,
        async () => {
          const existing = await ctx.subscriptions.get(channel.id);
          if (existing && existing.guildId !== interaction.guildId) return privately('That channel belongs to another server.');
          const sub = await ctx.subscriptions.upsert(
            {
              guildId: interaction.guildId,
              channelId: channel.id,
              // A channel without a subscription gets the digest only.
              frequency: existing?.frequency ?? 'off',
              filters: existing?.filters,
              createdBy: existing?.createdBy ?? `discord:${interaction.user.id}`,
              digest: true,
              digestWeekday: v.weekday ?? existing?.digestWeekday ?? 1,
              digestHour: v.hour ?? existing?.digestHour ?? 9,
              timeZone: v.timezone ?? existing?.timeZone ?? ctx.app.config.timeZone,
              quietDigest: v.quiet ?? existing?.quietDigest ?? true,
            },
            now().toISOString(),
          );
          const spec = digestSchedule(sub, ctx.app.config.timeZone);
          const next = nextSlot(spec, latestSlot(spec, now())).end;
          const when = `${WEEKDAYS[sub.digestWeekday - 1]}s at ${String(sub.digestHour).padStart(2, '0')}:00 ${sub.timeZone}`;
          return privately(
            `The digest for <#${channel.id}> is posted ${when}; the next one <t:${Math.floor(next.getTime() / 1000)}:F>. ` +
              (sub.quietDigest ? 'Quiet weeks get a short “nothing moved” summary.' : 'Nothing is posted on quiet weeks.') +
              accessNote(access),
          );
        },
        true,
      );
    }
    case 'preview': {
      const channelId = o.getChannel('channel')?.id ?? interaction.channelId;
      return answer(
        interaction,
        async () => {
          const found = await ctx.subscriptions.get(channelId);
          const sub = found && found.guildId === interaction.guildId ? found : undefined;
          const preview = await previewDigest(ctx.app, sub, now());
          if (sub && preview.digest.quiet && !sub.quietDigest) return privately('Nothing moved: on a quiet week nothing is posted to this channel (quiet is off).');
          const [first, ...more] = preview.messages;
          const note = sub ? `Preview for <#${channelId}>` : 'Preview with no filters (this channel has no subscription)';
          const window = sub ? currentWindow(digestSchedule(sub, ctx.app.config.timeZone), now()) : preview.window;
          return {
            ephemeral: true,
            content: `${note}, window <t:${Math.floor(window.start.getTime() / 1000)}:f> → <t:${Math.floor(window.end.getTime() / 1000)}:f>${more.length ? ` — ${more.length} more message${more.length === 1 ? '' : 's'} follow when posted` : ''}.`,
            // With the picture the posted digest carries (see chart-upload.ts).
            ...(first ? chartReply(first) : { embeds: [] }),
          };
        },
        true,
      );
    }
    default:
      return replyPrivately(interaction, 'Unknown subcommand: see /help.');
  }
}
