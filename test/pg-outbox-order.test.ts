// The outbox read by a cursor on PostgreSQL: an event's id is taken when it is inserted, but transactions
// commit in any order. A reader must never see an event while one with a smaller id is still being written,
// or its cursor moves past that one, which is then never posted (SQLite writes one transaction at a time).
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { databaseOf } from '../src/db/database.ts';
import { feedHealthEvent, type NewEvent } from '../src/event-kinds.ts';
import { EVENTS_LOCK, recordEvent } from '../src/store/outbox-store.ts';
import { MINI_SEEDS, testConfig } from './support/register.ts';

let app: App;

beforeAll(async () => {
  app = await openApp(testConfig(), manualClock('2024-06-01T12:00:00Z'), { seedsDir: MINI_SEEDS });
});

afterAll(async () => {
  await app?.close();
});

const event = (feed: string): NewEvent =>
  feedHealthEvent({ id: feed, url: `http://127.0.0.1/${feed}` }, { health: 'failing', reason: 'test' }, '2024-06-01T12:00:00.000Z');

it('a reader waits for an earlier event still being written, instead of seeing only the later one', async () => {
  const db = databaseOf(app);
  const cursor = await app.outbox.newestId();
  let inserted!: (id: number | undefined) => void;
  const slowId = new Promise<number | undefined>((resolve) => (inserted = resolve));
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // A feed's transaction: its event inserted (smaller id), not yet committed.
  const slow = db.transaction().execute(async (trx) => {
    inserted(await recordEvent(trx, event('slow')));
    await finished;
  });
  const first = await slowId;
  const second = await app.outbox.record(event('fast')); // another process's, committed at once
  expect(second).toBeGreaterThan(first!);

  let settled = false;
  const read = app.outbox.after(cursor).finally(() => (settled = true));
  // Until the reader either answers or is seen waiting for the writer (no sleeping: the server is asked).
  const waiting = async () =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from pg_locks
          where locktype = 'advisory' and not granted and classid = ${EVENTS_LOCK}
          and objid::text::bigint = (hashtext(current_schema())::bigint + 4294967296) % 4294967296`.execute(db)
      ).rows[0]?.n,
    ) > 0;
  while (!settled && !(await waiting()));
  finish();
  await slow;
  expect((await read).map((e) => e.id)).toEqual([first, second]);
});

// Holding the lock shared from insert to commit could close a cycle: a writer in flight waits for a row of
// another writer, which queues behind a waiting reader. PostgreSQL resolves such a wait-queue cycle itself
// (after deadlock_timeout, it lets the second writer ahead of the reader): no one fails, nothing is lost.
it('a reader waiting in a cycle with two writers (one waits for the other, which queues behind it): all go through', async () => {
  const db = databaseOf(app);
  const cursor = await app.outbox.newestId();
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  const [w1Recorded, w1Go, w2Wrote, w2Go] = [gate(), gate(), gate(), gate()];
  let ids: (number | undefined)[] = [];
  // W1: records its event (holding the lock shared), then writes a row W2 has written and not committed.
  const w1 = db.transaction().execute(async (trx) => {
    ids[0] = await recordEvent(trx, event('w1'));
    w1Recorded.open();
    await w1Go.opened;
    await trx
      .insertInto('discord_state')
      .values({ key: 'cycle', value: 'w1' })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  });
  // W2: writes that row first, then records its event: it queues behind the reader, which waits for W1.
  const w2 = db.transaction().execute(async (trx) => {
    await trx.insertInto('discord_state').values({ key: 'cycle', value: 'w2' }).execute();
    w2Wrote.open();
    await w2Go.opened;
    ids[1] = await recordEvent(trx, event('w2'));
  });
  await Promise.all([w1Recorded.opened, w2Wrote.opened]);
  let settled = false;
  const read = app.outbox.after(cursor).finally(() => (settled = true));
  while (!settled && (await waiters(db)) < 1);
  w2Go.open();
  while (!settled && (await waiters(db)) < 2);
  w1Go.open(); // the cycle: reader → W1 → W2 → reader
  await Promise.all([w1, w2]);
  const events = await read;
  ids = ids.filter((id) => id !== undefined);
  expect(ids).toHaveLength(2);
  expect(events.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
  await db.deleteFrom('discord_state').where('key', '=', 'cycle').execute();
});

/** Sessions waiting for this schema's events lock. */
async function waiters(db: ReturnType<typeof databaseOf>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from pg_locks
    where locktype = 'advisory' and not granted and classid = ${EVENTS_LOCK}
    and objid::text::bigint = (hashtext(current_schema())::bigint + 4294967296) % 4294967296`.execute(db);
  return Number(rows[0]?.n);
}
