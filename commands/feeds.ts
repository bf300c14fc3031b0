// /feeds status | why url:<item url> | enable feed:<id>
// status: every feed's health, failing and disabled first, which process polled it last and which holds it now. why: what the bot decided about an item it has
// seen (the same explanation as `commitment-watch why`), read from the poller's traces. enable (editors):
// puts a disabled or failing feed back on its schedule, as `commitment-watch feeds enable` does.
import {
  ApplicationCommandOptionType,
  MessageFlags,
  type APIEmbed,
  type APIEmbedField,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import type { CommandContext } from '../src/discord/command.ts';
import { EMBED_LIMITS, escapeText, fitEmbed, neutraliseMentions, packEmbeds, truncate } from '../src/discord/embed-limits.ts';
import { answer, isEditor, NO_MENTIONS, NOT_EDITOR, notFoundText, parseOptions, privately, replyPrivately, type Answer } from '../src/discord/respond.ts';
import { closestIds } from '../src/closest-ids.ts';
import { enableFeed } from '../src/feeds/enable-feed.ts';
import { explainItem, rejectionLabel, type ItemExplanation, type SightingExplanation } from '../src/feeds/explain.ts';
import type { FeedState } from '../src/feeds/feed-store.ts';

export const definition = {
  name: 'feeds',
  description: 'The sources the bot watches',
  contexts: [0],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'status', description: 'Health of every feed, failing first' },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'why',
      description: 'What the bot decided about an item, and why',
      options: [{ type: ApplicationCommandOptionType.String, name: 'url', description: "The item's URL", required: true, max_length: 500 }],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'enable',
      description: 'Put a disabled or failing feed back on its schedule (editors)',
      options: [{ type: ApplicationCommandOptionType.String, name: 'feed', description: 'The feed id', required: true, autocomplete: true, max_length: 100 }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const ORDER: Record<string, number> = { failing: 0, disabled: 1, healthy: 2 };
const ICON: Record<string, string> = { failing: '🔴', disabled: '⚫', healthy: '🟢' };
const COLOUR: Record<string, number> = { failing: 0xd83c3e, disabled: 0x4f545c, healthy: 0x3ba55c };
/** Fields per embed before packing (Discord allows 25). */
const FIELDS_PER_EMBED = 20;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  switch (interaction.options.getSubcommand()) {
    case 'status':
      return answerPacked(interaction, () => status(ctx));
    case 'why': {
      const url = parseOptions(
        z.url({ protocol: /^https?$/, message: 'expected an http(s) URL of a feed item' }),
        interaction.options.getString('url', true).trim(),
      );
      if (!url.ok) return replyPrivately(interaction, url.error);
      return answerPacked(interaction, () => why(ctx, url.value));
    }
    case 'enable':
      if (!(await isEditor(interaction, ctx))) return replyPrivately(interaction, NOT_EDITOR);
      return answer(interaction, () => enable(ctx, interaction.options.getString('feed', true), interaction.user.id), true);
    default:
      return replyPrivately(interaction, 'Unknown subcommand: see /help.');
  }
}

/**
 * Answers privately with the first message of embeds (deferring if slow), then sends any further messages
 * as private follow-ups: every message within Discord's 10-embed / 6,000-character limits.
 */
async function answerPacked(interaction: ChatInputCommandInteraction, produce: () => Promise<Answer | APIEmbed[][]>): Promise<void> {
  let rest: APIEmbed[][] = [];
  await answer(
    interaction,
    async () => {
      const result = await produce();
      if (!Array.isArray(result)) return result;
      const [first = [], ...others] = result;
      rest = others;
      return { embeds: first, ephemeral: true };
    },
    true,
  );
  for (const embeds of rest) {
    await interaction.followUp({ embeds: embeds.map(fitEmbed), allowedMentions: NO_MENTIONS, flags: MessageFlags.Ephemeral });
  }
}

/** Fields split over embeds (the first with `head`'s title and description), then packed into messages. */
function fieldsToMessages(head: APIEmbed, fields: APIEmbedField[]): APIEmbed[][] {
  const embeds: APIEmbed[] = [];
  for (let i = 0; i === 0 || i < fields.length; i += FIELDS_PER_EMBED) {
    const chunk = fields.slice(i, i + FIELDS_PER_EMBED);
    embeds.push(i === 0 ? { ...head, fields: chunk } : { title: `${truncate(head.title ?? '', 200)} (continued)`, color: head.color, fields: chunk });
  }
  return packEmbeds(embeds);
}

const when = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never');

/** Which process polled the feed last, and which holds it now (a claim not yet expired at `now`). */
function pollerLine(f: FeedState, now: string): string | undefined {
  const held = f.heldBy && f.heldBy.until > now ? `Polling now: ${escapeText(f.heldBy.owner)} (until ${when(f.heldBy.until)})` : undefined;
  const last = f.lastPolledBy ? `Last polled by: ${escapeText(f.lastPolledBy)}` : undefined;
  return [last, held].filter(Boolean).join(' · ') || undefined;
}

function feedField(f: FeedState, now: string): APIEmbedField {
  const kind = f.kind ?? (f.detectedKind ? `${f.detectedKind} (detected)` : 'not yet detected');
  const lines = [
    `Kind: ${escapeText(kind)} · Health: **${f.health}**`,
    ...(f.healthReason ? [`Reason: ${escapeText(truncate(f.healthReason, 300))}`] : []),
    f.lastAttemptAt ? `Last success: ${when(f.lastSuccessAt)} · Consecutive failures: ${f.consecutiveFailures}` : 'Not polled yet: waiting for its first slot',
    ...[pollerLine(f, now)].filter((l): l is string => l !== undefined).map((l) => truncate(l, 300)),
  ];
  return { name: truncate(`${ICON[f.health] ?? '❔'} ${f.id}`, EMBED_LIMITS.fieldName), value: truncate(lines.join('\n'), EMBED_LIMITS.fieldValue) };
}

async function status(ctx: CommandContext): Promise<Answer | APIEmbed[][]> {
  const feeds = await ctx.app.feeds.listFeeds();
  if (feeds.length === 0) return privately('No feeds are configured yet: the bot has not read its feed list (see feeds.yaml and `commitment-watch poll`).');
  feeds.sort((a, b) => (ORDER[a.health] ?? 3) - (ORDER[b.health] ?? 3) || a.id.localeCompare(b.id));
  const count = (h: string) => feeds.filter((f) => f.health === h).length;
  const worst = feeds[0]!.health;
  return fieldsToMessages(
    {
      title: 'Feeds',
      description: `${feeds.length} feeds: ${count('failing')} failing, ${count('disabled')} disabled, ${count('healthy')} healthy.`,
      color: COLOUR[worst],
    },
    feeds.map((f) => feedField(f, ctx.app.clock.now().toISOString())),
  );
}

/** Lines packed into field values of at most 1,024 characters; a single longer line is trimmed. */
function chunkLines(lines: string[], max = EMBED_LIMITS.fieldValue): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

const IDENTITY_LABEL: Record<string, string> = { 'first-fetch': 'first fetch', new: 'new item', update: 'update', duplicate: 'duplicate', edited: 'edited' };

function sightingFields(s: SightingExplanation): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  const dates = [s.published ? `published ${when(s.published)}` : '', s.updated ? `updated ${when(s.updated)}` : ''].filter(Boolean).join(', ');
  const seen = [
    `Seen ${s.timesSeen}× from ${when(s.firstSeen)} to ${when(s.lastSeen)}${dates ? `; ${dates}` : ''}`,
    ...s.identity.map((i) => `${when(i.at)} — ${IDENTITY_LABEL[i.decision] ?? escapeText(i.decision)}: ${escapeText(i.detail)}`),
    ...s.text.map((t) => `${when(t.at)} — text: ${escapeText(t.detail)}`),
  ];
  const feedName = `Feed ${s.feed}`;
  chunkLines(seen).forEach((value, n) => fields.push({ name: truncate(n ? `${feedName} (continued)` : feedName, EMBED_LIMITS.fieldName), value }));

  const matches = s.matches.map((m) => {
    const terms = m.matched.length ? ` [${m.matched.map(escapeText).join(', ')}]` : '';
    return `${m.accepted ? '✅' : '❌'} \`${m.commitment}\` score ${m.score ?? '—'}${terms} — ${escapeText(rejectionLabel(m) + m.reason)}`;
  });
  if (matches.length === 0 && s.identity.length) matches.push('None — no watch term of any commitment appears in it.');
  chunkLines(matches).forEach((value, n) => fields.push({ name: n ? 'Commitments (continued)' : 'Commitments', value }));

  const decisions = [
    ...s.proposals.map((p) => `Proposal${p.commitment ? ` for \`${p.commitment}\`` : ''}: ${escapeText(p.detail)}`),
    ...s.posts.map((p) => `→ ${escapeText(p.detail)}`),
  ];
  chunkLines(decisions).forEach((value, n) => fields.push({ name: n ? 'Decisions (continued)' : 'Decisions', value }));
  return fields;
}

function explanationMessages(e: ItemExplanation): APIEmbed[][] {
  const link = /^https?:\/\//i.test(e.link) ? e.link : undefined;
  return fieldsToMessages(
    {
      title: truncate(neutraliseMentions(e.title || e.link), EMBED_LIMITS.title),
      ...(link ? { url: link } : {}),
      description: truncate(`${escapeText(e.verdict)}\n${escapeText(e.link)}`, EMBED_LIMITS.description),
      color: e.posted ? COLOUR.healthy : COLOUR.disabled,
    },
    e.sightings.flatMap(sightingFields),
  );
}

async function why(ctx: CommandContext, url: string): Promise<Answer | APIEmbed[][]> {
  const result = await explainItem(ctx.app.feeds, url);
  if (!result.ok) {
    return privately(
      `The bot has not seen that item: no feed item with the link ${escapeText(truncate(url, 500))} is known. ` +
        'Only items that were in a feed the bot polled are known — check the link (copy it from the feed or the post), or try again after the next poll.',
    );
  }
  return explanationMessages(result.value);
}

async function enable(ctx: CommandContext, id: string, userId: string): Promise<Answer> {
  const store = ctx.app.feeds;
  const result = await enableFeed(store, id, `discord:${userId}`, ctx.app.clock.now());
  if (!result.ok)
    return privately(
      result.error.kind === 'unknown' ? notFoundText(result.error, 'feed') : `The feed ${escapeText(id.trim())} is being polled right now: try again in a minute.`,
    );
  const { feed, previous } = result.value;
  if (previous === 'healthy') return privately(`\`${feed.id}\` is already healthy: nothing to do.`);
  return privately(
    `\`${feed.id}\` was ${previous}; it is healthy again and will be polled at its next slot. If it still fails, it backs off and is reported again.`,
  );
}

/** Feed ids for what has been typed: failing and disabled first (those are the ones to enable). */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const typed = String(interaction.options.getFocused()).trim().toLowerCase().slice(0, 100);
  const feeds = await ctx.app.feeds.listFeeds();
  const rank = (f: FeedState) => ORDER[f.health] ?? 3;
  let pool = feeds.filter((f) => f.id.includes(typed)).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  if (pool.length === 0) {
    // A typo: the nearest ids, nearest first, instead of nothing.
    const byId = new Map(feeds.map((f) => [f.id, f]));
    pool = closestIds([...byId.keys()], typed).map((id) => byId.get(id)!);
  }
  await interaction.respond(pool.slice(0, 25).map((f) => ({ name: truncate(`${ICON[f.health] ?? '❔'} ${f.id} — ${f.health}`, 100), value: f.id.slice(0, 100) })));
}
