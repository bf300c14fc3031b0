// legislation.gov.uk Atom feeds.
//
// How to read the source
// - New legislation: https://www.legislation.gov.uk/new/data.feed (also /new/<type>/YYYY-MM-DD/data.feed);
//   any listing plus /data.feed (/ukpga/data.feed, /search/data.feed?title=…); the publication log
//   /update/data.feed. Namespaces: `leg:` (paging, facets), `ukm:` (document metadata), `openSearch:`.
// - Entry: <id> `http://www.legislation.gov.uk/id/<type>/<year>/<number>` (the item's permanent identity),
//   <title>, <link rel="self"> to the id, an UNTYPED <link> to the page of the made/enacted version, typed
//   rel="alternate" links to data formats (XML, RDF, PDF…), <updated>, <published>,
//   <ukm:DocumentMainType Value="UnitedKingdomStatutoryInstrument"/>, <ukm:Year>, <ukm:Number>,
//   <category term="SUBJECT"/>, <summary> (plain text; may be absent).
// - Dates: entry dates carry an offset. The feed-level <updated> may lack one ("2015-12-16T00:20:05.739");
//   like every offset-less date here it is read as UK local time (Europe/London, see support/dates.ts).
//
// - Bilingual (Welsh) legislation has <title type="xhtml"><div><span xml:lang="en">…</span> / <span
//   xml:lang="cy">…</span></div></title>: markup, not text (real capture: 5 of 20 entries).
// - A listing (/ukpga/data.feed, /1110-2016/data.feed) carries a feed-level <updated> far in the future
//   (3200-01-30T00:00:00 in the real capture): nothing reads the feed-level date, so an impossible one is
//   dropped silently rather than raised as a feed warning.
//
// What an item means: a piece of legislation made, enacted or (re)published.
// - `title` = the title; of bilingual legislation the English title, with the Welsh title kept at the end
//   of the summary ("Welsh title: …"), so a reader of either finds it and English watch terms match.
// - `key` = the entry id. `link` = the human page (the untyped or text/html link), else the id.
// - `documentType` = ukm:DocumentMainType (e.g. "UnitedKingdomPublicGeneralAct", "UnitedKingdomStatutoryInstrument",
//   "UnitedKingdomDraftStatutoryInstrument"); `categories` = the subject terms; `summary` as plain text;
//   `published`/`updated` = the entry's dates.
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import { ok, type Result } from '../src/result.ts';
import { sniff } from './support/body-checks.ts';
import { parseDate, setEntryDates } from './support/dates.ts';
import { absoluteUrl, baseItem, feedUrlOf, finish, hashKey, readAll } from './support/items.ts';
import { categoriesOf, linksOf, parseAtomFeed, type RawItem } from './support/rss-parser.ts';
import { foldSpace, htmlToPlain, truncateWords } from './support/text.ts';
import { attributesOf, listOf, textOf } from './support/xml-nodes.ts';

const SUMMARY_MAX = 1000;
const LEGISLATION_NS = 'http://www.legislation.gov.uk/namespaces/';
/** A date whose year no feed can mean (parseDate's range ends at 2200). */
const IMPOSSIBLE_YEAR = /^(?:2[3-9]|[3-9]\d)\d\d-\d\d-\d\d/;

/** The page of the legislation: an untyped or HTML link that is not rel="self", else the id. */
function pageOf(raw: RawItem, id: string): string | undefined {
  const links = linksOf(raw);
  const page =
    links.find((l) => (l.rel === undefined || l.rel === 'alternate') && l.type === undefined) ??
    links.find((l) => (l.rel === undefined || l.rel === 'alternate') && /html/i.test(l.type ?? ''));
  return page?.href ?? (id || links[0]?.href);
}

/** Every piece of text inside an xml2js node, in document order as far as xml2js keeps it. */
function allText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(allText).join(' ');
  if (!node || typeof node !== 'object') return '';
  return Object.entries(node as Record<string, unknown>)
    .filter(([name]) => name !== '$')
    .map(([, value]) => allText(value))
    .join(' ');
}

