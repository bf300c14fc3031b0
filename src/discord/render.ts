// Embeds for the query core's answers and for outbox events. All outside text is escaped here.
import type { APIEmbed } from 'discord.js';
import { openForText, type Position, type Status } from '../domain.ts';
import type { StoredEvent } from '../events.ts';
import { eventHeadline, eventItem, eventLink } from '../event-text.ts';
import type { CommitmentDetail, CommitmentSummary, ListPage } from '../queries.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN, type EvidenceView, type HistoryView, type RecommendationRow, type SearchHit } from '../store/register-store.ts';
import { escapeText, truncate } from './embed-limits.ts';

export const STATUS_COLOUR: Record<Status, number> = {
  'not-started': 0x95a5a6,
  'in-progress': 0x3498db,
  stalled: 0xf1c40f,
  delivered: 0x2ecc71,
  'partly-delivered': 0x1abc9c,
  abandoned: 0xe74c3c,
  unclear: 0x9b59b6,
};
const NEUTRAL = 0x5865f2;

export const statusText = (s: Status | null | undefined): string => (s ? s.replace(/-/g, ' ') : '—');
export const positionText = (p: Position): string => p.replace(/-/g, ' ');

/** A URL shown as a link only when it is http(s); escaped text otherwise. */
export function link(url: string, label?: string): string {
  if (!/^https?:\/\/[^\s<>()]+$/i.test(url)) return escapeText(url);
  const text = label ? escapeText(truncate(label, 200)).replace(/[[\]]/g, '') : url;
  return label ? `[${text}](${url})` : `<${url}>`;
}

export function deadlineLine(c: CommitmentSummary): string {
  // Without a date nothing can be overdue: say how long it has been open instead.
  const open = !c.deadlineDate && c.openDays !== null ? `\nNo date given · open ${openForText(c.openDays)}` : '';
  if (!c.deadline) return `none given${open}`;
  const parts = [c.deadline.text ? `“${escapeText(c.deadline.text)}”` : '', c.deadlineDate ?? ''].filter(Boolean);
  const revised = c.deadline.revised.length ? ` (revised ${c.deadline.revised.length}×)` : '';
  return `${parts.join(' — ') || 'none given'}${revised}${c.overdue ? ' — **OVERDUE**' : ''}${open}`;
}

/** `pageUrl`: the commitment's page on the tracker (PUBLIC_URL), linked from the title and a field. */
export function commitmentEmbed(c: CommitmentDetail, pageUrl?: string): APIEmbed {
  const fields = [
    { name: 'Status', value: statusText(c.status), inline: true },
    { name: 'Department', value: escapeText(c.department) + (c.originalDepartment ? ` (made by ${escapeText(c.originalDepartment)})` : ''), inline: true },
    { name: 'Deadline', value: deadlineLine(c), inline: true },
    {
      name: c.positions.length > 1 ? 'Recommendations' : 'Recommendation',
      value: c.positions.map((p) => `${p.number} — ${positionText(p.position)}`).join('\n') || c.recommendations.join(', ') || '—',
      inline: true,
    },
  ];
  if (c.evidence.length) {
    fields.push({
      name: 'Latest evidence',
      value: c.evidence.map((e) => `• ${link(e.url, e.title)}${e.published ? ` (${e.published.slice(0, 10)})` : ''}`).join('\n'),
      inline: false,
    });
  }
  if (c.lastChange) {
    const h = c.lastChange;
    fields.push({ name: 'Last change', value: historyLine(h), inline: false });
  }
  if (pageUrl) fields.push({ name: 'On the tracker', value: link(pageUrl), inline: false });
  return {
    title: truncate(`${c.title}`, 256),
    url: pageUrl,
    description: `> ${escapeText(c.quote).replace(/\n+/g, '\n> ')}`,
    color: STATUS_COLOUR[c.status],
    fields,
    footer: { text: `${c.id} · register ${c.registerId} · made ${c.madeOn}` },
  };
}

