// One bot process's feed poller, for bench/feeds-shared.ts: opens the store at DATABASE_URL, says "ready",
// waits for a line on stdin (so several processes start their cycle together), polls the bench's feeds
// once with the real Poller, prints one JSON line of what it did, and exits.
// argv: <feed server origin> <number of feeds> <concurrency>
import { createInterface } from 'node:readline';
import { openApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import { createFetcher } from '../src/feeds/fetch.ts';
import { Poller } from '../src/feeds/poller.ts';

const [origin = '', count = '0', concurrencyArg = '64'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
if (!config.ok) throw new Error(config.error.join('; '));
const app = await openApp(config.value, systemClock);
const fetcher = createFetcher({ userAgent: 'commitment-watch-bench', allowPrivateNetworks: ['127.0.0.1'], concurrency, perHostConcurrency: concurrency });
const poller = new Poller({ feedStore: app.feeds, registerStore: app.store, fetcher, clock: systemClock, timeZone: 'Europe/London', concurrency });
const feeds: FeedSpec[] = Array.from({ length: Number(count) }, (_, n) => ({
  id: `feed-${n}`,
  url: `${origin}/feed/${n}.atom`,
  kind: 'govuk-atom',
  everyMs: 15 * 60_000,
}));

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
const start = performance.now();
const report = await poller.pollOnce(feeds);
const ms = performance.now() - start;
const polled = report.feeds.filter((f) => f.outcome !== 'skipped');
const skipped: Record<string, number> = {};
for (const f of report.feeds) {
  if (f.outcome !== 'skipped') continue;
  const why = (f.reason ?? 'skipped').replace(/ until .*$/, ''); // "not due: … until <time>" counted as one reason
  skipped[why] = (skipped[why] ?? 0) + 1;
}
process.stdout.write(
  `${JSON.stringify({ ms, polled: polled.map((f) => f.feedId), parsed: polled.filter((f) => f.outcome === 'parsed').length, failed: polled.filter((f) => f.outcome !== 'parsed').length, skipped })}\n`,
);
lines.close();
fetcher.close();
await app.close();
