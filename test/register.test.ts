import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { openForText } from '../src/domain.ts';
import { DomainError } from '../src/store/errors.ts';
import { MINI_SEEDS, openMiniApp, tempDir, testConfig } from './support/register.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('seeding', () => {
  it('loads the register and is idempotent: a second run changes nothing', async () => {
    const dir = tempDir();
    const config = testConfig({ DATABASE_URL: join(dir, 'db.sqlite') });
    const clock = manualClock('2024-01-01T00:00:00Z');
    const first = await openApp(config, clock, { seedsDir: MINI_SEEDS });
    expect(first.seedSummary.commitments.created).toBe(3);
    expect(first.seedSummary.recommendations.created).toBe(3);
    expect(first.seedSummary.history.created).toBe(4);
    await first.close();
    app = await openApp(config, clock, { seedsDir: MINI_SEEDS });
    for (const counts of Object.values(app.seedSummary)) expect({ ...counts, unchanged: 0 }).toEqual({ created: 0, updated: 0, unchanged: 0 });
    expect((await app.queries.stats()).commitments.total).toBe(3);
    expect(await app.store.history('modern-slavery-penalties')).toHaveLength(2);
  });

  it('applies a changed text as an update and never overwrites a status recorded at run time', async () => {
    const seeds = tempDir();
    cpSync(MINI_SEEDS, seeds, { recursive: true });
    const config = testConfig({ DATABASE_URL: join(tempDir(), 'db.sqlite') });
    const clock = manualClock('2024-01-01T00:00:00Z');
    const first = await openApp(config, clock, { seedsDir: seeds });
    await first.store.changeStatus(
      { commitmentId: 'trade-envoy-training', to: 'delivered', reason: 'The course ran in March.', actor: 'discord:123456789012345678' },
      clock.now().toISOString(),
    );
    await first.close();

    const file = join(seeds, 'registers/mini/commitments.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('One-day forced labour training course for trade envoys', 'Forced labour training for trade envoys'));
    app = await openApp(config, clock, { seedsDir: seeds });
    expect(app.seedSummary.commitments).toEqual({ created: 0, updated: 1, unchanged: 2 });
    const shown = await app.queries.show('trade-envoy-training');
    expect(shown.ok && shown.value.title).toBe('Forced labour training for trade envoys');
    expect(shown.ok && shown.value.status).toBe('delivered');
    const history = await app.store.history('trade-envoy-training');
    expect(history.map((h) => [h.to, h.actor])).toEqual([
      ['not-started', 'seed'],
      ['delivered', 'discord:123456789012345678'],
    ]);
  });
});

