// One-line, plain-text descriptions of outbox events: what the console prints, and what any
// front end can fall back on. Text from feeds is passed through as data, never interpreted.
import type { EventItem, EventView } from './event-kinds.ts';

/** The item an event is about, where it is about one. */
export function eventItem(event: EventView): EventItem | undefined {
  return event.type === 'evidence' || event.type === 'status-proposal' || event.type === 'item-updated' ? event.payload.item : undefined;
}

export function eventHeadline(event: EventView): string {
  const p = eventItem(event);
  const item = p?.title ? `“${p.title}”` : '';
  const on = event.commitmentId ? ` [${event.commitmentId}]` : '';
  switch (event.type) {
    case 'evidence':
      return `New evidence${on}: ${item}`;
    case 'status-proposal':
      return `Proposed status ${event.payload.to}${on}: ${event.payload.reason}`;
    case 'status-change':
      return `Status changed${on}: ${event.payload.from ?? '—'} → ${event.payload.to} — ${event.payload.reason}`;
    case 'item-updated':
      return `Updated${on}: ${item}${p?.changeNote ? ` — ${p.changeNote}` : ''}`;
    case 'feed-health':
      if (event.payload.change === 'disabling-soon') return `Feed ${event.feedId ?? ''} ${event.payload.reason}`;
      return `Feed ${event.feedId ?? ''} is ${event.payload.health}: ${event.payload.reason}`;
    case 'overdue':
      return `Overdue${on}: the deadline ${event.payload.deadline} has passed`;
  }
}

export function eventLink(event: EventView): string | undefined {
  return eventItem(event)?.link ?? (event.type === 'status-change' ? event.payload.evidence?.[0] : undefined);
}
