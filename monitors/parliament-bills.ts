// UK Parliament bills RSS: the all-bills feeds and the per-bill feeds.
//
// How to read the source
// - All bills: https://bills.parliament.uk/rss/allbills.rss (also publicbills.rss, privatebills.rss; the
//   same under https://bills-api.parliament.uk/api/v1/Rss/…; formerly services.parliament.uk/bills). One
//   <item> per bill, up to 50 most recent of the session:
//     <item p4:stage="Royal Assent" xmlns:p4="…">  the bill's current stage, as a namespaced ATTRIBUTE of
//       <item> (the prefix and namespace URI differ between years, so the attribute is found by its local
//       name "stage"); guid/link = the bill's page; two <category> — bill type ("Government Bill",
//       "Private Members' Bill (Ballot Bill)", …) and house ("Commons", "Lords", or "Not assigned") — in
//       EITHER order; title = the bill's short title; description = its long title; <a10:updated> in
//       RFC 822 or ISO 8601; no pubDate.
//   rss-parser does not expose <item> attributes, so the attribute map comes through its customFields as
//   the xml2js `$` key (see support/rss-parser.ts): the XML parser has read it, so a CDATA section or an escaped
//   quote in the text cannot fake or hide a stage, as a regex over the raw body could.
// - Per bill: https://bills.parliament.uk/rss/bills/<billId>.rss (also under bills-api…/Rss/Bills/). One
//   <item> per event of one bill: category Publication | Sitting | Provisional Sitting, pubDate, and the
//   stage as an ELEMENT — <p4:Stage> today (capital S, prefix bound on <channel>), <stage> in 2018 — so the
//   element is found by its local name in any case (support/xml-nodes.ts). The channel title is the bill's title.
//   Real captures (test/fixtures/feeds/real/parliament-bills/) show what matters: a Sitting's guid AND link
//   are the bill's page, the same for every sitting of the bill; its title is "Sitting: <stage> - <weekday>,
//   <d MMMM yyyy>" and its pubDate is when the record was written (years later, for old bills). A
//   Publication's guid and link are the document.
//
// What an item means
// - `key` = guid, else link — except a sitting whose guid is the bill's page, which is "<bill page>#sitting:
//   <date of the sitting>:<stage>": every sitting is its own item (a Provisional Sitting that takes place is
//   the same sitting). Its `link` is that key as a URL (".../bills/3437#sitting:2023-03-21:1st%20reading"):
//   evidence and events are keyed by link, so a shared link would drop every sitting after the first.
//   The 2018 site gave each sitting a guid of its own (and titles "Sitting: 12/11/2018") but the bill's page
//   as link, so this monitor identifies items by key alone (sameLinkSameItem: false).
// - `billStage` = the stage (attribute or element); `billTitle` = the item title (all bills) or the
//   channel title (per bill).
// - All bills: `categories` = [house, bill type] whatever the source order; `documentType` = bill type;
//   `updated` = a10:updated. Per bill: `categories` as given; `documentType` = Publication/Sitting/…;
//   `published` = the date of the sitting (from its title; pubDate when the title has none) or a
//   publication's pubDate; `updated` = atom:updated where given.
// - An update (updateOf) is a known bill at another stage, or with a later `updated`; `why` says which
//   (describeUpdate).
// - A bill at "Royal Assent" in an all-bills feed is the signal that a commitment needing a bill is met.
import { DateTime } from 'luxon';
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import { err, ok, type Result } from '../src/result.ts';
import { sniff } from './support/body-checks.ts';
import { parseDate, SOURCE_ZONE } from './support/dates.ts';
import { absoluteUrl, baseItem, feedUrlOf, finish, hashKey, readAll } from './support/items.ts';
import { categoriesOf, pageLinkOf, parseXmlFeed, type RawItem } from './support/rss-parser.ts';
import { foldSpace, htmlToPlain, truncateWords } from './support/text.ts';
import { attributeByLocalName, attributesOf, textOf } from './support/xml-nodes.ts';

const SUMMARY_MAX = 1000;
const HOUSE = /^(?:House of )?(?:Commons|Lords)$|^Not assigned$/i;
const PER_BILL_CATEGORIES = /^(?:Publication|Sitting|Provisional Sitting)$/i;
const SITTING = /^(?:Provisional )?Sitting$/i;

/**
 * The day of a sitting from its title as YYYY-MM-DD: "Sitting: 1st reading - Thursday, 18 July 2013" today,
 * "Sitting: 12/11/2018" (day/month/year) on the 2018 site.
 */
export function sittingDay(title: string): string | undefined {
  const long = /\s-\s+(?:[A-Za-z]+,\s*)?(\d{1,2} [A-Za-z]+ \d{4})\s*$/.exec(title);
  const short = long ? undefined : /:\s*(\d{1,2}\/\d{1,2}\/\d{4})\s*$/.exec(title);
  const day = long
    ? DateTime.fromFormat(long[1]!, 'd LLLL yyyy', { zone: SOURCE_ZONE, locale: 'en-GB' })
    : short
      ? DateTime.fromFormat(short[1]!, 'd/M/yyyy', { zone: SOURCE_ZONE })
      : undefined;
  return day?.isValid ? (day.toISODate() ?? undefined) : undefined;
}

