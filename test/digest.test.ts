import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../src/app.ts';
import { databaseOf } from '../src/db/database.ts';
import { buildDigest } from '../src/digest/build-digest.ts';
import { DigestService, NO_FILTERS } from '../src/digest/digest-service.ts';
import { renderDigestMessages, renderDigestText } from '../src/digest/render-digest.ts';
import { type DigestSender, type OutgoingPart } from '../src/digest/sender.ts';
import { ok } from '../src/result.ts';
import type { SubscriptionStore } from '../src/subscriptions/subscription-store.ts';
import { cli, openMiniApp } from './support/register.ts';

let app: (App & { clock: ReturnType<typeof import('../src/clock.ts').manualClock> }) | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const TZ = 'Europe/London';
// Monday 12 December 2022, 09:00 GMT: the week before, and the penalties deadline (31 Dec) 19 days ahead.
const WEEK = { start: new Date('2022-12-05T09:00:00Z'), end: new Date('2022-12-12T09:00:00Z') };

async function seedWeek(a: App) {
  await a.store.changeStatus(
    {
      commitmentId: 'trade-envoy-training',
      to: 'in-progress',
      reason: 'The course ran for the first time @everyone',
      evidence: ['https://example.org/course'],
      actor: 'cli:test',
    },
    '2022-12-07T10:00:00.000Z',
  );
  const evidence = (commitment: string, link: string, title: string, at: string) =>
    a.outbox.record({
      type: 'evidence',
      commitmentId: commitment,
      feedId: 'govuk',
      payload: { type: 'evidence', commitment, feed: 'govuk', item: { title, link, published: at } },
      dedupeKey: `evidence:${commitment}:${link}`,
      createdAt: at,
    });
  await evidence('report-export-controls-review', 'https://example.org/a', 'Export controls **review** published', '2022-12-06T08:00:00.000Z');
  await evidence('report-export-controls-review', 'https://example.org/b', 'Minister answers on export controls', '2022-12-08T08:00:00.000Z');
  await evidence('modern-slavery-penalties', 'https://example.org/c', 'Modern Slavery Act penalties consultation', '2022-12-09T08:00:00.000Z');
  await evidence('modern-slavery-penalties', 'https://example.org/outside', 'Outside the window', '2022-12-12T09:00:00.000Z');
  await a.outbox.record({
    type: 'feed-health',
    feedId: 'bills',
    payload: { type: 'feed-health', feed: 'bills', url: 'https://example.org/bills.rss', health: 'failing', reason: 'HTTP 503' },
    dedupeKey: 'fh:bills:1',
    createdAt: '2022-12-10T00:00:00.000Z',
  });
  await a.outbox.record({
    type: 'feed-health',
    feedId: 'ok',
    payload: { type: 'feed-health', feed: 'ok', health: 'failing', reason: 'x' },
    dedupeKey: 'fh:ok:1',
    createdAt: '2022-12-09T00:00:00.000Z',
  });
  await a.outbox.record({
    type: 'feed-health',
    feedId: 'ok',
    payload: { type: 'feed-health', feed: 'ok', health: 'healthy', change: 'recovered', reason: 'back' },
    dedupeKey: 'fh:ok:2',
    createdAt: '2022-12-10T00:00:00.000Z',
  });
}

