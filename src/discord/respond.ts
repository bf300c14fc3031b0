// Answering interactions: within Discord's 3 seconds, never mentioning anyone, errors privately.
import {
  MessageFlags,
  PermissionFlagsBits,
  type APIEmbed,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type AttachmentPayload,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { z } from 'zod';
import type { NotFound } from '../queries.ts';
import { err, ok, type Result } from '../result.ts';
import type { CommandContext } from './command.ts';
import { escapeText, fitEmbed, truncate } from './embed-limits.ts';

/** On everything the bot sends (and the client's default): nobody is ever pinged. */
export const NO_MENTIONS = { parse: [] as [] };

/** After this long without an answer ready, the interaction is deferred (Discord allows 3 s). */
export const DEFER_AFTER_MS = 1_500;

export interface Answer {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  ephemeral?: boolean;
  /** Files to attach (the digest preview's chart). */
  files?: AttachmentPayload[];
}

function payload(a: Answer) {
  return {
    content: a.content !== undefined ? truncate(a.content, 2000) : undefined,
    embeds: a.embeds?.slice(0, 10).map(fitEmbed),
    components: a.components,
    ...(a.files ? { files: a.files } : {}),
    allowedMentions: NO_MENTIONS,
  };
}

/** A private answer: refusals, bad input, errors. */
export async function replyPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const body = { content: truncate(content, 2000), allowedMentions: NO_MENTIONS };
  if (interaction.deferred || interaction.replied) {
    await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
  }
}

/**
 * Produces the answer and replies with it; when producing takes longer than DEFER_AFTER_MS, defers first
 * (publicly unless `ephemeralHint`) and edits the reply. An ephemeral answer after a public defer is sent
 * as an ephemeral follow-up and the placeholder deleted.
 */
export async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, produce: () => Promise<Answer>, ephemeralHint = false): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const work = produce();
  const result = await Promise.race([work.then((a) => ({ a })), new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), DEFER_AFTER_MS)))]);
  clearTimeout(timer);
  if (result !== 'slow') {
    const a = result.a;
    await interaction.reply({ ...payload(a), ...(a.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
    return;
  }
  await interaction.deferReply(ephemeralHint ? { flags: MessageFlags.Ephemeral } : {});
  const a = await work;
  if (a.ephemeral && !ephemeralHint) {
    await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ ...payload(a), flags: MessageFlags.Ephemeral });
  } else {
    await interaction.editReply(payload(a));
  }
}

export const privately = (content: string): Answer => ({ content, ephemeral: true });

export function memberRoleIds(interaction: RepliableInteraction): string[] {
  const m = interaction.member;
  if (!m) return [];
  return Array.isArray(m.roles) ? m.roles : [...m.roles.cache.keys()];
}

export function canManageServer(interaction: RepliableInteraction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

/** Editors: Manage Server, or the server's editor role (/alerts editor-role). */
export async function isEditor(interaction: RepliableInteraction, ctx: CommandContext): Promise<boolean> {
  if (!interaction.inGuild()) return false;
  if (canManageServer(interaction)) return true;
  const { editorRoleId } = await ctx.guildSettings.get(interaction.guildId);
  return !!editorRoleId && memberRoleIds(interaction).includes(editorRoleId);
}

export const NOT_EDITOR = 'Only editors can do this: members with Manage Server, or with the editor role the server chose (/alerts editor-role).';
export const NOT_MANAGER = 'Only members with the Manage Server permission can do this.';

/** Options checked with zod: the value, or a sentence naming the option and what was expected. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>, string> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const problems = parsed.error.issues.map((i) => `${i.path.length ? `\`${i.path.join('.')}\`` : 'input'}: ${i.message}`);
  return err(`That did not work — ${problems.join('; ')}.`);
}

export function notFoundText(nf: NotFound, what = 'commitment'): string {
  const closest = nf.suggestions.length ? ` Closest ${what} ids: ${nf.suggestions.map((s) => `\`${s}\``).join(', ')}.` : '';
  return `${escapeText(nf.message)}.${closest} Start typing and pick from the suggestions.`;
}
