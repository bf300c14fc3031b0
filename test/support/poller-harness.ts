// Shared by the poller's tests: a local feed server (127.0.0.1 only), the mini register in a fresh
// database, an injected clock, and builders of GOV.UK and committee feeds. A test file calls
// usePollerHarness() once; the bindings below are live (set before each test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openApp, type App } from '../../src/app.ts';
import { manualClock } from '../../src/clock.ts';
import type { StoredEvent } from '../../src/events.ts';
import type { FeedSpec } from '../../src/feeds/feed-list.ts';
import type { FeedStore } from '../../src/feeds/feed-store.ts';
import { createFetcher, type Fetcher } from '../../src/feeds/fetch.ts';
import { Poller, type PollerDeps } from '../../src/feeds/poller.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { MINI_SEEDS, testConfig } from './register.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'feeds');
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
export const MIN = 60_000;

export let server: FeedServer;
export let app: App;
export let clock: ReturnType<typeof manualClock>;
export let fetcher: Fetcher;
export let feedStore: FeedStore;

export async function open(seedsDir = MINI_SEEDS) {
  clock = manualClock('2024-06-01T12:00:00Z');
  app = await openApp(testConfig(), clock, { seedsDir });
  feedStore = app.feeds;
}

/** Starts a feed server and a fetcher before each test; closes them, and the app, after it. */
export function usePollerHarness(): void {
  beforeEach(async () => {
    server = await startFeedServer();
    fetcher = createFetcher({ userAgent: 'commitment-watch-test', allowPrivateNetworks: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 1_000_000 });
  });

  afterEach(async () => {
    fetcher.close();
    await app?.close();
    await server.close();
  });
}

export function poller(extra: Partial<PollerDeps> = {}): Poller {
  return new Poller({ feedStore, registerStore: app.store, fetcher, clock, timeZone: 'Europe/London', ...extra });
}

export const spec = (id: string, path: string, kind?: FeedSpec['kind']): FeedSpec => ({ id, url: server.url(path), kind, everyMs: 15 * MIN });

export async function allEvents(): Promise<StoredEvent[]> {
  return app.outbox.after(0, 10_000);
}
export const feedEvents = async () => (await allEvents()).filter((e) => e.type !== 'overdue');

/** A GOV.UK organisation feed: entry id = URL + '#' + public timestamp (it changes on a re-timestamp). */
export function govukFeed(entries: { path: string; title: string; updated: string; summary?: string; type?: string }[]): string {
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
export function committeeNewsWith(...items: { guid: string; title: string; description?: string; date: string }[]): string {
  const body = fixture('parliament-committee-news-rss-2018.xml');
  const xml = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://committees.example.org/news/${i.guid}</link><guid>${i.guid}</guid><description>${i.description ?? ''}</description><pubDate>${i.date}</pubDate><category>News</category></item>`,
    )
    .join('');
  return body.replace('<item>', `${xml}<item>`);
}
