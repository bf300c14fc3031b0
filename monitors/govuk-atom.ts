// GOV.UK Atom feeds: organisation feeds and finder ("search") feeds.
//
// How to read the source
// - Organisation feeds, https://www.gov.uk/government/organisations/<slug>.atom: the newest 20 documents
//   of the organisation. Entry <id> is `https://www.gov.uk<path>#<public timestamp>`: it CHANGES each time
//   the page is re-timestamped (an update with a change note). <title> is "<display type>: <title>"
//   ("News story: …", "Policy paper: …"), <category label term> holds the display type, <summary> the
//   page description, <content type="html"> the whole page.
// - Finder feeds, https://www.gov.uk/search/<finder>.atom?<filters> (and `<finder path>.atom` generally):
//   entry <id> is `tag:www.gov.uk,2005:<path>` and is stable; <updated> is the public timestamp;
//   <summary type="html"> only where the finder shows summaries; no type prefix on titles.
// - A retired feed returns a single entry titled "This feed has ended".
//
// What an item means
// - `key` is the PATH of the entry's link (e.g. `/government/news/xyz`): the one identity that survives a
//   re-timestamp. `updated` is kept so the caller can tell an update of a known path (same key, later
//   `updated`) from a new document (new key).
// - `documentType` is the display type ("News story"). Decision: the "<type>: " prefix is STRIPPED from
//   the title when it equals the entry's category, so titles read as the page does on GOV.UK ("UK
//   announces …") and the type is not said twice; a title whose colon is part of the title ("Hong Kong:
//   six-monthly report") is left alone because its prefix is not the category. Without a category
//   (finder feeds) the title is kept whole and documentType is left unset.
// - `categories` are the entry's category labels; `summary` is the summary (HTML → plain text), else the
//   start of the content; `published`/`updated` are the entry's dates.
// - "This feed has ended" yields a warning and no items: the feed URL needs replacing.
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import { ok, type Result } from '../src/result.ts';
import { sniff } from './support/body-checks.ts';
import { setEntryDates } from './support/dates.ts';
import { absoluteUrl, baseItem, feedUrlOf, finish } from './support/items.ts';
import { categoriesOf, pageLinkOf, parseAtomFeed, type RawItem } from './support/rss-parser.ts';
import { foldSpace, htmlToPlain, truncateWords } from './support/text.ts';
import { textOf } from './support/xml-nodes.ts';

const GOVUK_ORIGIN = 'https://www.gov.uk';
const SUMMARY_MAX = 1000;
const FEED_ENDED = /^this feed has ended\.?$/i;

/** The path of a GOV.UK page from an entry's link, else from its id (either id form). */
export function govukPath(link: string | undefined, id: string | undefined): string | undefined {
  const fromLink = absoluteUrl(link, GOVUK_ORIGIN);
  if (fromLink) {
    const url = new URL(fromLink);
    if (url.pathname && url.pathname !== '/') return url.pathname;
  }
  if (id) {
    const tag = /^tag:[^,]+,\d{4}(?:-\d\d){0,2}:(\/.*)$/.exec(id);
    if (tag?.[1]) return tag[1].split('#')[0];
    const fromId = absoluteUrl(id, undefined);
    if (fromId) {
      const url = new URL(fromId);
      if (url.pathname && url.pathname !== '/') return url.pathname;
    }
  }
  return undefined;
}

/** Splits "News story: Title" when the prefix is the entry's display type. */
export function splitTypePrefix(title: string, categories: string[]): { title: string; documentType?: string } {
  const type = categories[0];
  if (!type) return { title };
  const prefix = `${type}:`;
  if (title.toLowerCase().startsWith(prefix.toLowerCase())) {
    const rest = title.slice(prefix.length).trim();
    if (rest) return { title: rest, documentType: type };
  }
  return { title, documentType: type };
}

function readEntry(raw: RawItem, index: number, feedUrl: string, warnings: string[]): FeedItem | 'ended' | undefined {
  const fullTitle = foldSpace(textOf(raw.title));
  if (FEED_ENDED.test(fullTitle)) return 'ended';
  const id = textOf(raw.id);
  const href = pageLinkOf(raw);
  const key = govukPath(href, id);
  if (!key) {
    warnings.push(`entry ${index + 1} (${JSON.stringify(fullTitle)}) has no GOV.UK link or id: skipped`);
    return undefined;
  }
  const categories = categoriesOf(raw);
  const { title, documentType } = splitTypePrefix(fullTitle, categories);
  const summaryHtml = textOf(raw.xSummary) || raw.summary || '';
  const summary = htmlToPlain(summaryHtml) || truncateWords(htmlToPlain(raw.content), SUMMARY_MAX);
  const item = baseItem({
    key,
    link: absoluteUrl(href, feedUrl) ?? absoluteUrl(href, GOVUK_ORIGIN) ?? `${GOVUK_ORIGIN}${key}`,
    title: title || key,
    summary: truncateWords(summary, SUMMARY_MAX),
    categories,
  });
  setEntryDates(item, raw, key, warnings);
  if (documentType) item.documentType = documentType;
  return item;
}

export const govukAtom: Monitor = {
  kind: 'govuk-atom',

  // A re-timestamp of a known path is an update (a change note was published with it).
  updateOf: (previous, item) => (item.updated !== undefined && previous.updated !== null && item.updated > previous.updated ? item.updated : undefined),

  recognise(body, _contentType, url) {
    const { root } = sniff(body);
    if (root !== 'feed') return false;
    const head = body.slice(0, 8192);
    if (/<id>\s*tag:www\.gov\.uk,/.test(head)) return true;
    if (/href=["']https?:\/\/www\.gov\.uk\//.test(head) || /<id>\s*https?:\/\/www\.gov\.uk\//.test(head)) return true;
    return feedUrlOf(url)?.hostname === 'www.gov.uk';
  },

  async parse(body, feedUrl): Promise<Result<ParsedFeed>> {
    const parsed = await parseAtomFeed(body);
    if (!parsed.ok) return parsed;
    const warnings: string[] = [];
    const items: FeedItem[] = [];
    let ended = false;
    parsed.value.items.forEach((raw, index) => {
      const item = readEntry(raw, index, feedUrl, warnings);
      if (item === 'ended') ended = true;
      else if (item) items.push(item);
    });
    if (ended) {
      warnings.push('GOV.UK says "This feed has ended": the feed is retired and yields no items; replace its URL');
    }
    return ok(finish(foldSpace(textOf(parsed.value.title)) || undefined, ended ? [] : items, warnings));
  },
};
