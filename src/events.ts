// The durable outbox. Every change the bot reports is written as an event in the same transaction
// as the change itself, exactly once (by dedupe key); the Discord poster and the digest read it. The events
// table's owner is src/store/outbox-store.ts; this module says what an event is.
export const EVENT_TYPES = ['evidence', 'status-proposal', 'status-change', 'item-updated', 'feed-health', 'overdue'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  type: EventType;
  commitmentId?: string | undefined;
  feedId?: string | undefined;
  payload: Record<string, unknown>;
  /** Two events with one key are one event: a crash and a retry never record it twice. */
  dedupeKey: string;
  createdAt: string;
}

export interface StoredEvent extends NewEvent {
  id: number;
}
