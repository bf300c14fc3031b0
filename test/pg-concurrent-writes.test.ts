// Two processes (two Apps, each with its own pool, on one schema) writing the same rows at the same moment.
// SQLite's BEGIN IMMEDIATE serialises such read-then-write transactions; PostgreSQL's READ COMMITTED lets
// both read the row before either writes, so each store must lock what it reads before deciding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { databaseOf } from '../src/db/database.ts';
import { MINI_SEEDS, testConfig } from './support/register.ts';
import { storeUrlFor } from './support/test-engine.ts';

let a: App;
let b: App;

beforeAll(async () => {
  const config = testConfig({ DATABASE_URL: storeUrlFor('concurrent-writes.sqlite') });
  const clock = manualClock('2024-06-01T12:00:00Z');
  a = await openApp(config, clock, { seedsDir: MINI_SEEDS, processId: 'process-a' });
  b = await openApp(config, clock, { seedsDir: MINI_SEEDS, processId: 'process-b' });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('two processes writing the same row at once', () => {
  it('a status change made by both at once is made once: one history entry, one alert', async () => {
    const ids = (await a.store.listCommitments({}, { offset: 0, limit: 100 })).items.map((c) => c.id);
    const rounds = (['stalled', 'in-progress', 'stalled', 'in-progress'] as const).flatMap((to) => ids.map((id) => ({ id, to })));
    const before = await databaseOf(a).selectFrom('events').select('id').where('type', '=', 'status-change').execute();
    let made = 0;
    for (const { id, to } of rounds) {
      const change = { commitmentId: id, to, reason: 'both at once', actor: 'rule:test' };
      const outcomes = await Promise.allSettled([a.store.changeStatus(change, '2024-06-01T12:00:00Z'), b.store.changeStatus(change, '2024-06-01T12:00:00Z')]);
      const current = (await a.store.getCommitment(id))?.status;
      // Already there before the round: neither makes it; otherwise exactly one does, the other is told it is done.
      made += outcomes.filter((o) => o.status === 'fulfilled').length;
      expect(outcomes.filter((o) => o.status === 'fulfilled').length, `${id} → ${to}`).toBeLessThanOrEqual(1);
      expect(current).toBe(to);
    }
    const after = await databaseOf(a).selectFrom('events').select('id').where('type', '=', 'status-change').execute();
    expect(after.length - before.length).toBe(made);
    expect(made).toBeGreaterThan(0);
  });

  it('a digest run claimed by both at once is sent by one', async () => {
    const now = new Date('2024-06-01T12:00:00Z');
    const until = new Date('2024-06-01T12:05:00Z');
    for (let day = 0; day < 20; day++) {
      const window = { start: new Date(Date.UTC(2024, 0, 1 + day)), end: new Date(Date.UTC(2024, 0, 2 + day)) };
      const render = () => [{ content: 'digest', embeds: [] }];
      const { run } = await a.digestRuns.record({ subscriptionId: 1, channelId: '100000000000000001', kind: 'weekly', window, late: false, render }, now);
      const [byA, byB] = await Promise.all([a.digestRuns.claim(run.id, 'process-a', now, until), b.digestRuns.claim(run.id, 'process-b', now, until)]);
      expect([byA, byB].filter(Boolean), `run ${run.id}`).toHaveLength(1);
    }
  });
});
