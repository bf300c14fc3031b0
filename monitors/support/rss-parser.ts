// Reading XML feeds with rss-parser, safely.
//
// rss-parser (3.13) wraps xml2js (0.5), which wraps sax (1.x, strict mode). Findings that shaped this file,
// each covered by the monitors' tests:
// - sax never reads a DTD (body-checks.ts refuses entity declarations before any parse).
// - rss-parser does `new Date(x).toISOString()` on an Atom entry's <published>/<updated> without a guard,
//   so ONE invalid date rejects the whole feed with a RangeError. We rename those two elements on the way
//   in (xml2js `tagNameProcessors`) so rss-parser never sees them, and read them ourselves, where an invalid
//   date is a warning.
// - rss-parser does not expose the attributes of <item>/<entry>. Its `customFields` copy any key of the
//   xml2js node, and xml2js keeps attributes under the key `$`, so `['$', 'xAttributes', {keepArray: true}]`
//   hands us the attribute map exactly as the XML parser read it (CDATA and entities already resolved —
//   no regex over the raw text).
// - A fresh rss-parser (and so a fresh xml2js parser) is made per parse: xml2js parsers keep state.
import Parser from 'rss-parser';
import { err, ok, type Result } from '../../src/result.ts';
import { checkXmlBody } from './body-checks.ts';
import { foldSpace } from './text.ts';
import { attributesOf, listOf, textOf } from './xml-nodes.ts';

/** Raw fields every monitor may read, copied from the xml2js tree under names rss-parser does not use. */
export interface RawItem {
  title?: unknown;
  link?: string;
  guid?: unknown;
  id?: unknown;
  pubDate?: string;
  content?: string;
  summary?: string;
  /** Attributes of <item>/<entry> itself. */
  xAttributes?: Record<string, unknown>;
  xCategories?: unknown[];
  xLinks?: unknown[];
  xGuid?: unknown;
  xDescription?: unknown;
  /** Atom <updated>/<published>, renamed so rss-parser does not throw on an invalid one. */
  xUpdated?: unknown;
  xPublished?: unknown;
  /** RSS with an Atom namespace under a prefix: bills feeds use a10 (all bills) and atom (per bill). */
  xA10Updated?: unknown;
  xAtomUpdated?: unknown;
  xDcDate?: unknown;
  xStage?: unknown;
  /** The <title> node as the XML parser read it (an Atom type="xhtml" title is markup, not text). */
  xTitle?: unknown;
  xDocumentMainType?: unknown;
  xSummary?: unknown;
}

export interface RawFeed {
  title?: string;
  items: RawItem[];
  xUpdated?: unknown;
}

const RENAMED: Record<string, string> = { updated: 'x-updated', published: 'x-published' };
/** A bill's stage element under any prefix and case: <stage> (2018), <p4:Stage> (bills.parliament.uk today). */
const STAGE_ELEMENT = /^(?:[\w.-]+:)?stage$/i;
const renameTag = (name: string): string => RENAMED[name] ?? (STAGE_ELEMENT.test(name) ? 'x-stage' : name);

function makeParser(): Parser<RawFeed, RawItem> {
  return new Parser<RawFeed, RawItem>({
    // RSS without a version attribute is read as RSS 2.0 rather than refused.
    defaultRSS: 2,
    xml2js: {
      strict: true,
      tagNameProcessors: [renameTag],
    },
    customFields: {
      feed: [['x-updated', 'xUpdated']] as unknown as (keyof RawFeed)[],
      item: [
        ['$', 'xAttributes', { keepArray: true }],
        ['category', 'xCategories', { keepArray: true }],
        ['link', 'xLinks', { keepArray: true }],
        ['guid', 'xGuid', { keepArray: true }],
        ['description', 'xDescription', { keepArray: true }],
        ['summary', 'xSummary', { keepArray: true }],
        ['x-updated', 'xUpdated'],
        ['x-published', 'xPublished'],
        ['a10:updated', 'xA10Updated'],
        ['atom:updated', 'xAtomUpdated'],
        ['dc:date', 'xDcDate'],
        ['x-stage', 'xStage'],
        ['title', 'xTitle', { keepArray: true }],
        ['ukm:DocumentMainType', 'xDocumentMainType', { keepArray: true }],
      ],
    },
  });
}

