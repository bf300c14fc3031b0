// The durable outbox. Every change the bot reports is written as an event in the same transaction as the
// change itself, exactly once (by dedupe key); the Discord poster, the console, the digest and the CLI read
// it. This module is the one owner of the `events` table: other stores that must record an event inside
// their own transaction call recordEvent with that transaction.
import { sql, type Kysely, type Transaction } from 'kysely';
import { engineOf } from '../db/engine.ts';
import type { Database } from '../db/tables.ts';
import { readableEvents, type EventType, type NewEvent, type StoredEvent } from '../event-kinds.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface OutboxStore {
  /** Records an event once; its id, or undefined when it was already recorded. */
  record(event: NewEvent): Promise<number | undefined>;
  /** Up to `limit` readable events after a given id, oldest first (fewer: no more): how consumers read the outbox from where they left off. */
  after(afterId: number, limit?: number): Promise<StoredEvent[]>;
  get(id: number): Promise<StoredEvent | undefined>;
  /** These events (those that exist), oldest first. */
  byIds(ids: readonly number[]): Promise<StoredEvent[]>;
  /** The newest event's id (0 when there is none). */
  newestId(): Promise<number>;
  idByKey(dedupeKey: string): Promise<number | undefined>;
  /** Events recorded in [start, end), oldest first (compared as instants, whatever the ISO spelling). */
  inWindow(window: { start: Date; end: Date }, types?: readonly EventType[]): Promise<StoredEvent[]>;
  /** Every event of one type, oldest first. */
  ofType(type: EventType): Promise<StoredEvent[]>;
}

/**
 * Readers follow the outbox by id, but PostgreSQL takes an id at the insert and transactions commit in any
 * order: a reader could see id 11 while 10 is still being written, move its cursor past 10 and never post it.
 * So each writer holds this advisory lock shared from its insert to its commit, and a reader takes it
 * exclusively while it reads: it waits for the writers in flight and sees every id below the ones it reads.
 * Keyed by schema, so stores sharing a server do not wait for one another. (SQLite commits one at a time.)
 */
export const EVENTS_LOCK = 0x63770003;

async function eventsLock(db: Transaction<Database>, mode: 'shared' | 'exclusive'): Promise<void> {
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${EVENTS_LOCK}, hashtext(current_schema()))`.execute(db);
  else await sql`select pg_advisory_xact_lock(${EVENTS_LOCK}, hashtext(current_schema()))`.execute(db);
}

/** Runs a read of the outbox once every event being written has committed (PostgreSQL; see EVENTS_LOCK). */
function readingInOrder<T>(db: Kysely<Database>, read: (db: Db) => Promise<T>): Promise<T> {
  if (engineOf(db) !== 'postgres') return read(db);
  return db.transaction().execute(async (trx) => {
    await eventsLock(trx, 'exclusive');
    return read(trx);
  });
}

/** Records an event once in `db` (the store's database, or another store's transaction). */
export async function recordEvent(db: Db, event: NewEvent): Promise<number | undefined> {
  if (engineOf(db) === 'postgres') {
    if (!db.isTransaction) return db.transaction().execute((trx) => recordEvent(trx, event));
    await eventsLock(db as Transaction<Database>, 'shared');
  }
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

/** The id of the event recorded under a dedupe key, read in `db` (a transaction sees its own writes). */
export async function eventIdByKey(db: Db, dedupeKey: string): Promise<number | undefined> {
  const row = await db.selectFrom('events').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirst();
  return row?.id;
}

/** Ids per query when reading events by id (SQLite's bound-parameter limit is far above it). */
const ID_CHUNK = 500;

export class KyselyOutboxStore implements OutboxStore {
  constructor(private readonly db: Kysely<Database>) {}

  record(event: NewEvent): Promise<number | undefined> {
    return recordEvent(this.db, event);
  }

  async after(afterId: number, limit = 100): Promise<StoredEvent[]> {
    // Reads on past unreadable rows until `limit` events or the end: fewer than `limit` means none are left,
    // and a run of unreadable rows longer than a batch cannot stall a reader whose cursor moves by event.
    return readingInOrder(this.db, async (db) => {
      const out: StoredEvent[] = [];
      for (let from = afterId; out.length < limit;) {
        const rows = await db.selectFrom('events').selectAll().where('id', '>', from).orderBy('id').limit(limit).execute();
        out.push(...readableEvents(rows).slice(0, limit - out.length));
        if (rows.length < limit) break;
        from = rows.at(-1)!.id;
      }
      return out;
    });
  }

  async get(id: number): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && readableEvents([row])[0];
  }

  async byIds(ids: readonly number[]): Promise<StoredEvent[]> {
    const unique = [...new Set(ids)];
    const out: StoredEvent[] = [];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .where('id', 'in', unique.slice(i, i + ID_CHUNK))
        .execute();
      out.push(...readableEvents(rows));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  async newestId(): Promise<number> {
    // Where a new poster's cursor starts: past an event still being written, that one would never be posted.
    const newest = await readingInOrder(this.db, (db) =>
      db
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst(),
    );
    return Number(newest?.id ?? 0);
  }

  idByKey(dedupeKey: string): Promise<number | undefined> {
    return eventIdByKey(this.db, dedupeKey);
  }

  async inWindow(window: { start: Date; end: Date }, types?: readonly EventType[]): Promise<StoredEvent[]> {
    // A day of slack either side of the text comparison, then the exact comparison on parsed instants.
    const lo = new Date(window.start.getTime() - 86_400_000).toISOString();
    const hi = new Date(window.end.getTime() + 86_400_000).toISOString();
    let query = this.db.selectFrom('events').selectAll().where('created_at', '>=', lo).where('created_at', '<', hi);
    if (types) query = query.where('type', 'in', types);
    const rows = await query.orderBy('id').execute();
    return readableEvents(rows).filter((e) => {
      const t = Date.parse(e.createdAt);
      return t >= window.start.getTime() && t < window.end.getTime();
    });
  }

  async ofType(type: EventType): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('type', '=', type).orderBy('id').execute();
    return readableEvents(rows);
  }
}
