// /commitment show | list | search | history | set-status
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIEmbed,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import { STATUSES, Status } from '../src/domain.ts';
import type { NotFound } from '../src/queries.ts';
import type { Result } from '../src/result.ts';
import { DomainError } from '../src/store/errors.ts';
import type { CommandContext } from '../src/discord/command.ts';
import { ID_SEP } from '../src/discord/command.ts';
import { truncate } from '../src/discord/embed-limits.ts';
import { commitmentEmbed, evidenceEmbed, historyEmbed, historyLine, listEmbed, searchEmbed, STATUS_COLOUR } from '../src/discord/render.ts';
import { commitmentPageUrl } from '../src/web/links.ts';
import { answer, isEditor, NO_MENTIONS, NOT_EDITOR, notFoundText, parseOptions, privately, replyPrivately, type Answer } from '../src/discord/respond.ts';
import { registerOption, respondWithRegisters } from './register.ts';

const statusChoices = STATUSES.map((s) => ({ name: s, value: s }));
const commitmentOption = {
  type: ApplicationCommandOptionType.String,
  name: 'commitment',
  description: 'Commitment id (start typing an id or a few words)',
  required: true,
  autocomplete: true,
  max_length: 100,
} as const;

export const definition = {
  name: 'commitment',
  description: "The Government's commitments and how far each has been delivered",
  contexts: [0],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'show', description: 'One commitment in full', options: [commitmentOption] },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'list',
      description: 'Commitments, filtered and paged',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'status', description: 'Only this status', choices: statusChoices },
        { type: ApplicationCommandOptionType.String, name: 'department', description: 'Part of a department name', max_length: 30 },
        { type: ApplicationCommandOptionType.String, name: 'theme', description: 'Part of a theme name', max_length: 30 },
        { type: ApplicationCommandOptionType.Boolean, name: 'overdue', description: 'Only overdue commitments' },
        { ...registerOption, description: 'Only this register (see /register list)' },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'search',
      description: 'Search commitments and recommendations',
      options: [{ type: ApplicationCommandOptionType.String, name: 'text', description: 'Words to look for', required: true, max_length: 200 }],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'history', description: "A commitment's status changes", options: [commitmentOption] },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'evidence',
      description: 'Everything found about a commitment, newest first',
      options: [commitmentOption],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'set-status',
      description: "Record a change of a commitment's status (editors)",
      options: [
        commitmentOption,
        { type: ApplicationCommandOptionType.String, name: 'status', description: 'The new status', required: true, choices: statusChoices },
        { type: ApplicationCommandOptionType.String, name: 'reason', description: 'Why: what happened', required: true, min_length: 3, max_length: 1000 },
        { type: ApplicationCommandOptionType.String, name: 'source', description: 'A link to the evidence (http or https)', max_length: 500 },
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** How long list paging buttons work. */
export const LIST_TTL_MS = 10 * 60_000;
const LIST_PREFIX = 'cl';
const PAGE_SIZE = 8;

const Id = z.string().trim().min(1, 'give a commitment id').max(100);
const Url = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL, such as https://www.gov.uk/…' });
const ListFilters = z.object({
  status: Status.optional(),
  department: z.string().trim().max(30).optional(),
  theme: z.string().trim().max(30).optional(),
  overdue: z.boolean().optional(),
  register: z.string().trim().min(1).max(100).optional(),
});
type ListFilters = z.infer<typeof ListFilters>;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const sub = interaction.options.getSubcommand();
  const o = interaction.options;
  switch (sub) {
    case 'show':
      return answer(interaction, () => show(o.getString('commitment', true), ctx));
    case 'history':
      return answer(interaction, () => history(o.getString('commitment', true), ctx));
    case 'evidence':
      return answer(interaction, () => evidence(o.getString('commitment', true), ctx));
    case 'search':
      return answer(interaction, () => search(o.getString('text', true), ctx));
    case 'list': {
      const filters = parseOptions(ListFilters, {
        status: o.getString('status') ?? undefined,
        department: o.getString('department') ?? undefined,
        theme: o.getString('theme') ?? undefined,
        overdue: o.getBoolean('overdue') ?? undefined,
        register: o.getString('register') ?? undefined,
      });
      if (!filters.ok) return replyPrivately(interaction, filters.error);
      const expires = ctx.app.clock.now().getTime() + LIST_TTL_MS;
      const chosen = filters.value;
      return answer(interaction, async () => {
        const register = await ctx.app.queries.resolveRegister(chosen.register, false, 'the `register` option');
        if (!register.ok) return privately(`${register.error}.`);
        return listPage({ ...chosen, register: register.value }, 1, interaction.user.id, expires, ctx);
      });
    }
    case 'set-status':
      return setStatus(interaction, ctx);
    default:
      return replyPrivately(interaction, `Unknown subcommand ${sub}: see /help.`);
  }
}

