// /help
import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandContext } from '../src/discord/command.ts';
import { answer } from '../src/discord/respond.ts';

export const definition = {
  name: 'help',
  description: 'What Commitment Watch does and how to use it',
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const HELP_TEXT = [
  '**/commitment show** `commitment` — one commitment: the Government’s words, status, deadline, evidence, last change.',
  '**/commitment list** `[status] [department] [theme] [overdue] [register]` — commitments, paged with Previous/Next.',
  '**/commitment search** `text` — commitments and recommendations matching some words.',
  '**/commitment history** `commitment` — every recorded change of status, with reasons and sources.',
  '**/commitment evidence** `commitment` — everything found about it, newest first, with where it came from.',
  '**/commitment set-status** `commitment status reason [source]` — editors record a change.',
  '**/recommendation show** `number [register]` — the Committee’s words, the Government’s answer, the commitments it produced (name the register when several are loaded).',
  '**/register list** — the registers tracked (one committee report and its Government response each), with their counts.',
  '**/alerts subscribe | unsubscribe | list | editor-role** — Manage Server: where the bot posts, and who edits.',
  '**/digest schedule** `channel [weekday] [hour] [timezone] [quiet]` — Manage Server: when the weekly digest comes; **/digest preview** `[channel]` — what it would say now.',
  '**/feeds status** — health of every feed; **/feeds why** `url` — what the bot decided about an item; **/feeds enable** `feed` — editors put a disabled feed back.',
  '',
  'Editors are members with Manage Server, or with the role set by **/alerts editor-role**.',
].join('\n');

export async function execute(interaction: ChatInputCommandInteraction, _ctx: CommandContext): Promise<void> {
  return answer(interaction, () =>
    Promise.resolve({
      embeds: [{ title: 'Commitment Watch', description: `Holds the UK Government to what it said it would do.\n\n${HELP_TEXT}`, color: 0x5865f2 }],
      ephemeral: true,
    }),
  );
}