/** A parser error (sax writes "reason\nLine: n\nColumn: m\nChar: c", zero-based) as one readable line. */
function describeXmlError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [first = 'unknown error', ...rest] = message.split('\n');
  const line = rest
    .find((l) => l.startsWith('Line:'))
    ?.slice(5)
    .trim();
  const column = rest
    .find((l) => l.startsWith('Column:'))
    ?.slice(7)
    .trim();
  const where = line !== undefined && column !== undefined ? ` at line ${Number(line) + 1}, column ${Number(column) + 1}` : '';
  if (/Unclosed root tag|Unexpected end/i.test(first)) return `malformed XML (truncated?): ${first}${where}`;
  return `malformed XML: ${first}${where}`;
}

/**
 * Parses an RSS 2.0 / RSS 1.0 / Atom body with rss-parser after the common checks. Never throws: any
 * failure, including one thrown from inside the libraries, is an error result.
 */
export async function parseXmlFeed(body: string): Promise<Result<RawFeed & { root: string }>> {
  const checked = checkXmlBody(body);
  if (!checked.ok) return checked;
  try {
    const feed = await makeParser().parseString(body);
    return ok({ ...feed, items: feed.items ?? [], root: checked.value.root });
  } catch (error) {
    return err(describeXmlError(error));
  }
}

/** parseXmlFeed for a monitor that reads Atom only: any other root element is an error result. */
export async function parseAtomFeed(body: string): Promise<Result<RawFeed & { root: string }>> {
  const parsed = await parseXmlFeed(body);
  if (!parsed.ok) return parsed;
  if (parsed.value.root !== 'feed') return err(`not an Atom feed: the root element is <${parsed.value.root}>`);
  return parsed;
}

/** The links of an item: for RSS strings, for Atom `{href, rel, type}` attribute maps. */
export function linksOf(item: RawItem): { href: string; rel?: string; type?: string }[] {
  const out: { href: string; rel?: string; type?: string }[] = [];
  for (const link of listOf(item.xLinks)) {
    if (typeof link === 'string') {
      if (link.trim()) out.push({ href: link.trim() });
      continue;
    }
    const attrs = attributesOf(link);
    const href = attrs['href']?.trim() || textOf(link);
    if (!href) continue;
    const entry: { href: string; rel?: string; type?: string } = { href };
    if (attrs['rel'] !== undefined) entry.rel = attrs['rel'];
    if (attrs['type'] !== undefined) entry.type = attrs['type'];
    out.push(entry);
  }
  return out;
}

/** The human page of an item: an HTML (or untyped) alternate link, else the first link. */
export function pageLinkOf(item: RawItem): string | undefined {
  const links = linksOf(item);
  const alternate = links.find((l) => (l.rel === undefined || l.rel === 'alternate') && (l.type === undefined || /html/i.test(l.type)));
  return (alternate ?? links.find((l) => l.rel === undefined || l.rel === 'alternate') ?? links[0])?.href;
}

/** Categories as text: RSS <category>text</category>, Atom <category term label/> (label preferred). */
export function categoriesOf(item: RawItem): string[] {
  const out: string[] = [];
  for (const category of listOf(item.xCategories)) {
    const attrs = attributesOf(category);
    const text = foldSpace(textOf(category) || attrs['label'] || attrs['term'] || '');
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}

/** The item's description / summary / content as HTML or text, whichever the source gives first. */
export function bodyTextOf(item: RawItem): string {
  const candidates = [item.xSummary, item.xDescription, item.summary, item.content];
  for (const c of candidates) {
    const raw = typeof c === 'string' ? c : textOf(c);
    if (raw) return raw;
  }
  return '';
}