/** One commitment by id: the id checked, an unknown one answered with the closest ids, else `embed`. */
async function aboutCommitment<T>(raw: string, find: (id: string) => Promise<Result<T, NotFound>>, embed: (found: T) => APIEmbed): Promise<Answer> {
  const id = parseOptions(Id, raw);
  if (!id.ok) return privately(id.error);
  const found = await find(id.value);
  if (!found.ok) return privately(notFoundText(found.error));
  return { embeds: [embed(found.value)] };
}

const show = (raw: string, ctx: CommandContext) =>
  aboutCommitment(
    raw,
    (id) => ctx.app.queries.show(id),
    (c) => commitmentEmbed(c, commitmentPageUrl(ctx.app.config.publicUrl, c.id)),
  );
const history = (raw: string, ctx: CommandContext) =>
  aboutCommitment(
    raw,
    (id) => ctx.app.queries.history(id),
    (v) => historyEmbed(v.commitment, v.history),
  );
const evidence = (raw: string, ctx: CommandContext) =>
  aboutCommitment(
    raw,
    (id) => ctx.app.queries.evidence(id),
    (v) => evidenceEmbed(v.commitment, v.evidence),
  );

async function search(raw: string, ctx: CommandContext): Promise<Answer> {
  const text = parseOptions(z.string().trim().min(2, 'type at least two characters').max(200), raw);
  if (!text.ok) return privately(text.error);
  return { embeds: [searchEmbed(text.value, await ctx.app.queries.search(text.value, 10))] };
}

// --- list paging: the custom id carries everything (owner, expiry, page, filters) -----------------

// A register is carried as its place among the registers (an id could overflow the 100-character custom id).
function encodeList(owner: string, expires: number, page: number, f: ListFilters, registerIndex: number): string {
  const clean = (s: string | undefined) => (s ?? '').replaceAll(ID_SEP, ' ').slice(0, 30);
  const status = f.status ? String(STATUSES.indexOf(f.status)) : '';
  const register = registerIndex >= 0 ? registerIndex.toString(36) : '';
  return [LIST_PREFIX, owner, Math.floor(expires / 1000).toString(36), page, status, f.overdue ? '1' : '', clean(f.department), clean(f.theme), register].join(
    ID_SEP,
  );
}

function decodeList(customId: string): { owner: string; expires: number; page: number; filters: ListFilters; registerIndex: number } | undefined {
  const [prefix, owner, exp, page, status, overdue, department, theme, register] = customId.split(ID_SEP);
  if (prefix !== LIST_PREFIX || !owner || !exp || !page) return undefined;
  const st = status ? STATUSES[Number(status)] : undefined;
  return {
    owner,
    expires: parseInt(exp, 36) * 1000,
    page: Math.max(1, Number(page) || 1),
    filters: { status: st, overdue: overdue === '1' || undefined, department: department || undefined, theme: theme || undefined },
    registerIndex: register ? parseInt(register, 36) : -1,
  };
}

