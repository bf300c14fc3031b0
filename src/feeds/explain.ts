// "Why was this (not) posted?" — the answer for one item the bot has seen, read from the traces the poller
// writes at each decision: which feeds saw it, whether it was a first fetch, new, an update or a duplicate,
// how every candidate commitment scored (with the terms that matched and the reason it was accepted or
// not), what was proposed, and which events were posted — or why none was.
import { err, ok, type Result } from '../result.ts';
import type { FeedStore, StoredItem, Trace } from './feed-store.ts';
import { ACCEPTING_DECISIONS, DECISION_LABELS, type MatchDecision } from '../match/decision.ts';

/** How a rejection reads in `why`, by the trace's decision (MatchDecision, or an older trace's). */
const MATCH_LABEL: Record<string, string> = { ...DECISION_LABELS, 'not-matched': 'not accepted' };

/** "incomplete: " before a rejected commitment's reason; nothing before an accepted one's. */
export function rejectionLabel(m: MatchExplanation): string {
  return m.accepted ? '' : `${MATCH_LABEL[m.decision] ?? 'not accepted'}: `;
}

export interface MatchExplanation {
  commitment: string;
  accepted: boolean;
  /** The trace's decision: a MatchDecision (src/match/decision.ts), or from older traces matched | not-matched. */
  decision: string;
  score: number | null;
  matched: string[];
  reason: string;
  at: string;
}

export interface SightingExplanation {
  feed: string;
  key: string;
  title: string;
  published: string | null;
  updated: string | null;
  firstSeen: string;
  lastSeen: string;
  timesSeen: number;
  /** How the item was taken each time a decision was made: first-fetch | new | update | duplicate | edited. */
  identity: { decision: string; detail: string; at: string }[];
  /** Where the text it was matched on came from, for sources that cut it: detail (whole) | list (cut, with why). */
  text: { decision: string; detail: string; at: string }[];
  matches: MatchExplanation[];
  proposals: { commitment: string | null; decision: string; detail: string; at: string }[];
  posts: { decision: string; commitment: string | null; eventId: number | null; detail: string; at: string }[];
}

export interface ItemExplanation {
  link: string;
  title: string;
  posted: boolean;
  /** One sentence: posted as what, or the reason it was not. */
  verdict: string;
  /** Events posted for the item, oldest first. */
  events: number[];
  sightings: SightingExplanation[];
}

/** Forms of a URL the user may paste that the store may hold differently. */
export function urlVariants(input: string): string[] {
  const raw = input.trim();
  const out = new Set<string>([raw]);
  if (raw.startsWith('/')) out.add(`https://www.gov.uk${raw}`);
  try {
    const url = new URL(raw.startsWith('/') ? `https://www.gov.uk${raw}` : raw);
    url.hash = '';
    const forms = [url.href];
    if (url.pathname.length > 1 && url.pathname.endsWith('/')) forms.push(url.href.replace(/\/(\?|$)/, '$1'));
    else if (!url.search) forms.push(`${url.href}/`);
    for (const f of forms) {
      out.add(f);
      out.add(f.replace(/^https:/, 'http:'));
      out.add(f.replace(/^http:/, 'https:'));
    }
    if (url.hostname === 'www.gov.uk') out.add(url.pathname); // GOV.UK items are keyed by path
  } catch {
    // Not a URL: a key (guid) as it stands.
  }
  return [...out];
}

export async function explainItem(store: FeedStore, input: string): Promise<Result<ItemExplanation, string>> {
  if (!input.trim()) return err('give the link of an item, e.g. commitment-watch why https://www.gov.uk/government/news/…');
  const items = await store.findItems(urlVariants(input));
  if (items.length === 0) {
    return err(
      `no feed item with the link ${input.trim()} has been seen. Only items that were in a polled feed are known: check the link (copy it from the feed or the post), or run \`commitment-watch poll --once\` first.`,
    );
  }
  const sightings: SightingExplanation[] = [];
  for (const item of items) sightings.push(sighting(item, await store.traces(item.feedId, item.key)));
  const events = [...new Set(sightings.flatMap((s) => s.posts.filter((p) => p.decision === 'posted' && p.eventId !== null).map((p) => p.eventId!)))].sort(
    (a, b) => a - b,
  );
  const first = items[0]!;
  return ok({ link: first.link, title: first.title, posted: events.length > 0, verdict: verdict(sightings, events), events, sightings });
}