export function historyLine(h: HistoryView): string {
  const move = h.from ? `${statusText(h.from)} → ${statusText(h.to)}` : `recorded as ${statusText(h.to)}`;
  const sources = h.evidence.length ? `\nSource: ${h.evidence.map((u) => link(u)).join(', ')}` : '';
  return `${h.at.slice(0, 10)} · **${move}** (by ${escapeText(h.actor)})\n${escapeText(truncate(h.reason, 700))}${sources}`;
}

export function listEmbed(page: ListPage, filters: string): APIEmbed {
  const lines = page.items.map(
    (c) =>
      `**\`${c.id}\`** — ${escapeText(truncate(c.title, 150))}\n${statusText(c.status)} · ${escapeText(c.department)}` +
      (c.overdue ? ' · **OVERDUE**' : !c.deadlineDate && c.openDays !== null ? ` · open ${openForText(c.openDays)}, no date` : ''),
  );
  return {
    title: `Commitments${filters ? ` — ${filters}` : ''}`,
    description: lines.join('\n') || 'No commitment matches.',
    color: NEUTRAL,
    footer: { text: `Page ${page.page} of ${page.pages} · ${page.total} commitment${page.total === 1 ? '' : 's'}` },
  };
}

export function snippetText(snippet: string): string {
  // Escape the text, then turn the match markers into bold.
  return escapeText(snippet).replaceAll(SNIPPET_OPEN, '**').replaceAll(SNIPPET_CLOSE, '**');
}

export function searchEmbed(text: string, hits: SearchHit[]): APIEmbed {
  return {
    title: truncate(`Search: ${escapeText(text)}`, 256), // what the user typed, shown to the channel
    color: NEUTRAL,
    description: hits.length ? undefined : 'Nothing matches. Try fewer or different words.',
    fields: hits.map((h, i) => ({
      name: truncate(
        `${i + 1}. ${h.kind === 'commitment' ? `${h.id} — ${h.title}` : `Recommendation ${h.id} — ${h.title.replace(/^Recommendation \d+:\s*/, '')}`}`,
        256,
      ),
      value: snippetText(h.snippet) || '—',
    })),
  };
}

export function historyEmbed(c: CommitmentSummary, history: HistoryView[]): APIEmbed {
  return {
    title: truncate(`History: ${c.title}`, 256),
    color: STATUS_COLOUR[c.status],
    fields: history.slice(-25).map((h) => ({ name: `${h.at.slice(0, 10)} → ${statusText(h.to)}`, value: historyLine(h) })),
    description: history.length ? (history.length > 25 ? `Latest 25 of ${history.length} changes.` : undefined) : 'No changes recorded.',
    footer: { text: `${c.id} · now ${statusText(c.status)}` },
  };
}

/** Evidence as lines, newest first, as many as fit one embed's description; the footer says how many. */
export function evidenceEmbed(c: CommitmentSummary, evidence: EvidenceView[]): APIEmbed {
  const lines: string[] = [];
  let length = 0;
  for (const e of evidence) {
    const from = e.source === 'seed' ? 'seed' : `${escapeText(e.source)}${e.score !== null ? `, score ${e.score}` : ''}`;
    const line = `• ${(e.published ?? e.foundAt).slice(0, 10)} ${link(e.url, e.title)} — ${from}`;
    if (length + line.length + 1 > 3900) break;
    lines.push(line);
    length += line.length + 1;
  }
  const shown =
    lines.length < evidence.length
      ? `${lines.length} of ${evidence.length} shown (newest first; commitment-watch evidence ${c.id} lists all)`
      : `${evidence.length} item${evidence.length === 1 ? '' : 's'}`;
  return {
    title: truncate(`Evidence: ${c.title}`, 256),
    description: lines.join('\n') || 'No evidence yet: nothing the bot watches has matched this commitment.',
    color: STATUS_COLOUR[c.status],
    footer: { text: truncate(`${c.id} · ${shown}`, 2048) },
  };
}

