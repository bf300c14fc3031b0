// The polling pipeline end to end against a local server (127.0.0.1 only): real fixtures, the mini
// register, an injected clock (test/support/poller-harness.ts). Hostile and failing feeds: health events,
// backoff, disabling and recovery.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, MIN, server, clock, feedStore, open, poller, spec, allEvents, usePollerHarness } from './support/poller-harness.ts';

usePollerHarness();

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
