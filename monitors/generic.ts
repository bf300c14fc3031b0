// Any other RSS 2.0, RSS 1.0 or Atom feed: Commons and Lords Library research briefings (WordPress RSS),
// committee news, the questions archive, and whatever else an editor points a monitor at.
//
// How to read the source: the common core only — title, link, guid/id, description/summary/content,
// category, pubDate/dc:date/published/updated. Nothing source-specific is assumed.
//
// What an item means: "something was published"; the feed's own words are all there is.
// - `key` = the guid (RSS) / id (Atom) / rdf:about (RSS 1.0), else the link, else a hash of title and date.
//   Some Parliament RSS items have NO guid (the questions archive): they are keyed, and so de-duplicated,
//   by their link.
// - `summary` = description/summary/content as plain text (cut to 1,000 characters on a word boundary);
//   `categories` = category texts (Atom: label, else term); `published` = pubDate/dc:date/published;
//   `updated` = Atom updated (or a prefixed a10:/atom:updated on RSS).
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import { ok, type Result } from '../src/result.ts';
import { sniff } from './support/body-checks.ts';
import { parseDate } from './support/dates.ts';
import { absoluteUrl, baseItem, finish, hashKey, readAll } from './support/items.ts';
import { bodyTextOf, categoriesOf, pageLinkOf, parseXmlFeed, type RawItem } from './support/rss-parser.ts';
import { foldSpace, htmlToPlain, truncateWords } from './support/text.ts';
import { textOf } from './support/xml-nodes.ts';

const SUMMARY_MAX = 1000;

function readItem(raw: RawItem & { 'rdf:about'?: unknown }, index: number, feedUrl: string, warnings: string[]): FeedItem | undefined {
  const title = foldSpace(textOf(raw.title));
  const guid = textOf(raw.xGuid) || textOf(raw.guid) || textOf(raw.id) || textOf(raw['rdf:about']);
  const link = absoluteUrl(pageLinkOf(raw) ?? raw.link, feedUrl);
  const dateText = textOf(raw.pubDate) || textOf(raw.xDcDate) || textOf(raw.xPublished) || textOf(raw.xUpdated);
  const key = guid || link || (title ? hashKey(title, dateText) : undefined);
  if (!key) {
    warnings.push(`item ${index + 1} has no guid, link or title: skipped`);
    return undefined;
  }
  const item = baseItem({
    key,
    link: link ?? absoluteUrl(guid, feedUrl) ?? feedUrl,
    title: title || link || key,
    summary: truncateWords(htmlToPlain(bodyTextOf(raw)), SUMMARY_MAX),
    categories: categoriesOf(raw),
  });
  const what = `item ${JSON.stringify(clipKey(key))}`;
  const published = parseDate(raw.pubDate ?? raw.xDcDate ?? raw.xPublished, `${what} published`, warnings);
  const updated = parseDate(raw.xUpdated ?? raw.xA10Updated ?? raw.xAtomUpdated, `${what} updated`, warnings);
  if (published) item.published = published;
  if (updated) item.updated = updated;
  return item;
}

function clipKey(key: string): string {
  return key.length > 120 ? `${key.slice(0, 119)}…` : key;
}

export const generic: Monitor = {
  kind: 'generic',

  recognise(body) {
    const { root } = sniff(body);
    return root === 'rss' || root === 'feed' || root === 'rdf:RDF';
  },

  async parse(body, feedUrl): Promise<Result<ParsedFeed>> {
    const parsed = await parseXmlFeed(body);
    if (!parsed.ok) return parsed;
    const warnings: string[] = [];
    const items = readAll(parsed.value.items, (raw, index) => readItem(raw, index, feedUrl, warnings));
    return ok(finish(foldSpace(textOf(parsed.value.title)) || undefined, items, warnings));
  },
};
