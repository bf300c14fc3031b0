// Shared by the monitors' tests: fixtures read from test/fixtures/feeds, small RSS/Atom bodies, and parse
// helpers that fail loudly. Strings and files only: no HTTP.
import { readFileSync } from 'node:fs';
import type { FeedItem, Monitor, ParsedFeed } from '../../src/feed-types.ts';

export const FIXTURES = new URL('../fixtures/feeds/', import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
/** Where a test server would serve a fixture from: recognition must not lean on a real host name. */
export const LOCAL = 'http://127.0.0.1:8080/feed';

export async function parsed(monitor: Monitor, body: string, url = LOCAL): Promise<ParsedFeed> {
  const result = await monitor.parse(body, url);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.value;
}

export async function failure(monitor: Monitor, body: string): Promise<string> {
  const result = await monitor.parse(body, LOCAL);
  if (result.ok) throw new Error(`expected an error, got ${result.value.items.length} items`);
  return result.error;
}

export const byKey = (items: FeedItem[], key: string): FeedItem => {
  const item = items.find((i) => i.key === key);
  if (!item) throw new Error(`no item ${key}`);
  return item;
};

export const countBy = <T>(values: T[]): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

export const rss = (items: string, channel = '<title>Test</title>') =>
  `<?xml version="1.0" encoding="utf-8"?><rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0"><channel>${channel}${items}</channel></rss>`;

export const atom = (entries: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>tag:www.gov.uk,2005:/search/all</id><title>Test</title><updated>2024-05-01T10:00:00+01:00</updated>${entries}</feed>`;