export function recommendationEmbed(rec: RecommendationRow & { commitmentTitles: Record<string, string> }): APIEmbed {
  return {
    title: truncate(`Recommendation ${rec.number} — ${rec.theme}`, 256),
    color: NEUTRAL,
    description: `**The Committee recommended:**\n${escapeText(rec.text)}`,
    fields: [
      { name: 'The Government answered', value: escapeText(rec.response) },
      { name: 'Position', value: `${positionText(rec.position)} — ${escapeText(rec.rationale)}` },
      {
        name: 'Commitments it produced',
        value: rec.commitments.map((id) => `\`${id}\` — ${escapeText(rec.commitmentTitles[id] ?? id)}`).join('\n') || 'None.',
      },
      { name: 'Departments', value: rec.departments.map(escapeText).join(', ') || '—' },
    ],
  };
}

// --- events ------------------------------------------------------------------------------------

/** Marks a posted event in its footer: how a restart finds a message that was sent just before a crash. */
export const eventMarker = (eventId: number): string => `event #${eventId}`;

export function eventEmbed(event: StoredEvent, commitmentTitle?: string, pageUrl?: string): APIEmbed {
  const item = eventItem(event);
  const title = commitmentTitle ?? ('commitmentTitle' in event.payload ? event.payload.commitmentTitle : undefined);
  const about = event.commitmentId ? `\`${event.commitmentId}\`${title ? ` — ${escapeText(title)}` : ''}` : undefined;
  const itemLink = eventLink(event);
  const fields: NonNullable<APIEmbed['fields']> = [];
  let heading: string;
  let colour = NEUTRAL;
  switch (event.type) {
    case 'status-change': {
      const p = event.payload;
      heading = 'Status changed';
      colour = STATUS_COLOUR[p.to] ?? NEUTRAL;
      fields.push({ name: 'Change', value: `${statusText(p.from)} → **${statusText(p.to)}**`, inline: true });
      if (typeof p.actor === 'string') fields.push({ name: 'By', value: escapeText(p.actor), inline: true });
      fields.push({ name: 'Reason', value: escapeText(p.reason) });
      break;
    }
    case 'status-proposal': {
      const p = event.payload;
      heading = 'Proposed status change';
      colour = STATUS_COLOUR[p.to] ?? NEUTRAL;
      fields.push({ name: 'Proposal', value: `${statusText(p.from ?? null)} → **${statusText(p.to)}**`, inline: true });
      fields.push({ name: 'Reason', value: escapeText(p.reason) });
      break;
    }
    case 'evidence':
      heading = 'New evidence';
      break;
    case 'item-updated':
      heading = 'Evidence updated';
      break;
    case 'overdue':
      heading = 'Overdue';
      colour = STATUS_COLOUR.abandoned;
      break;
    case 'feed-health':
      heading = `Feed ${escapeText(event.feedId ?? '')}`;
      fields.push({ name: 'Health', value: escapeText(eventHeadline(event)) });
      break;
  }
  if (item?.title) fields.unshift({ name: 'Item', value: link(item.link, item.title) });
  if (typeof item?.changeNote === 'string') {
    const when = typeof item.changeNoteAt === 'string' ? ` (${item.changeNoteAt.slice(0, 10)})` : '';
    fields.splice(1, 0, { name: `What changed${when}`, value: escapeText(truncate(item.changeNote, 1000)) });
  }
  const sources = event.type === 'status-change' ? (event.payload.evidence ?? []) : itemLink && !item?.title ? [itemLink] : [];
  if (sources.length) fields.push({ name: 'Source', value: sources.map((u) => link(u)).join('\n') });
  if (pageUrl) fields.push({ name: 'On the tracker', value: link(pageUrl) });
  return {
    title: truncate(`${heading}${event.commitmentId ? `: ${event.commitmentId}` : ''}`, 256),
    description: about,
    url: itemLink && /^https?:\/\//.test(itemLink) ? itemLink : undefined,
    color: colour,
    fields,
    footer: { text: `Commitment Watch · ${eventMarker(event.id)}` },
    timestamp: event.createdAt,
  };
}
