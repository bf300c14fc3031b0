// "What would the bot make of this feed?" — one URL fetched now through the bot's own fetcher (the same
// address rules, limits and User-Agent), read by the monitor for its kind (given, or recognised from the
// body and URL as the poller does), with the same whole-text lookups the poller makes for items about to
// be judged (full-text.ts). It stores nothing: it is what a user runs before adding a feed, and what an
// operator runs when a feed misbehaves. `commitment-watch feeds check` prints it.
import { FEED_KINDS, FeedKind } from '../domain.ts';
import { err, ok, type Result } from '../result.ts';
import type { Fetcher } from './fetch.ts';
import { addFullTexts, FULL_TEXT_LIMITS, missingText, type LookupLimits } from './full-text.ts';
import type { Monitors } from './poll-types.ts';
import { textSourceOf, type FeedItem, type TextSource } from '../feed-types.ts';

/** One item exactly as the monitor read it: the shape `feeds check --json` prints. */
export interface CheckedItem {
  key: string;
  title: string;
  link: string;
  published: string | null;
  updated: string | null;
  /** The bill's stage (parliament-bills); null elsewhere. */
  stage: string | null;
  /** The answering department (parliament-statements, parliament-questions); null elsewhere. */
  department: string | null;
  /** Characters of the text the item is matched on. */
  textChars: number;
  textSource: TextSource;
}

export interface FeedCheck {
  kind: FeedKind;
  /** The URL actually fetched (with a monitor's date window) and where it ended after redirects. */
  requested: string;
  finalUrl: string;
  title: string | null;
  kindGuessed: boolean;
  items: CheckedItem[];
  warnings: string[];
}

export interface CheckOptions {
  kind?: string | undefined;
  fetcher: Pick<Fetcher, 'fetch'>;
  monitors: Monitors;
  now: Date;
  fullTexts?: Partial<LookupLimits>;
}

const DEPARTMENT_KINDS: readonly FeedKind[] = ['parliament-statements', 'parliament-questions'];

export function checkedItem(kind: FeedKind, item: FeedItem): CheckedItem {
  return {
    key: item.key,
    title: item.title,
    link: item.link,
    published: item.published ?? null,
    updated: item.updated ?? null,
    stage: kind === 'parliament-bills' ? (item.billStage ?? null) : null,
    department: DEPARTMENT_KINDS.includes(kind) ? (item.department ?? null) : null,
    textChars: (item.fullText ?? item.summary).length,
    textSource: textSourceOf(item),
  };
}

export async function checkFeed(url: string, options: CheckOptions): Promise<Result<FeedCheck, string>> {
  const target = url.trim();
  if (!URL.canParse(target) || !/^https?:$/.test(new URL(target).protocol)) return err(`not an http(s) URL: ${JSON.stringify(target.slice(0, 200))}`);
  let given: FeedKind | undefined;
  if (options.kind !== undefined) {
    const kind = FeedKind.safeParse(options.kind);
    if (!kind.success) return err(`unknown kind ${JSON.stringify(options.kind)}: expected one of ${FEED_KINDS.join(', ')}`);
    given = kind.data;
  }
  const requested = given ? (options.monitors.monitorFor(given).requestUrl?.(target, options.now) ?? target) : target;
  const outcome = await options.fetcher.fetch(requested);
  if (outcome.kind === 'failed') return err(outcome.message);
  if (outcome.kind === 'not-modified') return err(`${requested} answered 304 Not Modified to a request without validators`);

  const kind = given ?? options.monitors.recogniseKind(outcome.body, outcome.contentType, outcome.finalUrl);
  const monitor = options.monitors.monitorFor(kind);
  if (!given && kind === 'generic' && !monitor.recognise(outcome.body, outcome.contentType, outcome.finalUrl)) {
    const parsed = await monitor.parse(outcome.body, outcome.finalUrl);
    const why = parsed.ok ? 'it is no feed the monitors know' : parsed.error;
    return err(`cannot tell what kind of feed ${outcome.finalUrl} is (${why}); give --kind (one of ${FEED_KINDS.join(', ')})`);
  }
  let parsed: Awaited<ReturnType<typeof monitor.parse>>;
  try {
    parsed = await monitor.parse(outcome.body, outcome.finalUrl);
  } catch (error) {
    parsed = err(`the ${kind} reader failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed.ok) return err(`${outcome.finalUrl} is not a readable ${kind} feed: ${parsed.error}`);
  // Every item as if new (the poller looks up new and updated items), the feed's newest first, within the same bounds.
  await addFullTexts(parsed.value.items, monitor, options.fetcher, { ...FULL_TEXT_LIMITS, ...options.fullTexts });
  return ok({
    kind,
    requested,
    finalUrl: outcome.finalUrl,
    title: parsed.value.title ?? null,
    kindGuessed: given === undefined,
    items: parsed.value.items.map((item) => checkedItem(kind, item)),
    warnings: [...parsed.value.warnings, ...parsed.value.items.filter((i) => i.fullTextMissing).map((i) => `${i.key}: ${missingText(i)}; read from the list`)],
  });
}
