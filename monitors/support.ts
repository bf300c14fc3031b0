// Shared helpers for the monitors: reading XML feeds safely with rss-parser, turning HTML into plain
// text, reading dates, and the small rules every monitor shares (stable keys, duplicates, warnings).
//
// Reading XML. rss-parser (3.13) wraps xml2js (0.5), which wraps sax (1.x, strict mode). Findings that
// shaped this file, each covered by test/monitors.test.ts:
// - sax never reads a DTD: an entity declared in a DOCTYPE (billion laughs, or SYSTEM "file:///etc/passwd")
//   is not expanded and no file is read; using one is a parse error ("Invalid character entity"). We still
//   refuse any body whose DOCTYPE declares entities, up front, so the error is clear and does not depend on
//   a library's internals staying that way.
// - rss-parser does `new Date(x).toISOString()` on an Atom entry's <published>/<updated> without a guard,
//   so ONE invalid date rejects the whole feed with a RangeError. We rename those two elements on the way
//   in (xml2js `tagNameProcessors`) so rss-parser never sees them, and read them ourselves, where an invalid
//   date is a warning.
// - rss-parser does not expose the attributes of <item>/<entry>. Its `customFields` copy any key of the
//   xml2js node, and xml2js keeps attributes under the key `$`, so `['$', 'xAttributes', {keepArray: true}]`
//   hands us the attribute map exactly as the XML parser read it (CDATA and entities already resolved —
//   no regex over the raw text).
// - A fresh rss-parser (and so a fresh xml2js parser) is made per parse: xml2js parsers keep state.
import { createHash } from 'node:crypto';
import { compile } from 'html-to-text';
import { DateTime } from 'luxon';
import Parser from 'rss-parser';
import type { FeedItem, ParsedFeed } from '../src/feed-types.ts';
import { err, ok, type Result } from '../src/result.ts';

/** Bodies larger than this are refused: no feed we read comes near it (the largest sample is 0.2 MB). */
export const MAX_BODY_CHARS = 10_000_000;

/**
 * Wall-clock dates without an offset (legislation.gov.uk's feed-level <updated>, the statements API's
 * `dateMade`) are read as UK local time: every publisher we read is in the UK.
 */
export const SOURCE_ZONE = 'Europe/London';

// ---------------------------------------------------------------------------------------------------
// Text

/** Folds runs of whitespace (including non-breaking spaces) into one space and trims. */
export function foldSpace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

const HTML_TO_TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

// Compiled once: html-to-text's convert() recompiles its options on every call (0.3 ms each).
const htmlToText = compile(HTML_TO_TEXT_OPTIONS);

/** HTML (or plain text) → plain text: tags stripped, entities decoded, whitespace folded. */
export function htmlToPlain(html: string | undefined): string {
  if (!html) return '';
  // Plain text needs no HTML pass (and "A < B" would not survive one).
  if (!/[<&]/.test(html)) return foldSpace(html);
  try {
    return foldSpace(htmlToText(html));
  } catch {
    return foldSpace(html.replace(/<[^>]*>/g, ' '));
  }
}

/** Cuts text to at most `max` characters on a word boundary, marking the cut with "…". */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // A single very long word is cut where it is rather than emptied.
  const head = space > max * 0.6 ? cut.slice(0, space) : cut;
  // Drop trailing punctuation and list bullets so the cut reads "…word…", not "…word, *…".
  return `${head.replace(/[^\p{L}\p{N})\]"'\u2019\u201d]+$/u, '')}…`;
}

/** A value from the xml2js tree (string, `{_: text, $: attrs}`, or an array of those) as trimmed text. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') {
    const charData = (value as Record<string, unknown>)['_'];
    if (typeof charData === 'string') return charData.trim();
  }
  return '';
}

/** The attributes of an xml2js node (`$`), or of the attribute map itself. */
export function attributesOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const attrs = record['$'] && typeof record['$'] === 'object' ? (record['$'] as Record<string, unknown>) : record;
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(attrs)) if (typeof v === 'string') out[name] = v;
  return out;
}

/** The value of the attribute whose local name (after any namespace prefix) is `local`. */
export function attributeByLocalName(attrs: Record<string, string>, local: string): string | undefined {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('xmlns')) continue;
    if (name === local || name.endsWith(`:${local}`)) return value;
  }
  return undefined;
}

/** A list from an xml2js field that may be missing, one value, or an array. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------------------------------
// Dates

/**
 * Reads an ISO 8601 or RFC 822/2822 date (also HTTP-date forms) and returns the instant as ISO 8601 UTC.
 * A value without an offset is read in SOURCE_ZONE. Invalid or absurd dates return undefined and add a
 * warning naming `what`; an absent value returns undefined silently.
 */
