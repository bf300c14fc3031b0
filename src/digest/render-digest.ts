// A digest as plain text (the terminal) and as Discord messages. Every piece of outside text (feed titles,
// reasons typed by people, feed error messages) goes through escapeText: markdown escaped and mentions
// broken, so nothing pings even before the sender's allowedMentions { parse: [] }. Long digests are split
// into several embeds (each list continues in the next) and then into messages with packEmbeds, within
// Discord's limits; links stay whole because lines are never cut, only moved to the next embed.
import type { Embed } from './embed.ts';
import { DateTime } from 'luxon';
import { STATUSES, type Status } from '../domain.ts';
import { EMBED_LIMITS, escapeText, packEmbeds, truncate } from '../discord/embed-limits.ts';
import { link, STATUS_COLOUR, statusText } from '../discord/render.ts';
import type { Digest } from './build-digest.ts';
import { CHART_FILE, countsInWords } from '../web/chart.tsx';
import { trackerHomeUrl } from '../web/links.ts';

export interface RenderedMessage {
  content?: string;
  embeds: Embed[];
  /** The scoreboard chart to attach as a PNG (chart-upload.ts); an embed shows it as attachment://scoreboard.png. */
  chart?: DigestChart;
}

export interface RenderOptions {
  /** The zone dates are shown in. */
  timeZone: string;
  /** "Weekly digest" by default. */
  heading?: string;
  /** PUBLIC_URL: the digest's title links to the tracker page. */
  publicUrl?: string | undefined;
}

const NEUTRAL = 0x5865f2;
const BAR = 10;

/** A simple bar of `width` blocks for `count` of `total`: ▰▰▰▱▱. */
export function bar(count: number, total: number, width = BAR): string {
  const filled = total > 0 ? Math.round((count / total) * width) : 0;
  const shown = count > 0 ? Math.max(filled, 1) : 0;
  return '▰'.repeat(shown) + '▱'.repeat(width - shown);
}

export function windowText(d: Digest, timeZone: string): string {
  const fmt = (iso: string) => DateTime.fromISO(iso, { zone: timeZone }).toFormat('ccc d LLL yyyy HH:mm');
  return `${fmt(d.window.start)} → ${fmt(d.window.end)} (${timeZone})`;
}

export function digestTitle(d: Digest, heading = 'Weekly digest'): string {
  const end = DateTime.fromISO(d.window.end).toUTC().toISODate();
  return `${heading} to ${end}${d.late ? ' (late)' : ''}`;
}

const scoreboardLines = (counts: Record<Status, number>, label: (s: Status) => string): string[] => {
  const total = STATUSES.reduce((n, s) => n + counts[s], 0);
  const width = Math.max(...STATUSES.map((s) => label(s).length));
  return STATUSES.filter((s) => counts[s] > 0 || total === 0).map((s) =>
    `${bar(counts[s], total)} ${String(counts[s]).padStart(3)}  ${label(s).padEnd(width)}`.trimEnd(),
  );
};

/** One scoreboard, or one per register when the digest spans several: [heading, counts]. */
const boards = (d: Digest): [string, Record<Status, number>][] =>
  d.scoreboards && d.scoreboards.length > 1 ? d.scoreboards.map((b) => [`Scoreboard: ${b.title}`, b.counts]) : [['Scoreboard', d.scoreboard]];

// ── Plain text ────────────────────────────────────────────────────────────────────────────────────────

