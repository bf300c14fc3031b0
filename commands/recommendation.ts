// /recommendation show number:<n> [register]
import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import type { CommandContext } from '../src/discord/command.ts';
import { recommendationEmbed } from '../src/discord/render.ts';
import { answer, parseOptions, privately, replyPrivately } from '../src/discord/respond.ts';
import { registerOption, respondWithRegisters } from './register.ts';

export const definition = {
  name: 'recommendation',
  description: "The Committee's recommendations and the Government's answers",
  contexts: [0],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'show',
      description: "A recommendation, the Government's answer, and the commitments it produced",
      options: [
        { type: ApplicationCommandOptionType.Integer, name: 'number', description: 'Recommendation number', required: true, min_value: 1, max_value: 999 },
        registerOption,
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Number_ = z.number().int('expected a whole number').min(1, 'recommendations are numbered from 1').max(999, 'no register has that many recommendations');

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const n = parseOptions(Number_, interaction.options.getInteger('number', true));
  if (!n.ok) return replyPrivately(interaction, n.error);
  return answer(interaction, async () => {
    // Numbers are per register: while several are loaded, the register must be named.
    const register = await ctx.app.queries.resolveRegister(
      interaction.options.getString('register') ?? undefined,
      true,
      'the `register` option (see /register list)',
    );
    if (!register.ok) return privately(`${register.error}.`);
    const rec = await ctx.app.queries.recommendation(n.value, register.value);
    if (!rec.ok) return privately(`${rec.error.message}.`);
    return { embeds: [{ ...recommendationEmbed(rec.value), footer: { text: `Register: ${rec.value.registerId}` } }] };
  });
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await respondWithRegisters(interaction, ctx);
}
