// Two pollers on one PostgreSQL schema (two App instances, each with its own pool, as two processes would
// have) polling the same feeds at once: each feed is fetched once per cycle, by one of them, and together
// they poll every feed — also when both start on an empty feeds table, as two processes started together do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import { createFetcher, type Fetcher } from '../src/feeds/fetch.ts';
import { Poller, type CycleReport } from '../src/feeds/poller.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { govukFeed } from './support/poller-harness.ts';
import { MINI_SEEDS, testConfig } from './support/register.ts';

const FEEDS = 40;
const MIN = 60_000;

let server: FeedServer;
let fetchers: Fetcher[];
let apps: App[];

beforeEach(async () => {
  server = await startFeedServer();
  fetchers = [];
  apps = [];
});

afterEach(async () => {
  for (const f of fetchers) f.close();
  for (const a of apps) await a.close();
  await server.close();
});

/** A feed whose server answers after `delayMs`, so the two pollers' claims overlap in time. */
function serveFeeds(delayMs: number): FeedSpec[] {
  return Array.from({ length: FEEDS }, (_, n) => {
    const path = `/feed-${n}.atom`;
    const body = govukFeed([{ path: `/government/news/item-${n}`, title: `Item ${n}`, updated: '2024-05-31T12:00:00+00:00' }]);
    server.route(path, (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8', etag: `"${n}"` }).end(body), delayMs);
    });
    return { id: `feed-${n}`, url: server.url(path), kind: 'govuk-atom' as const, everyMs: 15 * MIN };
  });
}

/** One "process": its own App (its own pool on the same schema), clock, fetcher and poller. */
async function openProcess(databaseUrl: string, now: string, owner: string) {
  const clock = manualClock(now);
  const app = await openApp(testConfig({ DATABASE_URL: databaseUrl }), clock, { seedsDir: MINI_SEEDS });
  apps.push(app);
  const fetcher = createFetcher({
    userAgent: 'commitment-watch-test',
    allowPrivateNetworks: ['127.0.0.1'],
    timeoutMs: 5_000,
    concurrency: 8,
    perHostConcurrency: 8,
  });
  fetchers.push(fetcher);
  const poller = new Poller({ feedStore: app.feeds, registerStore: app.store, fetcher, clock, timeZone: 'Europe/London', concurrency: 8, owner });
  return { app, clock, poller };
}

const fetchedBy = (r: CycleReport) => r.feeds.filter((f) => f.outcome !== 'skipped').map((f) => f.feedId);

function requestsPerFeed(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.requests()) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  return counts;
}

describe('two pollers on one PostgreSQL', () => {
  it('share a cycle: no feed fetched twice, every feed polled once, also from an empty feeds table', async () => {
    const feeds = serveFeeds(15);
    // The same file path is the same schema for both (test-engine.ts), as one DATABASE_URL would be.
    const a = await openProcess('shared.sqlite', '2024-06-01T12:00:00Z', 'process-a');
    const b = await openProcess('shared.sqlite', '2024-06-01T12:00:00Z', 'process-b');

    const [ra, rb] = await Promise.all([a.poller.pollOnce(feeds), b.poller.pollOnce(feeds)]);

    const byA = fetchedBy(ra);
    const byB = fetchedBy(rb);
    expect(new Set(byA).size + new Set(byB).size).toBe(FEEDS);
    expect([...byA, ...byB].sort()).toEqual(feeds.map((f) => f.id).sort());
    const counts = requestsPerFeed();
    expect(counts.size).toBe(FEEDS);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect([...ra.feeds, ...rb.feeds].filter((f) => f.outcome !== 'skipped').map((f) => f.outcome)).toEqual(Array(FEEDS).fill('parsed'));
    // Every feed's state says it was polled, by whichever process.
    const states = await a.app.feeds.listFeeds();
    expect(states.map((s) => s.lastSuccessAt)).toEqual(Array(FEEDS).fill('2024-06-01T12:00:00.000Z'));
    // Each feed names the process that fetched it as its last poller, and no claim is left behind.
    const poller = new Map([...byA.map((id) => [id, 'process-a'] as const), ...byB.map((id) => [id, 'process-b'] as const)]);
    for (const s of states) expect({ id: s.id, by: s.lastPolledBy, held: s.heldBy }).toEqual({ id: s.id, by: poller.get(s.id), held: null });

    // The next cycle, 16 minutes on: again every feed once, by one of them.
    server.clearRequests();
    a.clock.advance(16 * MIN);
    b.clock.advance(16 * MIN);
    const [ra2, rb2] = await Promise.all([a.poller.pollOnce(feeds), b.poller.pollOnce(feeds)]);
    expect([...fetchedBy(ra2), ...fetchedBy(rb2)].sort()).toEqual(feeds.map((f) => f.id).sort());
    expect([...requestsPerFeed().values()].filter((n) => n > 1)).toEqual([]);
    expect(requestsPerFeed().size).toBe(FEEDS);
  });

  it('a poller whose clock runs behind does not fetch again what the other just polled', async () => {
    const feeds = serveFeeds(5);
    const a = await openProcess('skewed.sqlite', '2024-06-01T12:00:00Z', 'process-a');
    const b = await openProcess('skewed.sqlite', '2024-06-01T11:59:30Z', 'process-b');
    await a.poller.pollOnce(feeds);
    const rb = await b.poller.pollOnce(feeds);
    expect(fetchedBy(rb)).toEqual([]);
    expect([...requestsPerFeed().values()].filter((n) => n > 1)).toEqual([]);
  });
});
