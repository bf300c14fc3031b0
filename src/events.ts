// The durable outbox. Every change the bot reports is written as an event in the same transaction
// as the change itself, exactly once (by dedupe key); the Discord poster and the digest read it.
// The kinds of event, how each is built and how a row is read back: event-kinds.ts.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db/tables.ts';
import { readableEvents, type NewEvent, type StoredEvent } from './event-kinds.ts';

export { EVENT_TYPES, parseStoredEvent, readableEvents, type EventType, type NewEvent, type StoredEvent } from './event-kinds.ts';

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
  // Validated as read: an unreadable row is reported and skipped, never handed to a reader.
  return readableEvents(rows);
}