describe('status changes', () => {
  it('records the history entry and a status-change event together', async () => {
    app = await openMiniApp();
    const entry = await app.store.changeStatus(
      {
        commitmentId: 'report-export-controls-review',
        to: 'delivered',
        reason: 'Written statement HCWS1 reported the findings.',
        evidence: ['https://questions-statements.parliament.uk/written-statements/detail/2024-05-01/HCWS1'],
        actor: 'discord:123456789012345678',
      },
      '2024-06-01T12:00:00.000Z',
    );
    expect(entry).toMatchObject({ from: 'in-progress', to: 'delivered' });
    const events = await app.outbox.after(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'status-change', commitmentId: 'report-export-controls-review', payload: { from: 'in-progress', to: 'delivered' } });
    expect((await app.queries.show('report-export-controls-review')).ok).toBe(true);
  });

  it('refuses a change without a reason, to an unknown commitment, or to the same status', async () => {
    app = await openMiniApp();
    const change = (over: object) =>
      app!.store.changeStatus({ commitmentId: 'trade-envoy-training', to: 'in-progress', reason: 'because', actor: 'seed', ...over }, '2024-06-01T12:00:00Z');
    await expect(change({ reason: '   ' })).rejects.toThrow(/reason: must not be empty/);
    await expect(change({ commitmentId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(change({ to: 'not-started' })).rejects.toBeInstanceOf(DomainError);
    await expect(change({ to: 'done' })).rejects.toThrow(/to:/);
    expect(await app.store.history('trade-envoy-training')).toHaveLength(1);
    expect(await app.outbox.after(0)).toHaveLength(0);
  });
});

describe('queries', () => {
  it('filters by status, department (today’s or original name), theme, position and overdue', async () => {
    app = await openMiniApp('2024-06-01T12:00:00Z');
    const ids = async (o: Parameters<App['queries']['list']>[0]) => (await app!.queries.list(o)).items.map((c) => c.id);
    expect(await ids({ status: ['stalled'] })).toEqual(['modern-slavery-penalties']);
    expect(await ids({ department: 'international trade' })).toEqual(['report-export-controls-review']);
    expect(await ids({ department: 'business and trade' })).toEqual(['report-export-controls-review', 'trade-envoy-training']);
    expect(await ids({ theme: 'slavery' })).toEqual(['modern-slavery-penalties']);
    expect(await ids({ position: 'not-accepted' })).toEqual(['trade-envoy-training']);
    expect(await ids({ overdue: true })).toEqual(['modern-slavery-penalties']);
  });

  it('derives overdue from the deadline and the clock, and not once delivered', async () => {
    const mini = await openMiniApp('2022-12-31T12:00:00Z');
    app = mini;
    expect((await app.queries.list({ overdue: true })).total).toBe(0);
    mini.clock.set('2023-01-01T00:30:00Z');
    expect((await app.queries.list({ overdue: true })).total).toBe(1);
    await app.store.changeStatus({ commitmentId: 'modern-slavery-penalties', to: 'delivered', reason: 'Act amended.', actor: 'seed' }, '2023-01-02');
    expect((await app.queries.list({ overdue: true })).total).toBe(0);
  });

  it('says how long an undated commitment has been open, from the clock, until it is settled', async () => {
    const mini = await openMiniApp('2026-11-23T12:00:00Z');
    app = mini;
    const shown = async (id: string) => {
      const r = await mini.queries.show(id);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    // Made 2021-11-01 with only "at the conclusion of its current review": 1,848 days on.
    expect((await shown('report-export-controls-review')).openDays).toBe(1848);
    expect(openForText(1848)).toBe('5 years');
    expect([0, 1, 60, 61, 729, 730].map(openForText)).toEqual(['0 days', '1 day', '60 days', '2 months', '23 months', '2 years']);
    await mini.store.changeStatus(
      { commitmentId: 'report-export-controls-review', to: 'delivered', reason: 'Reported to Parliament.', actor: 'seed' },
      '2026-11-23',
    );
    expect((await shown('report-export-controls-review')).openDays).toBeNull();
  });

  it('pages', async () => {
    app = await openMiniApp();
    const page2 = await app.queries.list({ page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, page: 2, pages: 2 });
    expect(page2.items.map((c) => c.id)).toEqual(['trade-envoy-training']);
  });

  it('ranks search hits, best first, and survives query syntax in user text', async () => {
    app = await openMiniApp();
    const hits = await app.queries.search('modern slavery penalties');
    expect(hits[0]).toMatchObject({ kind: 'commitment', id: 'modern-slavery-penalties' });
    expect((await app.queries.search('export controls'))[0]?.id).toBe('report-export-controls-review');
    await expect(app.queries.search('"AND OR NEAR( * -')).resolves.toBeInstanceOf(Array);
    expect(await app.queries.search('zzzqqq')).toEqual([]);
  });

  it('answers an unknown id with the closest ids', async () => {
    app = await openMiniApp();
    const result = await app.queries.show('modern-slavery-penalty');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.suggestions[0]).toBe('modern-slavery-penalties');
  });

  it('suggests ids for autocomplete by prefix and by words, at most the limit', async () => {
    app = await openMiniApp();
    expect((await app.queries.suggest('trade')).map((s) => s.id)[0]).toBe('trade-envoy-training');
    expect((await app.queries.suggest('penalties')).map((s) => s.id)).toContain('modern-slavery-penalties');
    expect(await app.queries.suggest('', 2)).toHaveLength(2);
  });

  it('finds ids by prefix, then by text inside them; LIKE wildcards in the text are plain characters', async () => {
    app = await openMiniApp();
    const ids = (await app.store.listCommitments({}, { offset: 0, limit: 1_000 })).items.map((c) => c.id);
    const expected = (text: string) => [...ids.filter((id) => id.startsWith(text)).sort(), ...ids.filter((id) => id.indexOf(text) > 0).sort()];
    const store = app.store;
    const found = async (text: string) => (await store.idsMatching(text, 1_000)).map((c) => c.id);
    for (const text of ['slavery', 'trade', 'export-controls', 'e']) {
      expect(expected(text).length).toBeGreaterThan(0);
      // The order within each group follows the engine's collation; which ids, and prefixes first, do not.
      const got = await found(text);
      const prefixes = ids.filter((id) => id.startsWith(text)).length;
      expect([...got.slice(0, prefixes).sort(), ...got.slice(prefixes).sort()]).toEqual(expected(text));
    }
    for (const text of ['%', '_', '\\', 'e%s', 'modern_slavery']) expect(await found(text)).toEqual([]);
  });
});
