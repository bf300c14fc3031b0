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
}
