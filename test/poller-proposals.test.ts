// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock (test/support/poller-harness.ts). Proposals, automatic status changes and
// deadlines.
import { cpSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { explainItem } from '../src/feeds/explain.ts';
import { MINI_SEEDS, tempDir } from './support/register.ts';
import { FIXTURES, MIN, server, app, clock, feedStore, open, poller, spec, allEvents, feedEvents, usePollerHarness } from './support/poller-harness.ts';

usePollerHarness();

describe('proposals, automatic changes and deadlines', () => {
  function billsFeed(stage: string, updated: string): string {
    return `<?xml version="1.0" encoding="utf-8"?><rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0"><channel><title>Public Bills</title><link>https://bills.parliament.uk/</link><description>All bills</description>
<item p4:stage="${stage}" xmlns:p4="urn:services.parliament.uk-bills.ext"><guid isPermaLink="true">https://bills.parliament.uk/bills/9999</guid><link>https://bills.parliament.uk/bills/9999</link><category>Government Bill</category><category>Commons</category><title>Modern Slavery (Amendment)</title><description>A Bill to make provision about penalties under the Modern Slavery Act 2015.</description><a10:updated>${updated}</a10:updated></item>
<item p4:stage="2nd reading" xmlns:p4="urn:services.parliament.uk-bills.ext"><guid isPermaLink="true">https://bills.parliament.uk/bills/1</guid><link>https://bills.parliament.uk/bills/1</link><category>Commons</category><category>Private Members' Bill</category><title>Something Else</title><description>A Bill about something else.</description><a10:updated>2024-05-01T10:00:00+01:00</a10:updated></item>
</channel></rss>`;
  }

  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** The mini register plus one commitment linked to the Modern Slavery (Amendment) bill. */
  async function openWithBillCommitment(status: string, rules: string): Promise<void> {
    const seeds = tempDir();
    made.push(seeds);
    cpSync(MINI_SEEDS, seeds, { recursive: true });
    appendFileSync(
      join(seeds, 'registers', 'mini', 'commitments.yaml'),
      `  - id: slavery-bill
    title: Pass the Modern Slavery (Amendment) Bill
    quote: We will legislate.
    recommendations: [3]
    department: Home Office
    madeIn: response
    madeOn: 2021-11-01
    status: ${status}
    statusReason: As the test needs.
    watch:
      any: [modern slavery bill]
      bills: [Modern Slavery (Amendment)]
    rules:
${rules}
`,
    );
    await open(seeds);
  }

  it('a bill reaching Royal Assent applies an automatic rule once, even across a crash before it is applied', async () => {
    await openWithBillCommitment('not-started', '      - {when: royal-assent, propose: delivered, automatic: true}');
    const feeds = [spec('bills', '/bills.rss', 'parliament-bills')];
    server.serveBody('/bills.rss', billsFeed('1st reading', '2024-05-20T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    await poller().pollOnce(feeds);
    expect(await feedEvents()).toEqual([]);

    server.serveBody('/bills.rss', billsFeed('2nd reading', '2024-05-27T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds);
    let events = await feedEvents();
    expect(events.map((e) => e.type)).toEqual(['status-proposal', 'item-updated']);
    expect(events[0]!.payload).toMatchObject({ commitment: 'slavery-bill', from: 'not-started', to: 'in-progress', rule: 'bill-progress', automatic: false });
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('not-started');

    server.serveBody('/bills.rss', billsFeed('Royal Assent', '2024-05-31T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    const crashing = poller({
      hooks: {
        afterFeed: () => {
          throw new Error('crash after commit');
        },
      },
    });
    await expect(crashing.pollOnce(feeds)).rejects.toThrow('crash after commit');
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('not-started'); // queued, not yet applied

    clock.advance(16 * MIN);
    const rerun = await poller().pollOnce(feeds);
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('delivered');
    events = await feedEvents();
    expect(events.map((e) => e.type)).toEqual(['status-proposal', 'item-updated', 'status-proposal', 'item-updated', 'status-change']);
    expect(events[2]!.payload).toMatchObject({ to: 'delivered', rule: 'royal-assent', automatic: true });
    expect(events[4]).toMatchObject({
      type: 'status-change',
      commitmentId: 'slavery-bill',
      payload: { to: 'delivered', actor: 'rule:royal-assent', evidence: ['https://bills.parliament.uk/bills/9999'] },
    });
    expect(rerun.eventIds).toContain(events[4]!.id);
    await poller().pollOnce(feeds, { force: true });
    expect(await feedEvents()).toHaveLength(5);
    const history = await app.store.history('slavery-bill');
    expect(history.filter((h) => h.actor === 'rule:royal-assent')).toHaveLength(1);
  });

  it('a Royal Assent seen again for an Act already delivered proposes nothing, though a rule says partly-delivered', async () => {
    await openWithBillCommitment('delivered', '      - {when: royal-assent, propose: partly-delivered, automatic: true}');
    const feeds = [spec('bills', '/bills.rss', 'parliament-bills')];
    server.serveBody('/bills.rss', billsFeed('Report stage', '2024-05-20T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    await poller().pollOnce(feeds);
    server.serveBody('/bills.rss', billsFeed('Royal Assent', '2024-05-31T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds);
    const events = await feedEvents();
    expect(events.map((e) => e.type)).toEqual(['item-updated']);
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('delivered');
    const why = await explainItem(feedStore, 'https://bills.parliament.uk/bills/9999');
    expect(why.ok && why.value.sightings[0]!.proposals).toEqual([]);
  });

  it('a linked bill withdrawn proposes stalled for an editor, never applied by itself', async () => {
    await openWithBillCommitment('in-progress', '      - {when: bill-progress, propose: in-progress, automatic: true}');
    const feeds = [spec('bills', '/bills.rss', 'parliament-bills')];
    server.serveBody('/bills.rss', billsFeed('2nd reading', '2024-05-20T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    await poller().pollOnce(feeds);
    server.serveBody('/bills.rss', billsFeed('Withdrawn', '2024-05-31T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds);
    const events = await feedEvents();
    expect(events.map((e) => e.type)).toEqual(['status-proposal', 'item-updated']);
    expect(events[0]!.payload).toMatchObject({ commitment: 'slavery-bill', from: 'in-progress', to: 'stalled', rule: 'bill-stopped', automatic: false });
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('in-progress');
    expect(await feedStore.pendingChanges()).toEqual([]);
  });

  it('a queued automatic change is not applied when an editor has since moved the commitment further on', async () => {
    await openWithBillCommitment('not-started', '      - {when: bill-progress, propose: in-progress, automatic: true}');
    const feeds = [spec('bills', '/bills.rss', 'parliament-bills')];
    server.serveBody('/bills.rss', billsFeed('1st reading', '2024-05-20T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    await poller().pollOnce(feeds);
    server.serveBody('/bills.rss', billsFeed('2nd reading', '2024-05-27T10:00:00+01:00'), { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    // The poll commits the queued change, then "crashes" before applying it; an editor records delivered.
    const crashing = poller({
      hooks: {
        afterFeed: () => {
          throw new Error('crash after commit');
        },
      },
    });
    await expect(crashing.pollOnce(feeds)).rejects.toThrow('crash after commit');
    await app.store.changeStatus(
      { commitmentId: 'slavery-bill', to: 'delivered', reason: 'The Act is in force.', evidence: [], actor: 'discord:123456789012345678' },
      clock.now().toISOString(),
    );
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds);
    expect((await app.store.getCommitment('slavery-bill'))?.status).toBe('delivered');
    expect((await app.store.history('slavery-bill')).filter((h) => h.actor === 'rule:bill-progress')).toEqual([]);
    expect(await feedStore.pendingChanges()).toEqual([]);
  });

  it('a deadline-passed rule proposes nothing behind the current status', async () => {
    const seeds = tempDir();
    made.push(seeds);
    cpSync(MINI_SEEDS, seeds, { recursive: true });
    appendFileSync(
      join(seeds, 'registers', 'mini', 'commitments.yaml'),
      `  - id: half-done
    title: A partly delivered undertaking with a passed deadline
    quote: We will do it by the end of 2022.
    recommendations: [3]
    department: Home Office
    madeIn: response
    madeOn: 2021-11-01
    deadline:
      text: by the end of 2022
      date: 2022-12-31
    status: partly-delivered
    statusReason: Half of it happened.
    watch:
      any: [something unlikely]
    rules:
      - {when: deadline-passed, propose: stalled, automatic: true}
`,
    );
    await open(seeds);
    await poller().pollOnce([]);
    const events = await allEvents();
    expect(events.filter((e) => e.commitmentId === 'half-done').map((e) => e.type)).toEqual(['overdue']);
    expect((await app.store.getCommitment('half-done'))?.status).toBe('partly-delivered');
  });

  it('emits one overdue event per overdue commitment, once', async () => {
    await open();
    server.serveFile('/good.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const p = poller();
    const first = await p.pollOnce([spec('good', '/good.rss')]);
    const overdue = (await allEvents()).filter((e) => e.type === 'overdue');
    expect(overdue.map((e) => [e.commitmentId, e.payload.deadline])).toEqual([['modern-slavery-penalties', '2022-12-31']]);
    expect(first.eventIds).toEqual(overdue.map((e) => e.id));
    clock.advance(24 * 60 * MIN);
    await p.pollOnce([spec('good', '/good.rss')]);
    expect((await allEvents()).filter((e) => e.type === 'overdue')).toHaveLength(1);
  });
});