describe('digest content', () => {
  it('scoreboard, status changes with reasons, evidence grouped, upcoming and failing feeds', async () => {
    app = await openMiniApp('2022-12-12T09:00:30Z');
    await seedWeek(app);
    const d = await buildDigest({ outbox: app.outbox, store: app.store, timeZone: TZ }, NO_FILTERS, WEEK, app.clock.now());
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['window', 'scoreboard', 'statusChanges', 'evidence', 'overdue', 'upcoming', 'failingFeeds']));
    expect(d.window).toEqual({ start: '2022-12-05T09:00:00.000Z', end: '2022-12-12T09:00:00.000Z' });
    expect(d.scoreboard).toMatchObject({ 'in-progress': 2, stalled: 1, 'not-started': 0, delivered: 0 });
    expect(d.statusChanges).toEqual([
      expect.objectContaining({
        commitment: 'trade-envoy-training',
        from: 'not-started',
        to: 'in-progress',
        reason: 'The course ran for the first time @everyone',
        sources: ['https://example.org/course'],
      }),
    ]);
    expect(d.evidence.map((g) => [g.commitment, g.items.map((i) => i.link)])).toEqual([
      ['report-export-controls-review', ['https://example.org/a', 'https://example.org/b']],
      ['modern-slavery-penalties', ['https://example.org/c']],
    ]);
    expect(d.upcoming.map((c) => [c.commitment, c.deadline])).toEqual([['modern-slavery-penalties', '2022-12-31']]);
    expect(d.overdue).toEqual([]);
    expect(d.failingFeeds.map((f) => [f.feed, f.health, f.reason])).toEqual([['bills', 'failing', 'HTTP 503']]);
    expect(d.quiet).toBe(false);

    const text = renderDigestText(d, { timeZone: TZ });
    expect(text).toContain('trade-envoy-training');
    expect(text).toMatch(/▰+▱* +2 +in progress/);
    const messages = renderDigestMessages(d, { timeZone: TZ });
    const all = JSON.stringify(messages);
    expect(all).not.toContain('@everyone'); // broken with a zero-width space
    expect(all).toContain('[source 1](https://example.org/course)');
    expect(all).toContain('Export controls \\\\*\\\\*review\\\\*\\\\* published'); // markdown escaped (JSON-encoded backslashes)
    expect(all).toContain('https://example.org/a');
  });

  it('an updated page appears once, as its latest version, with the publisher’s note of what changed', async () => {
    const a = (app = await openMiniApp('2022-12-12T09:00:30Z'));
    const updated = (note: string | undefined, at: string, key: string) =>
      a.outbox.record({
        type: 'item-updated',
        commitmentId: 'report-export-controls-review',
        feedId: 'fcdo',
        payload: {
          feed: 'fcdo',
          item: {
            title: 'Export controls review',
            link: 'https://www.gov.uk/government/news/review',
            published: null,
            ...(note ? { changeNote: note, changeNoteAt: at } : {}),
          },
        },
        dedupeKey: key,
        createdAt: at,
      });
    await updated('Added the terms of reference.', '2022-12-06T08:00:00.000Z', 'u1');
    await updated('Added the findings @everyone.', '2022-12-08T08:00:00.000Z', 'u2');
    const d = await buildDigest({ outbox: a.outbox, store: a.store, timeZone: TZ }, NO_FILTERS, WEEK, a.clock.now());
    expect(d.evidence).toEqual([
      expect.objectContaining({
        commitment: 'report-export-controls-review',
        items: [expect.objectContaining({ updated: true, changeNote: 'Added the findings @everyone.' })],
      }),
    ]);
    // A later update whose note could not be had: the page shows no note, never the earlier one.
    await updated(undefined, '2022-12-09T08:00:00.000Z', 'u3');
    const later = await buildDigest({ outbox: a.outbox, store: a.store, timeZone: TZ }, NO_FILTERS, WEEK, a.clock.now());
    expect(later.evidence[0]!.items).toEqual([expect.objectContaining({ updated: true, changeNote: null })]);
    expect(renderDigestText(d, { timeZone: TZ })).toContain('what changed: Added the findings @everyone.');
    const all = JSON.stringify(renderDigestMessages(d, { timeZone: TZ }));
    expect(all).toContain('↳ Added the findings');
    expect(all).not.toContain('@everyone');
  });

  it('a deadline passing in the window makes the commitment overdue; outside it, not', async () => {
    app = await openMiniApp('2023-01-02T10:00:00Z');
    const deps = { outbox: app.outbox, store: app.store, timeZone: TZ };
    const d = await buildDigest(deps, NO_FILTERS, { start: new Date('2022-12-26T09:00:00Z'), end: new Date('2023-01-02T09:00:00Z') }, app.clock.now());
    expect(d.overdue.map((c) => c.commitment)).toEqual(['modern-slavery-penalties']);
    const later = await buildDigest(deps, NO_FILTERS, { start: new Date('2023-01-02T09:00:00Z'), end: new Date('2023-01-09T09:00:00Z') }, app.clock.now());
    expect(later.overdue).toEqual([]);
  });

  it('a quiet week is marked quiet and rendered as a short "nothing moved" summary', async () => {
    app = await openMiniApp('2024-06-03T09:00:00Z');
    const d = await buildDigest(
      { outbox: app.outbox, store: app.store, timeZone: TZ },
      NO_FILTERS,
      { start: new Date('2024-05-27T08:00:00Z'), end: new Date('2024-06-03T08:00:00Z') },
      app.clock.now(),
    );
    expect(d.quiet).toBe(true);
    const messages = renderDigestMessages(d, { timeZone: TZ });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.embeds).toHaveLength(1);
    expect(messages[0]!.embeds[0]!.description).toContain('Nothing moved');
  });

  it('respects the subscription’s filters', async () => {
    app = await openMiniApp('2022-12-12T09:00:30Z');
    await seedWeek(app);
    const d = await buildDigest({ outbox: app.outbox, store: app.store, timeZone: TZ }, { ...NO_FILTERS, departments: ['home office'] }, WEEK, app.clock.now());
    expect(d.statusChanges).toEqual([]);
    expect(d.evidence.map((g) => g.commitment)).toEqual(['modern-slavery-penalties']);
    expect(Object.values(d.scoreboard).reduce((a, b) => a + b, 0)).toBe(1);
    const byCommitment = await buildDigest(
      { outbox: app.outbox, store: app.store, timeZone: TZ },
      { ...NO_FILTERS, commitments: ['trade-envoy-training'] },
      WEEK,
      app.clock.now(),
    );
    expect(byCommitment.failingFeeds).toEqual([]); // feed health goes to subscriptions without commitment filters only
    expect(byCommitment.statusChanges).toHaveLength(1);
  });
});