/** The <span xml:lang="…"> texts inside a node, by language. */
function spansByLanguage(node: unknown, out: Map<string, string> = new Map()): Map<string, string> {
  for (const child of listOf(node)) {
    if (!child || typeof child !== 'object') continue;
    const record = child as Record<string, unknown>;
    const lang = attributesOf(record)['xml:lang'];
    if (lang && !out.has(lang.toLowerCase())) out.set(lang.toLowerCase().slice(0, 2), foldSpace(allText(record)));
    for (const [name, value] of Object.entries(record)) if (name !== '$' && name !== '_') spansByLanguage(value, out);
  }
  return out;
}

/** The entry's title: plain text, or of an xhtml title the English span (and the Welsh one, when there is one). */
export function titleOf(raw: RawItem): { title: string; welsh?: string } {
  const node = listOf(raw.xTitle)[0];
  const plain = foldSpace(textOf(raw.title) || textOf(node));
  if (plain || !node || typeof node !== 'object') return { title: plain };
  const spans = spansByLanguage(node);
  const english = spans.get('en');
  const welsh = spans.get('cy');
  if (english) return welsh && welsh !== english ? { title: english, welsh } : { title: english };
  return { title: foldSpace(allText(node)) };
}

function readEntry(raw: RawItem, index: number, feedUrl: string, warnings: string[]): FeedItem | undefined {
  const id = textOf(raw.id);
  const { title, welsh } = titleOf(raw);
  const link = absoluteUrl(pageOf(raw, id), feedUrl);
  const key = id || link || (title ? hashKey(title, textOf(raw.xPublished)) : undefined);
  if (!key) {
    warnings.push(`entry ${index + 1} has no id, link or title: skipped`);
    return undefined;
  }
  const own = htmlToPlain(textOf(raw.xSummary) || raw.summary || raw.content);
  const summary = welsh ? `${own ? `${own} ` : ''}Welsh title: ${welsh}` : own;
  const item = baseItem({
    key,
    link: link ?? feedUrl,
    title: title || key,
    summary: truncateWords(summary, SUMMARY_MAX),
    categories: categoriesOf(raw),
  });
  const documentType = listOf(raw.xDocumentMainType)
    .map((node) => attributesOf(node)['Value']?.trim() ?? '')
    .find((value) => value !== '');
  if (documentType) item.documentType = documentType;
  setEntryDates(item, raw, key, warnings);
  return item;
}

export const legislation: Monitor = {
  kind: 'legislation',

  recognise(body, _contentType, url) {
    const { root } = sniff(body);
    if (root !== 'feed') return false;
    const head = body.slice(0, 8192);
    if (head.includes(LEGISLATION_NS) || /<id>\s*https?:\/\/www\.legislation\.gov\.uk\/id\//.test(head)) return true;
    const hostname = feedUrlOf(url)?.hostname;
    return hostname === 'www.legislation.gov.uk' || hostname === 'legislation.gov.uk';
  },

  async parse(body, feedUrl): Promise<Result<ParsedFeed>> {
    const parsed = await parseAtomFeed(body);
    if (!parsed.ok) return parsed;
    const warnings: string[] = [];
    const items = readAll(parsed.value.items, (raw, index) => readEntry(raw, index, feedUrl, warnings));
    // The feed-level date is only checked, so an unreadable one is reported like any other; a readable
    // but impossible one (listings say year 3200) is the source's habit, not a problem: ignored silently.
    const feedDate = textOf(parsed.value.xUpdated);
    if (!IMPOSSIBLE_YEAR.test(feedDate)) parseDate(parsed.value.xUpdated, 'feed updated', warnings);
    return ok(finish(foldSpace(textOf(parsed.value.title)) || undefined, items, warnings));
  },
};
