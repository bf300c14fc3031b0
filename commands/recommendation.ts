// /recommendation show number:<1–36>
import { ApplicationCommandOptionType, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { CommandContext } from '../src/discord/command.ts';
import { recommendationEmbed } from '../src/discord/render.ts';
import { answer, parseOptions, privately, replyPrivately } from '../src/discord/respond.ts';

export const definition = {
  name: 'recommendation',
  description: "The Committee's recommendations and the Government's answers",
  contexts: [0],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'show',
      description: "A recommendation, the Government's answer, and the commitments it produced",
      options: [{ type: ApplicationCommandOptionType.Integer, name: 'number', description: 'Recommendation number (1–36)', required: true, min_value: 1, max_value: 36 }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Number_ = z.number().int('expected a whole number').min(1, 'recommendations are numbered 1 to 36').max(36, 'recommendations are numbered 1 to 36');

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const n = parseOptions(Number_, interaction.options.getInteger('number', true));
  if (!n.ok) return replyPrivately(interaction, n.error);
  return answer(interaction, async () => {
    const rec = await ctx.app.queries.recommendation(n.value);
    if (!rec.ok) return privately(`${rec.error.message}.`);
    return { embeds: [recommendationEmbed(rec.value)] };
  });
}