async function listPage(filters: ListFilters, page: number, owner: string, expires: number, ctx: CommandContext): Promise<Answer> {
  const result = await ctx.app.queries.list({ ...filters, status: filters.status ? [filters.status] : undefined, page, pageSize: ctx.listPageSize ?? PAGE_SIZE });
  const registerIndex = filters.register ? (await ctx.app.store.registers()).findIndex((r) => r.id === filters.register) : -1;
  const described = [
    filters.register && `register ${filters.register}`,
    filters.status && `status ${filters.status}`,
    filters.department && `department “${filters.department}”`,
    filters.theme && `theme “${filters.theme}”`,
    filters.overdue && 'overdue',
  ]
    .filter(Boolean)
    .join(', ');
  const embed = listEmbed(result, truncate(described, 200));
  if (result.pages <= 1) return { embeds: [embed] };
  return {
    embeds: [embed],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Previous',
            custom_id: encodeList(owner, expires, result.page - 1, filters, registerIndex),
            disabled: result.page <= 1,
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Next',
            custom_id: encodeList(owner, expires, result.page + 1, filters, registerIndex),
            disabled: result.page >= result.pages,
          },
        ],
      },
    ],
  };
}

async function pageButton(interaction: ButtonInteraction, ctx: CommandContext): Promise<void> {
  const state = decodeList(interaction.customId);
  if (!state) return replyPrivately(interaction, 'This button is not understood any more: run /commitment list again.');
  if (ctx.app.clock.now().getTime() > state.expires) {
    await interaction.update({ components: [], allowedMentions: NO_MENTIONS });
    await interaction.followUp({ content: 'These buttons have expired: run /commitment list again.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  if (interaction.user.id !== state.owner) {
    return replyPrivately(interaction, 'Only the person who asked can page this list: run /commitment list to get your own.');
  }
  const register = state.registerIndex >= 0 ? (await ctx.app.store.registers())[state.registerIndex]?.id : undefined;
  const next = await listPage({ ...state.filters, register }, state.page, state.owner, state.expires, ctx);
  await interaction.update({ embeds: next.embeds, components: next.components ?? [], allowedMentions: NO_MENTIONS });
}

export const buttons = { [LIST_PREFIX]: pageButton };

// --- set-status ------------------------------------------------------------------------------------

const SetStatus = z.object({
  commitment: Id,
  status: Status,
  reason: z.string().trim().min(3, 'say why, in at least 3 characters').max(1000, 'keep the reason under 1000 characters'),
  source: Url.optional(),
});

async function setStatus(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  if (!(await isEditor(interaction, ctx))) return replyPrivately(interaction, NOT_EDITOR);
  const o = interaction.options;
  const input = parseOptions(SetStatus, {
    commitment: o.getString('commitment', true),
    status: o.getString('status', true),
    reason: o.getString('reason', true),
    source: o.getString('source')?.trim() || undefined,
  });
  if (!input.ok) return replyPrivately(interaction, input.error);
  const v = input.value;
  return answer(interaction, async () => {
    try {
      const h = await ctx.app.store.changeStatus(
        { commitmentId: v.commitment, to: v.status, reason: v.reason, evidence: v.source ? [v.source] : [], actor: `discord:${interaction.user.id}` },
        ctx.app.clock.now().toISOString(),
      );
      return { embeds: [{ title: truncate(`Status recorded: ${v.commitment}`, 256), color: STATUS_COLOUR[v.status], description: historyLine(h) }] };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'not-found') {
        return privately(notFoundText({ message: error.message, suggestions: await ctx.app.queries.closestIds(v.commitment) }));
      }
      if (error.code === 'no-change') return privately(`Nothing recorded: ${error.message}. Pick a different status.`);
      return privately(`Nothing recorded: ${error.message}.`);
    }
  });
}

// --- autocomplete ----------------------------------------------------------------------------------

export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  if (interaction.options.getFocused(true).name === 'register') return respondWithRegisters(interaction, ctx);
  await respondWithCommitments(interaction, ctx);
}

/** Up to 25 commitment ids for what has been typed (shared by /alerts). */
export async function respondWithCommitments(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const typed = String(interaction.options.getFocused()).slice(0, 100);
  const found = await ctx.app.queries.suggest(typed, 25);
  await interaction.respond(found.slice(0, 25).map((c) => ({ name: truncate(`${c.id} — ${c.title}`, 100), value: c.id.slice(0, 100) })));
}
