// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock (test/support/poller-harness.ts). First fetch, then only what is new; match
// decisions as recorded; conditional GET.
import { join } from 'node:path';
import type { MatchEngineFactory } from '../src/feeds/poll-types.ts';
import { describe, expect, it } from 'vitest';
import { explainItem, rejectionLabel } from '../src/feeds/explain.ts';
import {
  FIXTURES,
  fixture,
  MIN,
  server,
  app,
  clock,
  feedStore,
  open,
  poller,
  spec,
  feedEvents,
  govukFeed,
  committeeNewsWith,
  usePollerHarness,
} from './support/poller-harness.ts';

usePollerHarness();

describe('first fetch, then only what is new', () => {
  it('records every item of the first fetch silently; a new item later is evidence for the right commitment', async () => {
    await open();
    server.serveBody('/committee.rss', fixture('parliament-committee-news-rss-2018.xml'), { 'content-type': 'application/rss+xml' });
    server.serveFile('/bills.rss', join(FIXTURES, 'parliament-services-public-bills-rss-2018.xml'));
    server.serveFile('/legislation.feed', join(FIXTURES, 'legislation-gov-uk-new-data-feed-2015.xml'));
    server.serveFile('/questions.rss', join(FIXTURES, 'parliament-generic-questions-archive-rss-2019.xml'));
    const feeds = [
      spec('committee', '/committee.rss'),
      spec('bills', '/bills.rss', 'parliament-bills'),
      spec('legislation', '/legislation.feed', 'legislation'),
      spec('questions', '/questions.rss'),
    ];
    const p = poller();

    const first = await p.pollOnce(feeds);
    expect(first.feeds.map((f) => [f.feedId, f.outcome, f.firstFetch])).toEqual([
      ['committee', 'parsed', true],
      ['bills', 'parsed', true],
      ['legislation', 'parsed', true],
      ['questions', 'parsed', true],
    ]);
    expect(await feedEvents()).toEqual([]);
    expect((await feedStore.items('bills')).length).toBe(first.feeds[1]!.items);
    expect(first.feeds[1]!.items).toBeGreaterThan(300);
    expect((await feedStore.getFeed('committee'))?.detectedKind).toBe('generic');

    server.serveBody(
      '/committee.rss',
      committeeNewsWith({ guid: 'new-1', title: 'Committee presses Government on export controls and Xinjiang', date: 'Sat, 01 Jun 2024 11:00:00 GMT' }),
      { 'content-type': 'application/rss+xml' },
    );
    clock.advance(16 * MIN);
    const second = await p.pollOnce(feeds);
    expect(second.feeds.find((f) => f.feedId === 'committee')).toMatchObject({ outcome: 'parsed', newItems: 1, firstFetch: false });
    const events = await feedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'evidence',
      commitmentId: 'report-export-controls-review',
      feedId: 'committee',
      payload: {
        type: 'evidence',
        commitment: 'report-export-controls-review',
        feed: 'committee',
        item: {
          title: 'Committee presses Government on export controls and Xinjiang',
          link: 'https://committees.example.org/news/new-1',
          published: '2024-06-01T11:00:00.000Z',
        },
      },
    });
    expect(events[0]!.payload).toMatchObject({ matched: expect.arrayContaining(['export control', 'xinjiang']) });
    expect(second.eventIds).toContain(events[0]!.id);
    const evidence = await app.store.evidence('report-export-controls-review', 10);
    expect(evidence).toContainEqual(
      expect.objectContaining({ url: 'https://committees.example.org/news/new-1', source: 'committee', matched: expect.arrayContaining(['export control']) }),
    );
    // A third poll of the same bodies finds nothing new.
    clock.advance(16 * MIN);
    const third = await p.pollOnce(feeds);
    expect(third.parsedBodies).toBe(0);
    expect(await feedEvents()).toHaveLength(1);
  });

  it('GOV.UK: a re-timestamped entry is one item-updated; re-ordering, dropping out and coming back, and a changed id are nothing', async () => {
    await open();
    const a = {
      path: '/government/news/uk-reviews-export-controls-xinjiang',
      title: 'UK reviews export controls for Xinjiang',
      updated: '2024-05-30T10:00:00+01:00',
    };
    const b = { path: '/government/news/minister-visits-kenya', title: 'Minister visits Kenya', updated: '2024-05-29T10:00:00+01:00' };
    const c = { path: '/government/publications/annual-report', title: 'Annual report', updated: '2024-05-28T10:00:00+01:00', type: 'Corporate report' };
    const serve = (...entries: (typeof a)[]) => server.serveBody('/fcdo.atom', govukFeed(entries), { 'content-type': 'application/atom+xml' });
    const feeds = [spec('fcdo', '/fcdo.atom', 'govuk-atom')];
    const p = poller();
    const step = async () => {
      clock.advance(16 * MIN);
      return p.pollOnce(feeds);
    };

    serve(a, b, c);
    await p.pollOnce(feeds);
    expect(await feedEvents()).toEqual([]);

    // Re-timestamped: the entry id changes with the timestamp, the path stays.
    const a2 = { ...a, updated: '2024-06-01T09:30:00+01:00' };
    serve(a2, b, c);
    const updated = await step();
    expect(updated.feeds[0]).toMatchObject({ newItems: 0, updatedItems: 1 });
    let events = await feedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'item-updated',
      commitmentId: 'report-export-controls-review',
      payload: { feed: 'fcdo', item: { link: `https://www.gov.uk${a.path}`, updated: '2024-06-01T08:30:00.000Z' }, previousUpdated: '2024-05-30T09:00:00.000Z' },
    });

    serve(c, a2, b); // re-ordered
    expect((await step()).feeds[0]).toMatchObject({ outcome: 'parsed', newItems: 0, updatedItems: 0 });
    serve(a2, c); // b drops out
    await step();
    serve(a2, b, c); // and comes back
    expect((await step()).feeds[0]).toMatchObject({ newItems: 0, updatedItems: 0 });
    // The finder form of the same page's id: still the same item (GOV.UK items are keyed by path).
    server.serveBody('/fcdo.atom', govukFeed([a2, b, c]).replace(`https://www.gov.uk${b.path}#${b.updated}`, `tag:www.gov.uk,2005:${b.path}`), {
      'content-type': 'application/atom+xml',
    });
    expect((await step()).feeds[0]).toMatchObject({ newItems: 0, updatedItems: 0 });
    // The same re-timestamp seen again (e.g. after a restart with a lost body hash) is not a second update.
    serve(a2, b, c);
    await step();
    events = await feedEvents();
    expect(events).toHaveLength(1);

    // A brand-new page that matches nothing is recorded and explained, not posted.
    const d = { path: '/government/news/embassy-opens', title: 'Embassy opens in Tallinn', updated: '2024-06-01T12:00:00+01:00' };
    serve(d, a2, b, c);
    expect((await step()).feeds[0]).toMatchObject({ newItems: 1 });
    expect(await feedEvents()).toHaveLength(1);
    const why = await explainItem(feedStore, `https://www.gov.uk${d.path}`);
    expect(why.ok && why.value.verdict).toMatch(/no watch term/);
  });

  it('items without a guid are keyed by link; a guid that appears later is the same item, not a new one', async () => {
    await open();
    const body = fixture('parliament-generic-questions-archive-rss-2019.xml');
    server.serveBody('/q.rss', body, { 'content-type': 'application/rss+xml' });
    const feeds = [spec('questions', '/q.rss')];
    const p = poller();
    const first = await p.pollOnce(feeds);
    expect(first.feeds[0]!.items).toBeGreaterThan(3);

    const withGuid = body.replace(
      '<link>https://publications.parliament.uk/pa/cm201719/cmfutoral/futoral190121.pdf</link>',
      '<link>https://publications.parliament.uk/pa/cm201719/cmfutoral/futoral190121.pdf</link><guid>futoral190121</guid>',
    );
    expect(withGuid).not.toBe(body);
    server.serveBody('/q.rss', withGuid, { 'content-type': 'application/rss+xml' });
    clock.advance(16 * MIN);
    const second = await p.pollOnce(feeds);
    expect(second.feeds[0]).toMatchObject({ outcome: 'parsed', newItems: 0 });
    const traces = await feedStore.traces('questions', 'futoral190121');
    expect(traces.map((t) => t.decision)).toEqual(['duplicate']);
    expect(await feedEvents()).toEqual([]);
  });
});