/** A sender that remembers every part posted, and can crash after a number of parts. */
function fakeSender(options: { crashAfterParts?: number } = {}) {
  const posted: { channelId: string; part: number; nonce: string; message: OutgoingPart }[] = [];
  let sentThisLife = 0;
  const sender: DigestSender = {
    async send(channelId, messages, nonceBase, progress) {
      const ids: string[] = [];
      for (const m of messages) {
        if (options.crashAfterParts !== undefined && sentThisLife >= options.crashAfterParts) throw new Error('crash while posting');
        const nonce = `${nonceBase}-${m.part}`;
        posted.push({ channelId, part: m.part, nonce, message: m });
        sentThisLife++;
        await progress?.onSent(m.part, `msg-${posted.length}`);
        ids.push(`msg-${posted.length}`);
      }
      return ok({ messageIds: ids });
    },
  };
  return { sender, posted };
}

async function subscribe(a: App, at: string, settings: Partial<Parameters<SubscriptionStore['upsert']>[0]> = {}) {
  const subs = a.subscriptions;
  await subs.upsert(
    { guildId: '100000000000000001', channelId: '200000000000000001', timeZone: TZ, createdBy: 'discord:123456', frequency: 'immediately', ...settings },
    at,
  );
  return subs;
}

describe('exactly once', () => {
  it('a crash after part 1 of a 2-part digest: after the restart part 2 is posted once, part 1 not again', async () => {
    app = await openMiniApp('2022-12-01T00:00:00Z');
    const subs = await subscribe(app, '2022-12-01T00:00:00.000Z');
    await seedWeek(app);
    // Enough long evidence for the digest to need more than one message.
    for (let i = 0; i < 22; i++) {
      const link = `https://example.org/long/${i}`;
      await app.outbox.record({
        type: 'evidence',
        commitmentId: 'report-export-controls-review',
        payload: { item: { title: `Item ${i} ${'about export controls and more '.repeat(7)}`, link } },
        dedupeKey: `ev:${i}`,
        createdAt: '2022-12-07T00:00:00.000Z',
      });
    }
    const first = fakeSender({ crashAfterParts: 1 });
    const now = new Date('2022-12-12T09:00:30Z');
    const crashed = await new DigestService({ app, subscriptions: subs, sender: first.sender, clock: app.clock }).tick(now);
    expect(crashed.recorded).toHaveLength(1);
    const run = crashed.recorded[0]!;
    expect(run.partsTotal).toBe(2);
    for (const m of run.messages) {
      expect(m.embeds.length).toBeLessThanOrEqual(10);
      expect(m.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0)).toBeLessThanOrEqual(6000);
    }
    expect(JSON.stringify(run.messages)).toContain('https://example.org/long/21'); // every link kept
    expect(crashed.failed).toHaveLength(1);
    expect(first.posted.map((p) => p.part)).toEqual([0]);

    const second = fakeSender();
    const restarted = new DigestService({ app, subscriptions: subs, sender: second.sender, clock: app.clock });
    const resumed = await restarted.tick(new Date('2022-12-12T09:01:30Z'));
    expect(resumed.recorded).toEqual([]);
    expect(second.posted.map((p) => p.part)).toEqual([1]);
    expect(second.posted[0]!.message).toEqual({ ...run.messages[1], part: 1 }); // the frozen part, unchanged
    expect(second.posted[0]!.nonce).toBe(first.posted[0]!.nonce.replace(/-0$/, '-1'));
    const done = (await restarted.runs.get(run.id))!;
    expect(done).toMatchObject({ state: 'posted', partsSent: 2, attempts: 2 });
    expect(done.messageIds).toHaveLength(2);
    await restarted.tick(new Date('2022-12-12T09:02:30Z'));
    expect(second.posted).toHaveLength(1);
  });

  it('two processes on one store never send a run at the same time; a lease left by a crash expires', async () => {
    app = await openMiniApp('2022-12-01T00:00:00Z');
    const subs = await subscribe(app, '2022-12-01T00:00:00.000Z');
    await seedWeek(app);
    // Process A starts sending and is slow; process B ticks meanwhile.
    let finishA!: () => void;
    const aBlocked = new Promise<void>((resolve) => (finishA = resolve));
    const a = fakeSender();
    const slowSender: DigestSender = { send: async (...args) => (await aBlocked, a.sender.send(...args)) };
    const serviceA = new DigestService({ app, subscriptions: subs, sender: slowSender, clock: app.clock });
    const b = fakeSender();
    const serviceB = new DigestService({ app, subscriptions: subs, sender: b.sender, clock: app.clock });
    const now = new Date('2022-12-12T09:00:30Z');
    const tickA = serviceA.tick(now);
    await vi.waitFor(async () => expect((await serviceA.runs.list())[0]?.attempts).toBe(1));
    const tickB = await serviceB.tick(new Date('2022-12-12T09:01:30Z'));
    expect(tickB.posted).toEqual([]);
    expect(b.posted).toEqual([]);
    finishA();
    expect((await tickA).posted).toHaveLength(1);
    expect(a.posted).toHaveLength(1);
    await serviceB.tick(new Date('2022-12-12T09:02:30Z'));
    expect(b.posted).toEqual([]);

    // A process that died holding a lease: the run waits for the lease to end, then is sent once.
    await databaseOf(app)
      .updateTable('digest_runs')
      .set({ state: 'pending', parts_sent: 0, message_ids: '[]', posted_at: null, lease_owner: 'dead:1:x', lease_until: '2022-12-12T09:08:00.000Z' })
      .execute();
    await serviceB.tick(new Date('2022-12-12T09:05:00Z'));
    expect(b.posted).toEqual([]);
    await serviceB.tick(new Date('2022-12-12T09:08:00Z'));
    expect(b.posted).toHaveLength(1);
    expect((await serviceB.runs.list())[0]).toMatchObject({ state: 'posted' });
  });

  it('claim hands over the run as it is now, not a copy read earlier, and refuses while another holds it', async () => {
    app = await openMiniApp('2022-12-01T00:00:00Z');
    const subs = await subscribe(app, '2022-12-01T00:00:00.000Z');
    await seedWeek(app);
    const service = new DigestService({ app, subscriptions: subs, sender: fakeSender({ crashAfterParts: 0 }).sender, clock: app.clock });
    await service.tick(new Date('2022-12-12T09:00:30Z')); // recorded; the send failed at once
    const runs = service.runs;
    const stale = (await runs.pending())[0]!;
    // Meanwhile another sender got part 0 out and stopped.
    await databaseOf(app)
      .updateTable('digest_runs')
      .set({ parts_sent: 1, message_ids: '["m0"]', attempts: 2, updated_at: '2022-12-12T09:01:00.000Z', parts_total: 2 })
      .execute();
    const t = new Date('2022-12-12T09:02:00Z');
    const claimed = await runs.claim(stale.id, 'b', t, new Date('2022-12-12T09:07:00Z'));
    expect(claimed).toMatchObject({ partsSent: 1, attempts: 2, updatedAt: '2022-12-12T09:01:00.000Z' });
    expect(await runs.claim(stale.id, 'c', t, new Date('2022-12-12T09:07:00Z'))).toBeUndefined();
    expect(await runs.claim(stale.id, 'c', new Date('2022-12-12T09:07:00Z'), new Date('2022-12-12T09:12:00Z'))).toMatchObject({ attempts: 3 });
  });

  it('one digest per window across a restart and a week of downtime', async () => {
    app = await openMiniApp('2022-11-30T00:00:00Z');
    const subs = await subscribe(app, '2022-11-30T00:00:00.000Z');
    const { sender, posted } = fakeSender();
    const life1 = new DigestService({ app, subscriptions: subs, sender, clock: app.clock });
    // Ticks every few minutes through Monday morning: one digest.
    for (const t of ['2022-12-05T08:59:00Z', '2022-12-05T09:00:00Z', '2022-12-05T09:01:00Z', '2022-12-05T09:02:00Z']) await life1.tick(new Date(t));
    expect(posted).toHaveLength(1);
    // Restart in the same minute: nothing again.
    const life2 = new DigestService({ app, subscriptions: subs, sender, clock: app.clock });
    await life2.tick(new Date('2022-12-05T09:03:00Z'));
    expect(posted).toHaveLength(1);
    // Down from Wednesday 7th to Tuesday 20th (two Mondays missed): one late catch-up at start.
    const life3 = new DigestService({ app, subscriptions: subs, sender, clock: app.clock });
    const report = await life3.tick(new Date('2022-12-20T12:00:00Z'));
    expect(report.recorded).toHaveLength(1);
    expect(report.recorded[0]).toMatchObject({ late: true, windowStart: '2022-12-05T09:00:00.000Z', windowEnd: '2022-12-19T09:00:00.000Z' });
    await life3.tick(new Date('2022-12-20T12:01:00Z'));
    expect(posted).toHaveLength(2);
    expect(JSON.stringify(posted[1]!.message.embeds[0]!.title)).toContain('(late)');
    // And the next Monday, on time.
    await life3.tick(new Date('2022-12-26T09:00:10Z'));
    const runs = await life3.runs.list();
    expect(runs.map((r) => [r.windowStart, r.windowEnd, r.state])).toEqual([
      ['2022-11-28T09:00:00.000Z', '2022-12-05T09:00:00.000Z', 'posted'],
      ['2022-12-05T09:00:00.000Z', '2022-12-19T09:00:00.000Z', 'posted'],
      ['2022-12-19T09:00:00.000Z', '2022-12-26T09:00:00.000Z', 'posted'],
    ]);
    expect(new Set(posted.map((p) => p.nonce)).size).toBe(posted.length);
  });

  it('a quiet week with quietDigest off posts nothing (and is not tried again)', async () => {
    app = await openMiniApp('2024-05-01T00:00:00Z');
    const subs = await subscribe(app, '2024-05-01T00:00:00.000Z', { quietDigest: false });
    const { sender, posted } = fakeSender();
    const service = new DigestService({ app, subscriptions: subs, sender, clock: app.clock });
    const report = await service.tick(new Date('2024-06-03T08:00:30Z'));
    expect(report.recorded.map((r) => r.state)).toEqual(['skipped']);
    await service.tick(new Date('2024-06-03T08:05:30Z'));
    expect(posted).toEqual([]);
  });

  it('daily subscribers get one batch of the day’s events at 08:30', async () => {
    app = await openMiniApp('2022-12-01T00:00:00Z');
    const subs = await subscribe(app, '2022-12-01T00:00:00.000Z', { frequency: 'daily', digest: false });
    await seedWeek(app);
    const { sender, posted } = fakeSender();
    const service = new DigestService({ app, subscriptions: subs, sender, clock: app.clock });
    await service.tick(new Date('2022-12-07T08:29:00Z'));
    expect(posted).toEqual([]);
    await service.tick(new Date('2022-12-07T08:30:00Z'));
    await service.tick(new Date('2022-12-07T08:31:00Z'));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.message.embeds[0]!.title).toMatch(/^Daily alerts to Wed 7 Dec 2022: 1 update$/);
    expect(JSON.stringify(posted[0]!.message)).toContain('https://example.org/a');
  });
});

describe('digest --preview', () => {
  it('--json prints the fixed keys', async () => {
    const r = await cli(['digest', '--preview', '--json'], { now: '2022-12-12T09:00:00Z' });
    expect(r.code).toBe(0);
    const json = r.json() as Record<string, unknown>;
    for (const key of ['window', 'scoreboard', 'statusChanges', 'evidence', 'overdue', 'upcoming', 'failingFeeds']) expect(json).toHaveProperty(key);
    expect(json.window).toEqual({ start: '2022-12-05T09:00:00.000Z', end: '2022-12-12T09:00:00.000Z' });
    expect((json.upcoming as { commitment: string }[]).map((c) => c.commitment)).toEqual(['modern-slavery-penalties']);
  });

  it('an unknown channel is refused in one line', async () => {
    const r = await cli(['digest', '--preview', '--channel', '42']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('channel 42 has no subscription');
  });
});
