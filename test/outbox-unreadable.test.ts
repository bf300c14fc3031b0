import { afterEach, expect, it, vi } from 'vitest';
import { startConsolePoster } from '../src/console/console-poster.ts';
import { openStore, type OpenStore } from '../src/db/database.ts';
import { overdueEvent } from '../src/event-kinds.ts';
import { KyselyOutboxStore } from '../src/store/outbox-store.ts';

const AT = '2024-06-01T12:00:00.000Z';
let store: OpenStore | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
  store = undefined;
});

/** A row no reader can read (a retired kind, as an older version or a hand edit may leave). */
async function unreadableRows(db: OpenStore['db'], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await db
      .insertInto('events')
      .values({ type: 'retired-kind', commitment_id: null, feed_id: null, payload: '{}', dedupe_key: `old:${i}`, created_at: AT })
      .execute();
  }
}

it('a run of unreadable events longer than a batch does not stall a reader: the good event after it is still read and shown', async () => {
  store = await openStore({ dialect: 'sqlite', filename: ':memory:' });
  const outbox = new KyselyOutboxStore(store.db);
  const lines: string[] = [];
  const poster = await startConsolePoster(outbox, (line) => lines.push(line), 3_600_000);
  const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  await unreadableRows(store.db, 150);
  await outbox.record(overdueEvent({ id: 'c1', title: 'A commitment', status: 'not-started', deadlineDate: '2024-05-31', deadlineText: null }, '2024-06-01', AT));

  expect((await outbox.after(0, 100)).map((e) => e.type)).toEqual(['overdue']);
  expect(await poster.flush()).toBe(1);
  expect(lines).toEqual([expect.stringContaining('Overdue [c1]')]);
  expect(warned).toHaveBeenCalledTimes(150); // each skipped row reported once
  await poster.stop();
});
