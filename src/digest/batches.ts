// Alert batches for subscriptions that chose `daily` or `weekly` instead of `immediately`: the events of
// one window that the subscription wants, grouped into one post (split only where Discord's limits
// require). Daily windows are 08:00 → 08:00 local, sent at 08:30 (GOV.UK's rhythm); weekly batches reuse
// the digest's schedule. Recorded and posted exactly once through digest-runs.ts, like digests.
import type { Embed } from './embed.ts';
import { DateTime } from 'luxon';
import type { StoredEvent } from '../events.ts';
import { eventHeadline, eventLink } from '../event-text.ts';
import { escapeText } from '../discord/embed-limits.ts';
import { link } from '../discord/render.ts';
import type { SubscriptionFilters } from '../subscriptions/subscription.ts';
import { wants } from '../subscriptions/subscription.ts';
import { commitmentSubjects, subjectOf, type DigestDeps } from './build-digest.ts';
import { sectionEmbeds, type RenderedMessage, packMessages } from './render-digest.ts';
import type { Window } from './schedule.ts';

export interface AlertBatch {
  kind: 'daily' | 'weekly';
  window: { start: string; end: string };
  late?: boolean;
  events: StoredEvent[];
}

export async function buildBatch(deps: DigestDeps, kind: 'daily' | 'weekly', filters: SubscriptionFilters, window: Window, late = false): Promise<AlertBatch> {
  const subjects = await commitmentSubjects(deps.store);
  const events = (await deps.outbox.inWindow(window)).filter((e) => wants(filters, subjectOf(e, subjects)));
  return { kind, window: { start: window.start.toISOString(), end: window.end.toISOString() }, ...(late ? { late } : {}), events };
}

export function batchTitle(b: AlertBatch, timeZone: string): string {
  const end = DateTime.fromISO(b.window.end, { zone: timeZone }).toFormat('ccc d LLL yyyy');
  return `${b.kind === 'daily' ? 'Daily' : 'Weekly'} alerts to ${end}: ${b.events.length} update${b.events.length === 1 ? '' : 's'}${b.late ? ' (late)' : ''}`;
}

export function batchEmbeds(b: AlertBatch, timeZone: string): Embed[] {
  const lines = b.events.map((e) => {
    const url = eventLink(e);
    return `• ${escapeText(eventHeadline(e))}${url ? `\n  ${link(url)}` : ''}`;
  });
  return sectionEmbeds(batchTitle(b, timeZone), lines, 0x5865f2);
}

/** An empty batch posts nothing. */
export function renderBatchMessages(b: AlertBatch, timeZone: string, nonceBase?: string): RenderedMessage[] {
  return b.events.length ? packMessages(batchEmbeds(b, timeZone), nonceBase) : [];
}
