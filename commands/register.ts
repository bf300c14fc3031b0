// /register list: the registers loaded, each with what it holds. Also the `register` option's
// autocomplete, shared by /recommendation, /commitment list and /alerts subscribe.
import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandContext } from '../src/discord/command.ts';
import { escapeText, truncate } from '../src/discord/embed-limits.ts';
import { answer, replyPrivately } from '../src/discord/respond.ts';

export const definition = {
  name: 'register',
  description: 'The registers the bot tracks: one committee report and the Government’s response each',
  contexts: [0],
  options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'Every register, with its recommendations and commitments' }],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The `register` option of other commands: autocompleted from the registers loaded. */
export const registerOption = {
  type: ApplicationCommandOptionType.String,
  name: 'register',
  description: 'Which register (needed when several are loaded; see /register list)',
  autocomplete: true,
  max_length: 100,
} as const;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const sub = interaction.options.getSubcommand();
  if (sub !== 'list') return replyPrivately(interaction, `Unknown subcommand ${sub}: see /help.`);
  return answer(interaction, async () => {
    const registers = await ctx.app.queries.registers();
    const fields = registers.slice(0, 25).map((r) => ({
      name: truncate(r.id, 256),
      value: truncate(`${escapeText(r.title)}\n${escapeText(r.committee)} — ${r.recommendations} recommendations, ${r.commitments} commitments`, 1024),
    }));
    // An embed holds 25 fields: past that, say so, and let the option's autocomplete find the rest by name.
    const more = registers.length > fields.length ? ` The first ${fields.length} are shown: type part of a name in that option to find the others.` : '';
    return {
      embeds: [
        {
          title: registers.length === 1 ? '1 register' : `${registers.length} registers`,
          color: 0x5865f2,
          description: registers.length
            ? `Name one with the \`register\` option of /recommendation show, /commitment list and /alerts subscribe.${more}`
            : 'No register is loaded.',
          fields,
        },
      ],
    };
  });
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await respondWithRegisters(interaction, ctx);
}

/** Up to 25 registers whose id or title holds what has been typed. */
export async function respondWithRegisters(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const typed = String(interaction.options.getFocused()).trim().toLowerCase().slice(0, 100);
  const registers = await ctx.app.store.registers();
  const found = registers.filter((r) => !typed || r.id.includes(typed) || r.title.toLowerCase().includes(typed));
  await interaction.respond(found.slice(0, 25).map((r) => ({ name: truncate(`${r.id} — ${r.title}`, 100), value: r.id.slice(0, 100) })));
}
