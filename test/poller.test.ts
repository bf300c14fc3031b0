// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock. Feed → item → match → event, exactly once.
import { cpSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { eventsAfter, type StoredEvent } from '../src/events.ts';
import { eventItem } from '../src/event-text.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import { KyselyFeedStore } from '../src/feeds/feed-store.ts';
import { createFetcher, type Fetcher } from '../src/feeds/fetch.ts';
import { Poller, type PollerDeps } from '../src/feeds/poller.ts';
import { explainItem, rejectionLabel } from '../src/feeds/explain.ts';
import type { MatchEngineFactory } from '../src/feeds/poll-types.ts';
import { govukChangeNotes, pickChangeNote } from '../src/feeds/change-notes.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'feeds');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const MIN = 60_000;

let server: FeedServer;
let app: App;
let clock: ReturnType<typeof manualClock>;
let fetcher: Fetcher;
let feedStore: KyselyFeedStore;

async function open(seedsDir = MINI_SEEDS) {
  clock = manualClock('2024-06-01T12:00:00Z');
  app = await openApp(testConfig(), clock, { seedsDir });
  feedStore = new KyselyFeedStore(app.db);
}

beforeEach(async () => {
  server = await startFeedServer();
  fetcher = createFetcher({ userAgent: 'commitment-watch-test', allowPrivateNetworks: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 1_000_000 });
});

afterEach(async () => {
  fetcher.close();
  await app?.close();
  await server.close();
});

function poller(extra: Partial<PollerDeps> = {}): Poller {
  return new Poller({ feedStore, registerStore: app.store, fetcher, clock, timeZone: 'Europe/London', ...extra });
}

const spec = (id: string, path: string, kind?: FeedSpec['kind']): FeedSpec => ({ id, url: server.url(path), kind, everyMs: 15 * MIN });

async function allEvents(): Promise<StoredEvent[]> {
  return eventsAfter(app.db, 0, 10_000);
}
const feedEvents = async () => (await allEvents()).filter((e) => e.type !== 'overdue');

/** A GOV.UK organisation feed: entry id = URL + '#' + public timestamp (it changes on a re-timestamp). */
function govukFeed(entries: { path: string; title: string; updated: string; summary?: string; type?: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>https://www.gov.uk/government/organisations/foreign-commonwealth-development-office</id>
  <link rel="self" type="application/atom+xml" href="https://www.gov.uk/government/organisations/foreign-commonwealth-development-office.atom"/>
  <title>Foreign, Commonwealth &amp; Development Office - Activity on GOV.UK</title>
  <updated>${entries[0]?.updated ?? '2024-01-01T00:00:00+00:00'}</updated>
${entries
  .map((e) => {
    const type = e.type ?? 'News story';
    return `  <entry>
    <id>https://www.gov.uk${e.path}#${e.updated}</id>
    <updated>${e.updated}</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk${e.path}"/>
    <title>${type}: ${e.title}</title>
    <summary type="html">${e.summary ?? ''}</summary>
    <category label="${type}" term="${type}"/>
  </entry>`;
  })
  .join('\n')}
</feed>`;
}

/** The committee news fixture with items inserted before its first item (newest first). */
function committeeNewsWith(...items: { guid: string; title: string; description?: string; date: string }[]): string {
  const body = fixture('parliament-committee-news-rss-2018.xml');
  const xml = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://committees.example.org/news/${i.guid}</link><guid>${i.guid}</guid><description>${i.description ?? ''}</description><pubDate>${i.date}</pubDate><category>News</category></item>`,
    )
    .join('');
  return body.replace('<item>', `${xml}<item>`);
}

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

describe('GOV.UK change notes', () => {
  const contentItem = (history: { public_timestamp: string; note: string }[]) => JSON.stringify({ base_path: '/x', details: { change_history: history } });
  const a = { path: '/government/news/uk-reviews-export-controls-xinjiang', title: 'UK reviews export controls for Xinjiang', updated: '2024-05-30T10:00:00+01:00' };
  const b = { path: '/government/news/minister-visits-kenya', title: 'Minister visits Kenya', updated: '2024-05-29T10:00:00+01:00' };
  const contentPath = (path: string) => `/api/content${path}`;

  it('an update carries the note of what changed; only reported items are looked up, never on the first fetch', async () => {
    await open();
    const serve = (...entries: (typeof a)[]) => server.serveBody('/fcdo.atom', govukFeed(entries), { 'content-type': 'application/atom+xml' });
    server.serveBody(
      contentPath(a.path),
      contentItem([
        { public_timestamp: '2024-06-01T09:30:00.000+01:00', note: 'Added the terms of reference of the export controls review.' },
        { public_timestamp: '2024-05-30T10:00:00.000+01:00', note: 'First published.' },
      ]),
      { 'content-type': 'application/json' },
    );
    const p = poller({ changeNotes: govukChangeNotes(fetcher, server.url('/api/content')) });
    const feeds = [spec('fcdo', '/fcdo.atom', 'govuk-atom')];
    serve(a, b);
    await p.pollOnce(feeds);
    expect(server.requests().filter((r) => r.path.startsWith('/api/content'))).toEqual([]);

    // Both pages re-timestamped; only the one that matches a commitment is reported, so only it is looked up.
    serve({ ...a, updated: '2024-06-01T09:30:00+01:00' }, { ...b, updated: '2024-06-01T09:00:00+01:00' });
    clock.advance(16 * MIN);
    await p.pollOnce(feeds);
    expect(
      server
        .requests()
        .filter((r) => r.path.startsWith('/api/content'))
        .map((r) => r.path),
    ).toEqual([contentPath(a.path)]);
    const [event] = await feedEvents();
    expect(event).toMatchObject({
      type: 'item-updated',
      commitmentId: 'report-export-controls-review',
      payload: {
        item: {
          link: `https://www.gov.uk${a.path}`,
          changeNote: 'Added the terms of reference of the export controls review.',
          changeNoteAt: '2024-06-01T08:30:00.000Z',
        },
      },
    });
    expect(server.requests(contentPath(a.path))[0]!.headers['user-agent']).toBe('commitment-watch-test');
  });

  it('a note that cannot be had (an error, not JSON, "First published.") leaves the event without one and the feed healthy', async () => {
    await open();
    const c = { path: '/government/news/export-controls-xinjiang-update', title: 'Export controls: Xinjiang update', updated: '2024-06-01T10:00:00+01:00' };
    const d = {
      path: '/government/news/new-export-controls-xinjiang-guidance',
      title: 'New export controls guidance on Xinjiang',
      updated: '2024-06-01T11:00:00+01:00',
    };
    const e = { path: '/government/news/export-controls-xinjiang-statement', title: 'Export controls statement on Xinjiang', updated: '2024-06-01T11:30:00+01:00' };
    server.route(contentPath(c.path), (_req, res) => void res.writeHead(500).end('down'));
    server.serveBody(contentPath(d.path), '<html>not json</html>', { 'content-type': 'text/html' });
    server.serveBody(contentPath(e.path), contentItem([{ public_timestamp: e.updated, note: 'First published.' }]), { 'content-type': 'application/json' });
    const p = poller({ changeNotes: govukChangeNotes(fetcher, server.url('/api/content')) });
    const feeds = [spec('fcdo', '/fcdo.atom', 'govuk-atom')];
    server.serveBody('/fcdo.atom', govukFeed([b]), { 'content-type': 'application/atom+xml' });
    await p.pollOnce(feeds);
    server.serveBody('/fcdo.atom', govukFeed([e, d, c, b]), { 'content-type': 'application/atom+xml' });
    clock.advance(16 * MIN);
    const report = await p.pollOnce(feeds);
    expect(report.feeds[0]).toMatchObject({ outcome: 'parsed', newItems: 3, health: 'healthy' });
    const events = await feedEvents();
    expect(events.map((ev) => eventItem(ev)?.link).sort()).toEqual([c, d, e].map((x) => `https://www.gov.uk${x.path}`).sort());
    for (const ev of events) expect(eventItem(ev)).not.toHaveProperty('changeNote');
    expect(server.requests().filter((r) => r.path.startsWith('/api/content'))).toHaveLength(3);
  });

  it('a content API that does not answer holds the feed no longer than the budget; the event goes without a note', async () => {
    await open();
    const c = { path: '/government/news/export-controls-xinjiang-slow', title: 'Export controls on Xinjiang: slow page', updated: '2024-06-01T10:00:00+01:00' };
    server.route(contentPath(c.path), () => undefined); // never answers
    const p = poller({ changeNotes: govukChangeNotes(fetcher, server.url('/api/content')), changeNotesBudgetMs: 50 });
    const feeds = [spec('fcdo', '/fcdo.atom', 'govuk-atom')];
    server.serveBody('/fcdo.atom', govukFeed([b]), { 'content-type': 'application/atom+xml' });
    await p.pollOnce(feeds);
    server.serveBody('/fcdo.atom', govukFeed([c, b]), { 'content-type': 'application/atom+xml' });
    clock.advance(16 * MIN);
    const report = await p.pollOnce(feeds);
    expect(report.feeds[0]).toMatchObject({ outcome: 'parsed', newItems: 1 });
    const [event] = await feedEvents();
    expect(eventItem(event!)).not.toHaveProperty('changeNote');
    expect(server.requests(contentPath(c.path))).toHaveLength(1);
  });

  it('looks up at most maxChangeNotes per feed and poll, the newest first', async () => {
    await open();
    const pages = Array.from({ length: 4 }, (_, i) => ({
      path: `/government/news/export-controls-xinjiang-${i}`,
      title: `Export controls on Xinjiang, part ${i}`,
      updated: `2024-06-01T1${i}:00:00+01:00`,
    }));
    for (const page of pages)
      server.serveBody(contentPath(page.path), contentItem([{ public_timestamp: page.updated, note: `Changed part ${page.path.at(-1)}.` }]), {
        'content-type': 'application/json',
      });
    const p = poller({ changeNotes: govukChangeNotes(fetcher, server.url('/api/content')), maxChangeNotes: 2 });
    const feeds = [spec('fcdo', '/fcdo.atom', 'govuk-atom')];
    server.serveBody('/fcdo.atom', govukFeed([b]), { 'content-type': 'application/atom+xml' });
    await p.pollOnce(feeds);
    server.serveBody('/fcdo.atom', govukFeed([...pages].reverse()), { 'content-type': 'application/atom+xml' });
    clock.advance(16 * MIN);
    await p.pollOnce(feeds);
    const notes = (await feedEvents()).map((ev) => eventItem(ev)?.changeNote).filter(Boolean);
    expect(notes.sort()).toEqual(['Changed part 2.', 'Changed part 3.']);
  });
});

describe('pickChangeNote, on a real content item', () => {
  const item = JSON.parse(fixture('govuk-content-api-publication-policy-paper-example.json')) as {
    details: { change_history: { public_timestamp: string; note: string }[] };
  };
  const history = item.details.change_history;

  it('takes the note of the update at the feed’s timestamp, and none when the history has no such update', () => {
    expect(pickChangeNote(history, '2017-12-06T07:08:05Z')?.note).toMatch(/^Updated strategy sets out the Commission’s approach to safeguarding/);
    expect(pickChangeNote(history, '2017-12-06T07:08:35Z')?.at).toBe('2017-12-06T07:08:05.000Z'); // within a minute
    expect(pickChangeNote(history, '2013-05-23T12:52:00Z')).toEqual({ note: 'First published.', at: '2013-05-23T12:52:00.000Z' });
    // An update the content API does not know yet (its answer lags the feed): no note, never an older one.
    expect(pickChangeNote(history, '2018-01-10T09:00:00Z')).toBeUndefined();
    expect(pickChangeNote(history, '2016-01-01T00:00:00Z')).toBeUndefined();
    expect(pickChangeNote(history, undefined)?.at).toBe('2017-12-06T07:08:05.000Z');
  });

  it('reads the real captures in real/govuk-content-api/: a +01:00 timestamp is the same update in UTC', () => {
    const changes = (name: string) => (JSON.parse(fixture(`real/govuk-content-api/${name}`)) as typeof item).details.change_history;
    const guidance = changes('publication-frontend-best-practice-statutory-guidance.json');
    expect(pickChangeNote(guidance, '2015-08-19T08:30:03Z')?.note).toMatch(
      /^Updated document to directed revisions concerning the publication of a register of governors/,
    );
    expect(pickChangeNote(guidance, '2015-12-17T12:06:08Z')?.note).toMatch(/^Updated to include admissions appeals/);
    expect(pickChangeNote(guidance, '2015-08-19T09:30:03Z')).toBeUndefined(); // an hour out: another update
    expect(pickChangeNote(changes('news_article-frontend-best-practice-news-story.json'), '2014-03-27T09:35:00Z')).toEqual({
      note: 'First published.',
      at: '2014-03-27T09:35:00.000Z',
    });
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

describe('hostile feeds', () => {
  it('each is reported as a feed-health event (or a warning) and the cycle carries on', async () => {
    await open();
    const rss = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>${items}</channel></rss>`;
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');
    server.serveBody('/html', '<!doctype html><html><body>Please enable JavaScript</body></html>', { 'content-type': 'text/html' });
    server.serveBody('/truncated', fixture('parliament-services-public-bills-rss-2018.xml').slice(0, 5000), { 'content-type': 'application/rss+xml' });
    server.serveBody('/laughs', `<?xml version="1.0"?><!DOCTYPE rss [${lol}]><rss version="2.0"><channel><title>&lol9;</title></channel></rss>`, {
      'content-type': 'application/rss+xml',
    });
    server.serveBody(
      '/xxe',
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>`,
      { 'content-type': 'application/rss+xml' },
    );
    server.serveBody('/huge', Buffer.alloc(2_000_000, 0x20), { 'content-type': 'application/rss+xml' });
    server.serveBody('/bomb', gzipSync(Buffer.alloc(50_000_000, 0x20)), { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    server.route('/loop-a', (_req, res) => void res.writeHead(302, { location: '/loop-b' }).end());
    server.route('/loop-b', (_req, res) => void res.writeHead(302, { location: '/loop-a' }).end());
    server.route('/ftp', (_req, res) => void res.writeHead(302, { location: 'ftp://127.0.0.1/feed.rss' }).end());
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<rss version="2.0"><channel>');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    server.serveBody(
      '/charset',
      Buffer.from(rss('<item><title>Caf\u00e9 and export controls</title><link>https://example.org/a</link><guid>a</guid></item>'), 'latin1'),
      { 'content-type': 'application/rss+xml; charset=utf-8' },
    );
    server.serveBody('/dates', rss('<item><title>x</title><link>https://example.org/x</link><guid>x</guid><pubDate>the thirty-second of Smarch</pubDate></item>'), {
      'content-type': 'application/rss+xml',
    });
    server.serveBody(
      '/dupes',
      rss(
        '<item><title>x</title><link>https://example.org/x</link><guid>same</guid></item><item><title>y</title><link>https://example.org/y</link><guid>same</guid></item>',
      ),
      { 'content-type': 'application/rss+xml' },
    );
    server.serveFile('/good.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));

    const failing = ['html', 'truncated', 'laughs', 'xxe', 'huge', 'bomb', 'loop-a', 'ftp', 'trickle'];
    const warned = ['dates', 'dupes'];
    const feeds = [...failing, 'charset', ...warned, 'good.rss'].map((p) => spec(p.replace('.rss', ''), `/${p}`));
    const report = await poller().pollOnce(feeds);

    const byId = new Map(report.feeds.map((f) => [f.feedId, f]));
    // Fetched but not a feed → invalid; never fetched whole (too big, looping, refused, too slow) → failed.
    const unreadable = ['html', 'truncated', 'laughs', 'xxe'];
    for (const id of failing) {
      expect(byId.get(id)?.outcome, id).toBe(unreadable.includes(id) ? 'invalid' : 'failed');
      expect(byId.get(id)?.health, id).toBe('failing');
    }
    expect(byId.get('good')).toMatchObject({ outcome: 'parsed', firstFetch: true });
    // Latin-1 bytes under a UTF-8 label are still read and parsed, never a crash.
    expect(byId.get('charset')?.outcome).toBe('parsed');
    const health = (await allEvents()).filter((e) => e.type === 'feed-health');
    for (const id of failing) {
      expect(
        health.filter((e) => e.feedId === id && e.payload.change === 'failing'),
        id,
      ).toHaveLength(1);
    }
    for (const id of warned) {
      expect(
        health.filter((e) => e.feedId === id && e.payload.change === 'warning'),
        id,
      ).toHaveLength(1);
    }
    expect(String(health.find((e) => e.feedId === 'html')?.payload.reason)).toMatch(/HTML/);
    expect(String(health.find((e) => e.feedId === 'laughs')?.payload.reason)).toMatch(/entit/i);
    expect(String(health.find((e) => e.feedId === 'loop-a')?.payload.reason)).toMatch(/loop/i);
    expect(String(health.find((e) => e.feedId === 'dupes')?.payload.reason)).toMatch(/duplicate/);
  });

  it('failing → warned at 8 → disabled after 10 failures in a row → probed daily → recovered, one event each', async () => {
    await open();
    let status = 500;
    server.route('/flaky.rss', (_req, res) => {
      if (status !== 200) return void res.writeHead(status, { 'retry-after': '7200' }).end('down');
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('parliament-committee-news-rss-2018.xml'));
    });
    const feeds = [spec('flaky', '/flaky.rss')];
    const p = poller();
    for (let i = 0; i < 10; i++) {
      const r = await p.pollOnce(feeds);
      expect(r.feeds[0]!.outcome).toBe('failed');
      const state = (await feedStore.getFeed('flaky'))!;
      // Retry-After (2 h) is honoured when longer than the backoff; never sooner than 5 min × 2^(n−1).
      if (i === 0) expect(Date.parse(state.nextAttemptAt!) - clock.now().getTime()).toBe(2 * 60 * MIN);
      // Not due before its next attempt time.
      expect((await p.pollOnce(feeds)).feeds[0]).toMatchObject({ outcome: 'skipped' });
      if (i < 9) clock.set(state.nextAttemptAt!);
    }
    const disabled = (await feedStore.getFeed('flaky'))!;
    expect(disabled).toMatchObject({ health: 'disabled', consecutiveFailures: 10 });
    expect(disabled.healthReason).toMatch(/10 failures in a row.*HTTP 500/);
    const health = () => allEvents().then((es) => es.filter((e) => e.type === 'feed-health').map((e) => e.payload.change));
    expect(await health()).toEqual(['failing', 'disabling-soon', 'disabled']);
    const warning = (await allEvents()).find((e) => e.type === 'feed-health' && e.payload.change === 'disabling-soon')!;
    expect(warning.payload).toMatchObject({ health: 'failing', previous: 'failing', failures: 8 });
    expect(warning.payload).toMatchObject({
      reason: expect.stringMatching(/^will be disabled after 2 more failures in a row \(next try in .+\); last: .*HTTP 500/),
    });

    status = 200;
    clock.advance(60 * MIN);
    expect((await p.pollOnce(feeds)).feeds[0]).toMatchObject({ outcome: 'skipped' }); // disabled until its probe
    clock.set(disabled.nextAttemptAt!);
    const probe = await p.pollOnce(feeds);
    expect(probe.feeds[0]).toMatchObject({ outcome: 'parsed', health: 'healthy' });
    expect(await health()).toEqual(['failing', 'disabling-soon', 'disabled', 'recovered']);
    expect(await feedStore.getFeed('flaky')).toMatchObject({ health: 'healthy', consecutiveFailures: 0, healthReason: null });
  });
});

describe('exactly once', () => {
  async function threeFeedsWithNewItems() {
    for (const n of [1, 2, 3]) server.serveBody(`/c${n}.rss`, fixture('parliament-committee-news-rss-2018.xml'), { 'content-type': 'application/rss+xml' });
    const feeds = [1, 2, 3].map((n) => spec(`c${n}`, `/c${n}.rss`, 'generic'));
    await poller().pollOnce(feeds);
    for (const n of [1, 2, 3]) {
      server.serveBody(
        `/c${n}.rss`,
        committeeNewsWith({ guid: `n${n}`, title: `Trade envoy forced labour course ${n} announced`, date: 'Sat, 01 Jun 2024 10:00:00 GMT' }),
        { 'content-type': 'application/rss+xml' },
      );
    }
    clock.advance(16 * MIN);
    return feeds;
  }
  const evidenceKeys = async () =>
    (await allEvents())
      .filter((e) => e.type === 'evidence')
      .map((e) => e.dedupeKey)
      .sort();
  const expected = [1, 2, 3].map((n) => `evidence:trade-envoy-training:https://committees.example.org/news/n${n}`);

  it('a crash after some feeds committed: the next run records each event exactly once', async () => {
    await open();
    const feeds = await threeFeedsWithNewItems();
    let done = 0;
    const crashing = poller({
      concurrency: 1,
      hooks: {
        afterFeed: () => {
          if (++done === 2) throw new Error('simulated crash');
        },
      },
    });
    await expect(crashing.pollOnce(feeds)).rejects.toThrow('simulated crash');
    expect(await evidenceKeys()).toHaveLength(2);
    await poller().pollOnce(feeds, { force: true });
    expect(await evidenceKeys()).toEqual(expected);
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds, { force: true });
    expect(await evidenceKeys()).toEqual(expected);
  });

  it('a crash inside a feed’s transaction loses nothing: it is rolled back and done again', async () => {
    await open();
    const feeds = await threeFeedsWithNewItems();
    const crashing = poller({
      hooks: {
        beforeCommit: (id) => {
          if (id === 'c2') throw new Error('crash before commit');
        },
      },
    });
    await expect(crashing.pollOnce(feeds)).rejects.toThrow('crash before commit');
    expect((await evidenceKeys()).some((k) => k.endsWith('/n2'))).toBe(false);
    expect((await feedStore.items('c2')).some((i) => i.key === 'n2')).toBe(false);
    await poller().pollOnce(feeds, { force: true });
    expect(await evidenceKeys()).toEqual(expected);
  });

  it('a feed is never polled twice at once', async () => {
    await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.route('/slow.rss', async (_req, res) => {
      await gate;
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('parliament-committee-news-rss-2018.xml'));
    });
    server.serveFile('/fast.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const p = poller();
    const slowFeeds = [spec('slow', '/slow.rss')];
    const running = p.pollOnce(slowFeeds);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.isPolling('slow')).toBe(true);
    const second = await p.pollOnce([...slowFeeds, spec('fast', '/fast.rss')], { force: true });
    expect(second.feeds[0]).toMatchObject({ outcome: 'skipped', reason: 'already being polled' });
    expect(second.feeds[1]).toMatchObject({ outcome: 'parsed' }); // the slow feed delays no other
    // Another process (another Poller on the same store) is held off by the lease.
    const other = await poller().pollOnce(slowFeeds, { force: true });
    expect(other.feeds[0]).toMatchObject({ outcome: 'skipped', reason: 'being polled by another process' });
    release();
    expect((await running).feeds[0]).toMatchObject({ outcome: 'parsed' });
    expect(server.requests('/slow.rss')).toHaveLength(1);
  });
});

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