export function renderDigestText(d: Digest, options: RenderOptions): string {
  const out: string[] = [digestTitle(d, options.heading), windowText(d, options.timeZone), ''];
  if (d.quiet) out.push('Nothing moved this week.', '');
  for (const [heading, counts] of boards(d)) out.push(heading, ...scoreboardLines(counts, statusText).map((l) => `  ${l}`), '');
  if (d.statusChanges.length) {
    out.push('Status changes');
    for (const c of d.statusChanges) {
      out.push(`  ${c.title} [${c.commitment}]: ${statusText(c.from)} → ${statusText(c.to)}`, `    ${c.reason}`);
      for (const s of c.sources) out.push(`    ${s}`);
    }
    out.push('');
  }
  if (d.evidence.length) {
    out.push('New evidence');
    for (const g of d.evidence) {
      out.push(`  ${g.title} [${g.commitment}]`);
      for (const i of g.items)
        out.push(`    - ${i.updated ? '(updated) ' : ''}${i.title}`, ...(i.changeNote ? [`      what changed: ${i.changeNote}`] : []), `      ${i.link}`);
    }
    out.push('');
  }
  if (d.overdue.length) {
    out.push('Became overdue');
    for (const c of d.overdue)
      out.push(`  ${c.title} [${c.commitment}]: deadline ${c.deadline}${c.deadlineText ? ` (“${c.deadlineText}”)` : ''}, ${statusText(c.status)}`);
    out.push('');
  }
  if (d.upcoming.length) {
    out.push('Deadlines in the next 30 days');
    for (const c of d.upcoming) out.push(`  ${c.deadline}  ${c.title} [${c.commitment}], ${statusText(c.status)}`);
    out.push('');
  }
  if (d.failingFeeds.length) {
    out.push('Feeds failing');
    for (const f of d.failingFeeds) out.push(`  ${f.feed} (${f.health}): ${f.reason}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

// ── Discord ───────────────────────────────────────────────────────────────────────────────────────────

/** Lines gathered into embeds of at most `max` characters of description; a line is never cut in two. */
export function sectionEmbeds(title: string, lines: string[], colour: number, max = EMBED_LIMITS.description): Embed[] {
  const embeds: Embed[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (!current.length) return;
    embeds.push({ title: embeds.length ? `${title} (continued)` : title, description: current.join('\n'), color: colour });
    current = [];
    size = 0;
  };
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (size + line.length + 1 > max) flush();
    current.push(line);
    size += line.length + 1;
  }
  flush();
  return embeds;
}

/** The digest as embeds, before packing into messages. */
export function digestEmbeds(d: Digest, options: RenderOptions): Embed[] {
  const summary = d.quiet ? '\nNothing moved this week: no status changes, evidence, overdue deadlines or feed problems.' : '';
  const board = boards(d)
    .map(
      ([heading, counts]) =>
        `**${escapeText(heading)}**\n${scoreboardLines(counts, statusText)
          .map((l) => `\`${l}\``)
          .join('\n')}`,
    )
    .join('\n\n');
  const embeds: Embed[] = [
    {
      title: digestTitle(d, options.heading),
      url: trackerHomeUrl(options.publicUrl),
      description: truncate(`${windowText(d, options.timeZone)}${summary}\n\n${board}`, 4096),
      color: NEUTRAL,
      // The same chart as the tracker page; the lines above say it in words for those who cannot see it.
      image: { url: `attachment://${CHART_FILE}` },
    },
  ];
  if (d.quiet) return embeds;

  const changeLines = d.statusChanges.map((c) => {
    const sources = c.sources.map((s, n) => link(s, `source ${n + 1}`)).join(' · ');
    return `**${escapeText(c.title)}** (\`${c.commitment}\`): ${statusText(c.from)} → **${statusText(c.to)}**\n> ${escapeText(truncate(c.reason, 600))}${sources ? `\n${sources}` : ''}`;
  });
  const firstColour = d.statusChanges[0] ? STATUS_COLOUR[d.statusChanges[0].to] : NEUTRAL;
  embeds.push(...sectionEmbeds('Status changes', changeLines, firstColour));

  for (const g of d.evidence) {
    const lines = g.items.map(
      (i) =>
        `• ${i.updated ? '(updated) ' : ''}${link(i.link, i.title)}${i.feed ? ` — ${escapeText(i.feed)}` : ''}${i.changeNote ? `\n  ↳ ${escapeText(truncate(i.changeNote, 300))}` : ''}`,
    );
    embeds.push(...sectionEmbeds(truncate(`Evidence: ${g.title}`, 200), lines, NEUTRAL));
  }
  embeds.push(
    ...sectionEmbeds(
      'Became overdue',
      d.overdue.map(
        (c) =>
          `**${escapeText(c.title)}** (\`${c.commitment}\`): deadline ${c.deadline}${c.deadlineText ? ` (“${escapeText(c.deadlineText)}”)` : ''}, ${statusText(c.status)}`,
      ),
      0xe67e22,
    ),
  );
  embeds.push(
    ...sectionEmbeds(
      'Deadlines in the next 30 days',
      d.upcoming.map((c) => `${c.deadline} — **${escapeText(c.title)}** (\`${c.commitment}\`), ${statusText(c.status)}`),
      0xf1c40f,
    ),
  );
  embeds.push(
    ...sectionEmbeds(
      'Feeds failing',
      d.failingFeeds.map((f) => `\`${escapeText(f.feed)}\` (${f.health}): ${escapeText(truncate(f.reason, 300))}`),
      0xe74c3c,
    ),
  );
  return embeds;
}

export const FOOTER = 'Commitment Watch';
/** Room kept in every footer for the part marker " · cw-digest-<run>-<part>" (nonces are ≤ 25 characters). */
const MARKER_ROOM = 28;

/** The marker of one part of a run: its nonce, also shown in the footer so a restart can find it. */
export const partNonce = (nonceBase: string, part: number): string => `${nonceBase}-${part}`;

/**
 * Embeds packed into messages (at most 10 embeds and 6,000 characters each), each message's last embed
 * footed with its part marker when `nonceBase` is given. Room for the marker is kept while packing, so
 * adding it never takes a message over the limit.
 */
export function packMessages(embeds: Embed[], nonceBase?: string): RenderedMessage[] {
  const reserved = embeds.map((e) => ({ ...e, footer: { text: FOOTER + ' '.repeat(MARKER_ROOM) } }));
  return packEmbeds(reserved).map((packed, part) => ({
    embeds: packed.map((e, i) => ({
      ...e,
      footer: { text: nonceBase && i === packed.length - 1 ? `${FOOTER} · ${partNonce(nonceBase, part)}` : FOOTER },
    })),
  }));
}

/** The digest as Discord messages. */
export function renderDigestMessages(d: Digest, options: RenderOptions, nonceBase?: string): RenderedMessage[] {
  const messages = packMessages(digestEmbeds(d, options), nonceBase);
  const total = STATUSES.reduce((n, s) => n + d.scoreboard[s], 0);
  if (messages[0]) messages[0].chart = { counts: d.scoreboard, title: `${total} commitments by status`, alt: countsInWords(d.scoreboard) };
  return messages;
}

export interface DigestChart {
  counts: Record<Status, number>;
  title: string;
  /** The chart in words: the attachment's description (alt text). */
  alt: string;
}
