// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock (test/support/poller-harness.ts). GOV.UK change notes on updated pages.
import { eventItem } from '../src/event-text.ts';
import { describe, expect, it } from 'vitest';
import { govukChangeNotes, pickChangeNote } from '../src/feeds/change-notes.ts';
import { fixture, MIN, server, clock, fetcher, open, poller, spec, feedEvents, govukFeed, usePollerHarness } from './support/poller-harness.ts';

usePollerHarness();

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
