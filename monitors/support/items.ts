// The small rules every monitor shares about items: stable keys, absolute links, duplicates dropped with a
// warning, and the finished ParsedFeed.
import { createHash } from 'node:crypto';
import type { FeedItem, ParsedFeed } from '../../src/feed-types.ts';
import { clip } from './text.ts';

/** A stable key for an item with neither guid nor link: a hash of its title and date. */
export function hashKey(...parts: (string | undefined)[]): string {
  const digest = createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex');
  return `sha256:${digest.slice(0, 32)}`;
}

/** An absolute http(s) URL for `href` resolved against `base`, or undefined. */
export function absoluteUrl(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = base ? new URL(href, base) : new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the first item of each key, with a warning for every later duplicate. */
export function dropDuplicates(items: FeedItem[], warnings: string[]): FeedItem[] {
  const seen = new Set<string>();
  const kept: FeedItem[] = [];
  for (const item of items) {
    if (seen.has(item.key)) {
      warnings.push(`duplicate item ${JSON.stringify(clip(item.key, 200))} in one fetch: kept the first`);
      continue;
    }
    seen.add(item.key);
    kept.push(item);
  }
  return kept;
}

/** The feed's URL, parsed, for recognising a feed by its host; undefined when it is not a URL. */
export function feedUrlOf(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Fills in the fields every item has; monitors add what their source means. */
export function baseItem(fields: { key: string; link: string; title: string; summary?: string; categories?: string[] }): FeedItem {
  return {
    key: fields.key,
    link: fields.link,
    title: fields.title,
    summary: fields.summary ?? '',
    categories: fields.categories ?? [],
  };
}

/** The result every monitor returns: duplicates dropped (first kept, with a warning). */
/** Reads every raw entry with `read`, keeping the items it returns (a skipped entry warns inside `read`). */
export function readAll<R>(raws: R[], read: (raw: R, index: number) => FeedItem | undefined): FeedItem[] {
  const items: FeedItem[] = [];
  raws.forEach((raw, index) => {
    const item = read(raw, index);
    if (item) items.push(item);
  });
  return items;
}

export function finish(title: string | undefined, items: FeedItem[], warnings: string[]): ParsedFeed {
  const kept = dropDuplicates(items, warnings);
  const feed: ParsedFeed = { items: kept, warnings };
  if (title) feed.title = title;
  return feed;
}
