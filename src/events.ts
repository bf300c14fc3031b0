// The durable outbox. Every change the bot reports is written as an event in the same transaction
// as the change itself, exactly once (by dedupe key); the Discord poster and the digest read it.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, EventsTable } from './db/tables.ts';

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

/** Records an event once; returns its id, or undefined when it was already recorded. */
export async function recordEvent(db: Kysely<Database> | Transaction<Database>, event: NewEvent): Promise<number | undefined> {
  const row = await db
    .insertInto('events')
    .values({
      type: event.type,
      commitment_id: event.commitmentId ?? null,
      feed_id: event.feedId ?? null,
      payload: JSON.stringify(event.payload),
      dedupe_key: event.dedupeKey,
      created_at: event.createdAt,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Events after a given id, oldest first: how consumers read the outbox from where they left off. */
export async function eventsAfter(db: Kysely<Database>, afterId: number, limit = 100): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toStoredEvent);
}

/** A row of the events table as the event it records (payload parsed). */
export function toStoredEvent(r: Selectable<EventsTable>): StoredEvent {
  return {
    id: r.id,
    type: r.type as EventType,
    commitmentId: r.commitment_id ?? undefined,
    feedId: r.feed_id ?? undefined,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    dedupeKey: r.dedupe_key,
    createdAt: r.created_at,
  };
}
