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
