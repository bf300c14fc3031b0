// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock (test/support/poller-harness.ts). Exactly once: crashes before and inside a
// feed's transaction, and a feed never polled twice at once.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, MIN, server, clock, feedStore, open, poller, spec, allEvents, committeeNewsWith, usePollerHarness } from './support/poller-harness.ts';

usePollerHarness();

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
