// One-line, plain-text descriptions of outbox events: what the console prints, and what any
// front end can fall back on. Text from feeds is passed through as data, never interpreted.
import type { StoredEvent } from './events.ts';

interface ItemPayload {
  title?: string;
  link?: string;
  changeNote?: string;
}

export function eventHeadline(event: Pick<StoredEvent, 'type' | 'commitmentId' | 'feedId' | 'payload'>): string {
  const p = event.payload as Record<string, unknown> & { item?: ItemPayload };
  const item = p.item?.title ? `“${p.item.title}”` : '';
  const on = event.commitmentId ? ` [${event.commitmentId}]` : '';
  switch (event.type) {
    case 'evidence':
      return `New evidence${on}: ${item}`;
    case 'status-proposal':
      return `Proposed status ${String(p.to)}${on}: ${String(p.reason ?? item)}`;
    case 'status-change':
      return `Status changed${on}: ${String(p.from ?? '—')} → ${String(p.to)} — ${String(p.reason ?? '')}`;
    case 'item-updated':
      return `Updated${on}: ${item}${p.item?.changeNote ? ` — ${p.item.changeNote}` : ''}`;
    case 'feed-health':
      if (p.change === 'disabling-soon') return `Feed ${event.feedId ?? ''} ${String(p.reason ?? 'will be disabled soon')}`;
      return `Feed ${event.feedId ?? ''} is ${String(p.health ?? p.state ?? 'changed')}: ${String(p.reason ?? p.message ?? '')}`;
    case 'overdue':
      return `Overdue${on}: the deadline ${String(p.deadline ?? '')} has passed`;
  }
}

export function eventLink(event: Pick<StoredEvent, 'payload'>): string | undefined {
  const p = event.payload as { item?: ItemPayload; evidence?: string[] };
  return p.item?.link ?? p.evidence?.[0];
}