/** Puts the house first and the bill type(s) after, so either source order gives the same list. */
export function orderBillCategories(categories: string[]): { categories: string[]; billType?: string } {
  const houses = categories.filter((c) => HOUSE.test(c));
  const types = categories.filter((c) => !HOUSE.test(c));
  const ordered = [...houses, ...types];
  return types[0] === undefined ? { categories: ordered } : { categories: ordered, billType: types[0] };
}

function readItem(raw: RawItem, index: number, channelTitle: string, feedUrl: string, warnings: string[]): FeedItem | undefined {
  const title = foldSpace(textOf(raw.title));
  const guid = textOf(raw.xGuid) || textOf(raw.guid);
  const href = pageLinkOf(raw) ?? raw.link;
  const link = absoluteUrl(href, feedUrl) ?? absoluteUrl(guid, feedUrl);
  const published0 = textOf(raw.pubDate);
  const stageAttribute = attributeByLocalName(attributesOf(raw.xAttributes), 'stage');
  const stageElement = foldSpace(textOf(raw.xStage));
  const sourceCategories = categoriesOf(raw);
  const perBill = stageAttribute === undefined && (stageElement !== '' || sourceCategories.some((c) => PER_BILL_CATEGORIES.test(c)));
  const sitting = perBill && SITTING.test(sourceCategories[0] ?? '');
  const day = sitting ? sittingDay(title) : undefined;
  const base = guid || link;
  // Only a sitting whose guid is its link (the bill's page, shared by every sitting) needs a key of its own.
  const sharedGuid = sitting && base !== undefined && (!guid || guid === link || guid === href);
  const key = sharedGuid ? `${base}#sitting:${day ?? hashKey(title, published0)}:${stageElement}` : base || (title ? hashKey(title, published0) : undefined);
  if (!key) {
    warnings.push(`item ${index + 1} has no guid, link or title: skipped`);
    return undefined;
  }

  // Evidence, events and `why` know an item by its link, so such a sitting's link names it: the bill's page
  // with the sitting as fragment (it still opens the bill's page), else every sitting after the first is lost.
  const itemLink = sharedGuid ? (absoluteUrl(key, undefined) ?? link) : link;
  const what = `item ${JSON.stringify(key)}`;
  const item = baseItem({
    key,
    link: itemLink ?? feedUrl,
    title: title || key,
    summary: truncateWords(htmlToPlain(textOf(raw.xDescription) || raw.content), SUMMARY_MAX),
  });
  const stage = foldSpace(stageAttribute ?? stageElement);
  if (stage) item.billStage = stage;
  const updated = parseDate(raw.xA10Updated ?? raw.xAtomUpdated ?? raw.xUpdated, `${what} updated`, warnings);
  const published = parseDate(raw.pubDate ?? raw.xPublished, `${what} pubDate`, warnings);
  if (updated) item.updated = updated;
  if (published) item.published = published;
  if (day) item.published = DateTime.fromISO(day, { zone: SOURCE_ZONE }).toUTC().toISO() ?? item.published;

  if (perBill) {
    item.categories = sourceCategories;
    if (channelTitle) item.billTitle = channelTitle;
    if (sourceCategories[0]) item.documentType = sourceCategories[0];
  } else {
    const { categories, billType } = orderBillCategories(sourceCategories);
    item.categories = categories;
    if (title) item.billTitle = title;
    if (billType) item.documentType = billType;
  }
  return item;
}

export const parliamentBills: Monitor = {
  kind: 'parliament-bills',
  sameLinkSameItem: false,

  updateOf(previous, item) {
    if (item.billStage && previous.stage && item.billStage !== previous.stage) return `stage:${item.billStage}:${item.updated ?? ''}`;
    const later = item.updated !== undefined && previous.updated !== null && item.updated > previous.updated;
    return later ? item.updated : undefined;
  },

  describeUpdate: (previous, item) =>
    item.billStage && item.billStage !== previous.stage ? `stage changed from ${previous.stage ?? 'none'} to ${item.billStage}` : undefined,

  recognise(body, _contentType, url) {
    const { root } = sniff(body);
    if (root !== 'rss') return false;
    const head = body.slice(0, 16384);
    // An <item> carrying a namespaced stage attribute (all bills), or a stage element (per bill: <p4:Stage>, <stage>).
    if (/<item\b[^>]*\s[\w.-]+:stage\s*=/.test(head) || /<(?:[\w.-]+:)?stage>/i.test(head)) return true;
    const feedUrl = feedUrlOf(url);
    if (!feedUrl) return false;
    const { hostname, pathname } = feedUrl;
    return (
      hostname === 'bills.parliament.uk' ||
      hostname === 'bills-api.parliament.uk' ||
      (hostname === 'services.parliament.uk' && pathname.toLowerCase().startsWith('/bills'))
    );
  },

  async parse(body, feedUrl): Promise<Result<ParsedFeed>> {
    const parsed = await parseXmlFeed(body);
    if (!parsed.ok) return parsed;
    if (parsed.value.root === 'feed') return err('not an RSS feed: got Atom where a bills RSS feed was expected');
    const warnings: string[] = [];
    const channelTitle = foldSpace(textOf(parsed.value.title));
    const items = readAll(parsed.value.items, (raw, index) => readItem(raw, index, channelTitle, feedUrl, warnings));
    return ok(finish(channelTitle || undefined, items, warnings));
  },
};