describe('match decisions', () => {
  it('each commitment’s decision is the matcher’s own code, so `why` names every kind of rejection', async () => {
    await open();
    const [penalties, training] = ['modern-slavery-penalties', 'trade-envoy-training'];
    // The matcher's newer rejections, with reasons that carry none of the older prefixes.
    const engine: MatchEngineFactory = () => ({
      threshold: 2,
      match: (item) =>
        item.title.startsWith('Penalties')
          ? [
              {
                commitmentId: penalties,
                score: 1,
                matched: ['penalties'],
                accepted: false,
                decision: 'single-word',
                reason: "only one word, 'penalties', and nothing to confirm it",
              },
              {
                commitmentId: training,
                score: 2,
                matched: ['training'],
                accepted: false,
                decision: 'shared-terms',
                reason: `its only terms are shared with ${penalties}, which fits better`,
              },
            ]
          : [],
      propose: () => [],
    });
    server.serveBody('/committee.rss', committeeNewsWith(), { 'content-type': 'application/rss+xml' });
    const feeds = [spec('committee', '/committee.rss')];
    const p = poller({ matchEngine: engine });
    await p.pollOnce(feeds);
    server.serveBody('/committee.rss', committeeNewsWith({ guid: 'thin', title: 'Penalties in brief', date: 'Sat, 01 Jun 2024 11:00:00 GMT' }), {
      'content-type': 'application/rss+xml',
    });
    clock.advance(16 * MIN);
    await p.pollOnce(feeds);
    const traces = await feedStore.traces('committee', 'thin');
    expect(traces.filter((t) => t.stage === 'match').map((t) => [t.commitmentId, t.decision])).toEqual([
      [penalties, 'single-word'],
      [training, 'shared-terms'],
    ]);
    const why = await explainItem(feedStore, 'https://committees.example.org/news/thin');
    expect(why.ok && why.value.sightings[0]!.matches.map((m) => rejectionLabel(m))).toEqual(['too thin: ', 'fits another better: ']);
    expect(await feedEvents()).toEqual([]);
  });
});

describe('conditional GET', () => {
  it('sends the stored validators; a 304 or an unchanged body parses nothing', async () => {
    await open();
    server.serveFile('/etag.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'), { etag: '"v1"', 'cache-control': 'max-age=60' });
    server.serveFile('/plain.rss', join(FIXTURES, 'parliament-services-private-bills-rss-2018.xml'));
    const feeds = [spec('etag', '/etag.rss'), spec('plain', '/plain.rss', 'parliament-bills')];
    const p = poller();
    expect((await p.pollOnce(feeds)).parsedBodies).toBe(2);
    clock.advance(16 * MIN);
    const second = await p.pollOnce(feeds);
    expect(second.parsedBodies).toBe(0);
    expect(second.feeds.map((f) => f.outcome)).toEqual(['not-modified', 'unchanged']);
    expect(server.requests('/etag.rss')[1]?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests('/etag.rss')[0]?.headers['user-agent']).toBe('commitment-watch-test');
    expect((await feedStore.getFeed('etag'))?.lastSuccessAt).toBe(clock.now().toISOString());
  });
});