function sighting(item: StoredItem, traces: Trace[]): SightingExplanation {
  const pick = (stage: Trace['stage']) => traces.filter((t) => t.stage === stage);
  return {
    feed: item.feedId,
    key: item.key,
    title: item.title,
    published: item.published,
    updated: item.updated,
    firstSeen: item.firstSeenAt,
    lastSeen: item.lastSeenAt,
    timesSeen: item.timesSeen,
    identity: pick('identity').map((t) => ({ decision: t.decision, detail: t.detail, at: t.at })),
    text: pick('text').map((t) => ({ decision: t.decision, detail: t.detail, at: t.at })),
    matches: pick('match')
      .filter((t) => t.commitmentId !== undefined)
      .map((t) => ({
        commitment: t.commitmentId!,
        accepted: t.decision === 'matched' || ACCEPTING_DECISIONS.has(t.decision as MatchDecision),
        decision: t.decision,
        score: t.score ?? null,
        matched: t.matched ?? [],
        reason: t.detail,
        at: t.at,
      })),
    proposals: pick('proposal').map((t) => ({ commitment: t.commitmentId ?? null, decision: t.decision, detail: t.detail, at: t.at })),
    posts: pick('post').map((t) => ({ decision: t.decision, commitment: t.commitmentId ?? null, eventId: t.eventId ?? null, detail: t.detail, at: t.at })),
  };
}

function verdict(sightings: SightingExplanation[], events: number[]): string {
  const posts = sightings.flatMap((s) => s.posts);
  if (events.length > 0) {
    const what = posts.filter((p) => p.decision === 'posted').map((p) => p.detail.replace(/^posted as /, ''));
    return `Posted: ${what.join('; ')}.`;
  }
  const identities = sightings.flatMap((s) => s.identity.map((i) => i.decision));
  const matches = sightings.flatMap((s) => s.matches);
  const accepted = [...new Set(matches.filter((m) => m.accepted).map((m) => m.commitment))];
  if (posts.some((p) => p.decision === 'already-posted')) {
    return `Not posted again: ${posts.find((p) => p.decision === 'already-posted')!.detail}.`;
  }
  if (identities.length > 0 && identities.every((d) => d === 'first-fetch' || d === 'duplicate' || d === 'edited')) {
    const would = accepted.length ? ` It matches ${accepted.join(', ')}, but` : '';
    if (identities.includes('first-fetch')) {
      return `Not posted:${would ? `${would} it` : ' it'} was already in the feed when the bot first read it (a first fetch records every item and posts nothing).`;
    }
    return 'Not posted: the same page had been seen before under another id (a duplicate).';
  }
  if (identities.length === 0) return 'Not posted: seen only as an item already known, never as a new item or an update.';
  // Judged on a cut text: say so, since the whole text might have matched.
  const lastText = sightings.flatMap((s) => s.text).at(-1);
  const cut =
    lastText?.decision === 'list' ? ` It was judged on the list's cut text: ${lastText.detail.replace(/: matched on the list's text instead.*$/, '')}.` : '';
  const near = matches.filter((m) => !m.accepted);
  if (near.length > 0) {
    const best = [...near].sort((a, b) => (b.score ?? 0) - (a.score ?? 0)).slice(0, 3);
    return `Not posted: no commitment accepted it — ${best.map((m) => `${m.commitment}: ${m.reason}${seenText(m)}`).join('; ')}.${cut}`;
  }
  return `Not posted: no watch term or linked bill of any commitment appears in it.${cut}`;
}

/** " (seen 'export control', 'china')": the terms of a rejected commitment that did appear. */
function seenText(m: MatchExplanation): string {
  return m.matched.length ? ` (seen ${m.matched.map((t) => `'${t}'`).join(', ')})` : '';
}

const DECISION_LABEL: Record<string, string> = {
  'first-fetch': 'first fetch',
  new: 'new item',
  update: 'update',
  duplicate: 'duplicate',
  edited: 'edited',
};

/** Plain-text rendering (no colour), for the terminal and as a fallback for other front ends. */
export function explanationText(e: ItemExplanation): string {
  const lines = [`“${e.title}”`, `  ${e.link}`, `  ${e.verdict}`];
  for (const s of e.sightings) {
    lines.push('', `  Feed ${s.feed}  (key ${s.key})`);
    const dates = [s.published ? `published ${s.published}` : '', s.updated ? `updated ${s.updated}` : ''].filter(Boolean).join(', ');
    lines.push(`    seen ${s.timesSeen}× from ${s.firstSeen} to ${s.lastSeen}${dates ? `; ${dates}` : ''}`);
    for (const i of s.identity) lines.push(`    ${i.at}  ${DECISION_LABEL[i.decision] ?? i.decision}: ${i.detail}`);
    for (const t of s.text) lines.push(`    ${t.at}  text: ${t.detail}`);
    if (s.matches.length) {
      lines.push('    Commitments:');
      for (const m of s.matches) {
        const terms = m.matched.length ? ` [${m.matched.join(', ')}]` : '';
        lines.push(`      ${m.accepted ? '✓' : '✗'} ${m.commitment}  score ${m.score ?? '—'}${terms} — ${rejectionLabel(m)}${m.reason}`);
      }
    } else if (s.identity.length) {
      lines.push('    Commitments: none — no watch term of any commitment appears in it');
    }
    for (const p of s.proposals) lines.push(`    Proposal: ${p.commitment ?? ''} ${p.detail}`);
    for (const p of s.posts) lines.push(`    → ${p.detail}`);
  }
  return lines.join('\n');
}