/** Parses an entry's published and updated dates onto the item; a bad date becomes a warning. */
export function setEntryDates(item: FeedItem, raw: { xPublished?: unknown; xUpdated?: unknown }, key: string, warnings: string[]): void {
  const what = `entry ${JSON.stringify(key)}`;
  const published = parseDate(raw.xPublished, `${what} published`, warnings);
  const updated = parseDate(raw.xUpdated, `${what} updated`, warnings);
  if (published) item.published = published;
  if (updated) item.updated = updated;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Date would roll 30 February into March and 24:00 into tomorrow; such text goes to the strict path. */
function calendarValid(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60 && offsetHours! < 24 && offsetMinutes! < 60;
}

export function parseDate(raw: unknown, what: string, warnings: string[], zone: string = SOURCE_ZONE): string | undefined {
  const text = textOf(raw);
  if (!text) return undefined;
  // The common case, a full ISO 8601 instant with its offset, needs no zone rules: Date reads it exactly,
  // at a fraction of luxon's cost (dates were a tenth of a poll cycle's CPU).
  const iso = ISO_INSTANT.exec(text);
  if (iso && calendarValid(iso)) {
    const ms = Date.parse(text);
    const year = new Date(ms).getUTCFullYear();
    if (Number.isFinite(ms) && year >= 1800 && year <= 2200) return new Date(ms).toISOString();
  }
  const options = { zone, setZone: true };
  let dt = DateTime.fromISO(text, options);
  if (!dt.isValid) dt = DateTime.fromRFC2822(text, options);
  if (!dt.isValid) dt = DateTime.fromHTTP(text, options);
  // Some RFC 822 producers write the full day name or a comma-less day ("Tuesday, 6 Nov…", "Tue 6 Nov…").
  if (!dt.isValid) dt = DateTime.fromRFC2822(text.replace(/^([A-Za-z]{3})[A-Za-z]*,?\s+/, '$1, '), options);
  if (!dt.isValid || dt.year < 1800 || dt.year > 2200) {
    warnings.push(`${what}: invalid date ${JSON.stringify(clip(text, 60))} ignored`);
    return undefined;
  }
  return dt.toUTC().toISO() ?? undefined;
}

// ---------------------------------------------------------------------------------------------------
// Keys, links, duplicates

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

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------------
// Looking at a body before parsing it

export interface Prolog {
  /** Name of the first element ('rss', 'feed', 'rdf:RDF', 'html'…), when the body starts like XML. */
  root?: string;
  /** True when a DOCTYPE before the root declares entities (<!ENTITY …>). */
  declaresEntities: boolean;
  /** The first characters of the body when it does not start like XML at all. */
  notXml?: string;
}

/**
 * Reads the prolog of a body: XML declaration, comments, processing instructions and DOCTYPE (with its
 * internal subset, quote-aware) up to the root element. A scanner, not a regex over the whole body: the
 * prolog is the only place a DOCTYPE may legally appear, and nothing in it can be CDATA.
 */
export function readProlog(body: string): Prolog {
  let i = 0;
  const n = body.length;
  let declaresEntities = false;
  for (;;) {
    while (i < n && (body[i] === '\ufeff' || /\s/.test(body[i]!))) i++;
    if (i >= n) return { declaresEntities };
    if (body[i] !== '<') return { declaresEntities, notXml: clip(body.slice(i, i + 40), 40) };
    if (body.startsWith('<?', i)) {
      const end = body.indexOf('?>', i + 2);
      if (end < 0) return { declaresEntities };
      i = end + 2;
    } else if (body.startsWith('<!--', i)) {
      const end = body.indexOf('-->', i + 4);
      if (end < 0) return { declaresEntities };
      i = end + 3;
    } else if (body.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      // Walk to the DOCTYPE's closing '>', skipping quoted strings and the [ internal subset ].
      let j = i + 9;
      let depth = 0;
      let quote: string | undefined;
      for (; j < n; j++) {
        const c = body[j]!;
        if (quote) {
          if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth = Math.max(0, depth - 1);
        else if (c === '>' && depth === 0) break;
      }
      if (/<!ENTITY/i.test(body.slice(i, j))) declaresEntities = true;
      i = j + 1;
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(body.slice(i, i + 200));
      return match ? { root: match[1]!, declaresEntities } : { declaresEntities, notXml: clip(body.slice(i, i + 40), 40) };
    }
  }
}

/** The checks every XML monitor makes before parsing; an error names what came back instead of a feed. */
export function checkXmlBody(body: string): Result<{ root: string }> {
  if (typeof body !== 'string' || body.trim() === '') return err('empty body: no feed in the response');
  if (body.length > MAX_BODY_CHARS) return err(`body too large (${body.length} characters): refused`);
  const prolog = readProlog(body);
  if (prolog.declaresEntities) {
    return err('refused: the body declares XML entities in a DOCTYPE (entity expansion is never allowed)');
  }
  if (prolog.notXml !== undefined) {
    const looksJson = /^[[{]/.test(prolog.notXml);
    return err(`not XML: the body starts with ${JSON.stringify(prolog.notXml)}${looksJson ? ' (JSON?)' : ''}`);
  }
  if (!prolog.root) return err('not a feed: no root element');
  if (prolog.root.toLowerCase() === 'html') {
    return err('received an HTML page, not a feed (an error, login or challenge page?)');
  }
  if (!['rss', 'feed', 'rdf:RDF'].includes(prolog.root)) {
    return err(`not an RSS or Atom feed: the root element is <${prolog.root}>`);
  }
  return ok({ root: prolog.root });
}

/** Cheap sniff for recognition: the root element and whether the body looks like JSON. */
export function sniff(body: string): { root?: string; json: boolean } {
  const head = body.slice(0, 4096);
  if (/^[\s\ufeff]*[[{]/.test(head)) return { json: true };
  const prolog = readProlog(head);
  return prolog.root === undefined ? { json: false } : { root: prolog.root, json: false };
}

// ---------------------------------------------------------------------------------------------------
// rss-parser

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

/** The feed's URL, parsed, for recognising a feed by its host; undefined when it is not a URL. */
export function feedUrlOf(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
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
