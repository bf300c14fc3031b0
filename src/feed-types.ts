// What every monitor turns a feed into: items with a stable identity and the meaning of their source.
// Not in src/feeds/: the poller there imports monitors/, and monitors/ importing src/feeds/ back tied the two in a cycle.
import type { FeedKind } from './domain.ts';
import type { Result } from './result.ts';

export interface FeedItem {
  /** Stable identity within its feed: the link's path for GOV.UK, the guid or else the link elsewhere. */
  key: string;
  link: string;
  title: string;
  /** Plain text (HTML stripped, entities decoded, whitespace folded). */
  summary: string;
  categories: string[];
  /** ISO 8601 instants, where the source gives them and they parse. */
  published?: string;
  updated?: string;
  /** What the item means in its source, where it says. */
  billStage?: string;
  billTitle?: string;
  department?: string;
  documentType?: string;
  /** The publisher's note for this update, looked up when the item is reported (see change-notes.ts). */
  changeNote?: { note: string; at: string } | undefined;
  /** The item's own endpoint, where a source whose list cuts the text keeps the whole of it (full-text.ts). */
  detailUrl?: string;
  /** The whole text from detailUrl (plain text), read just before the item is judged; matched instead of the summary. */
  fullText?: string;
  /** Why the whole text could not be read: the item was matched on its list text. */
  fullTextMissing?: string;
}

/** Where the text an item is matched on came from: the feed itself, a list that cuts it, or the item's own endpoint. */
export type TextSource = 'feed' | 'list' | 'detail';

export function textSourceOf(item: FeedItem): TextSource {
  if (item.fullText !== undefined) return 'detail';
  return item.detailUrl !== undefined ? 'list' : 'feed';
}

/** What an item already seen looked like, for a monitor deciding whether it was updated. */
export interface PreviousItem {
  updated: string | null;
  stage: string | null;
}

export interface ParsedFeed {
  title?: string;
  items: FeedItem[];
  /** Problems that did not stop the parse (an invalid date, a duplicate id): reported, never fatal. */
  warnings: string[];
}

/** One source kind: how to recognise it, how to ask for it, and how to read what comes back. */
export interface Monitor {
  kind: FeedKind;
  /** True when a body (with its content type) is of this kind; used when a feed's kind is left out. */
  recognise(body: string, contentType: string | undefined, url: string): boolean;
  /** The URL to request; JSON APIs add a date window here. `now` is the injected clock. */
  requestUrl?(feedUrl: string, now: Date): string;
  parse(body: string, feedUrl: string): Promise<Result<ParsedFeed>>;
  /**
   * What counts as an update of an item already seen under the same key: a marker naming this version
   * (two sightings with the same marker are one update), or undefined. Without it nothing is an update:
   * feeds rewrite dates, and only the source's own meaning says when a change is news.
   */
  updateOf?(previous: PreviousItem, item: FeedItem): string | undefined;
  /** How an update (by updateOf) reads in `why`, where the source says more than its dates; undefined: the dates. */
  describeUpdate?(previous: PreviousItem, item: FeedItem): string | undefined;
  /**
   * False when items that share a link are still different items (each sitting of a bill links to the
   * bill's page): identity is the key alone. Default true: a known link under a new key (a changed entry
   * id, a guid that appeared or vanished) is the same item.
   */
  sameLinkSameItem?: boolean;
  /** Reads the body of an item's own endpoint (FeedItem.detailUrl) into the item's whole text, as plain text. */
  readDetail?(body: string): Result<string>;
}
