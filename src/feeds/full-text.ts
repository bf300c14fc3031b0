// The whole text of items whose source cuts it. Parliament's written statements and written answers lists
// cut the text at 255 characters, so matching would see a heading and a snippet; each item's own endpoint
// (FeedItem.detailUrl, set by its monitor) has the whole text. For an item about to be judged — new or
// updated, never on a feed's first fetch — the poller reads it here, bounded exactly like GOV.UK's change
// notes (change-notes.ts): at most a few lookups per feed per poll, a time budget, the same polite fetcher.
// A lookup that fails, or that the cap or the budget leaves out, is normal: the item is matched on its list
// text, and `fullTextMissing` says why, so `why` can tell the reader.
import type { Fetcher } from './fetch.ts';
import type { FeedItem, Monitor } from '../feed-types.ts';

export interface LookupLimits {
  /** Lookups per feed per poll, at most. */
  max: number;
  /** How long one feed waits for its lookups before going on without them. */
  budgetMs: number;
}

export const FULL_TEXT_LIMITS: LookupLimits = { max: 10, budgetMs: 30_000 };

/**
 * Runs `lookup` for the first `limits.max` items at once and waits for them at most `limits.budgetMs`.
 * `lookup` gets `isOpen`: once the budget is spent it returns false, and a late answer must be dropped.
 * Returns the items that were left out by the cap.
 */
export async function boundedLookups<T>(items: readonly T[], limits: LookupLimits, lookup: (item: T, isOpen: () => boolean) => Promise<void>): Promise<T[]> {
  const chosen = items.slice(0, limits.max);
  let open = true;
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limits.budgetMs);
    timer.unref();
  });
  await Promise.race([Promise.all(chosen.map((item) => lookup(item, () => open))), budget]);
  open = false;
  clearTimeout(timer);
  return items.slice(limits.max);
}

/**
 * Reads the whole text of each item that has a detailUrl into `fullText`, or sets `fullTextMissing` to why
 * it could not. Never throws.
 */
export async function addFullTexts(
  items: readonly FeedItem[],
  monitor: Monitor,
  fetcher: Pick<Fetcher, 'fetch'>,
  limits: LookupLimits = FULL_TEXT_LIMITS,
): Promise<void> {
  const readDetail = monitor.readDetail?.bind(monitor);
  const wanted = items.filter((i) => i.detailUrl !== undefined && i.fullText === undefined);
  if (!readDetail || wanted.length === 0) return;
  const late = `no answer from the item's own endpoint within ${Math.round(limits.budgetMs / 1000)} s`;
  for (const item of wanted) item.fullTextMissing = late;
  const skipped = await boundedLookups(wanted, limits, async (item, isOpen) => {
    let missing: string | undefined;
    let text: string | undefined;
    try {
      const outcome = await fetcher.fetch(item.detailUrl!);
      if (outcome.kind === 'failed') missing = outcome.message;
      else if (outcome.kind === 'not-modified') missing = 'the endpoint answered 304 Not Modified to a plain request';
      else {
        const read = readDetail(outcome.body);
        if (read.ok) text = read.value;
        else missing = read.error;
      }
    } catch (error) {
      missing = error instanceof Error ? error.message : String(error);
    }
    if (!isOpen()) return;
    if (text !== undefined) {
      item.fullText = text;
      delete item.fullTextMissing;
    } else {
      item.fullTextMissing = missing ?? 'no text';
    }
  });
  for (const item of skipped) item.fullTextMissing = `not looked up: at most ${limits.max} whole texts are read per feed per poll`;
}

/** What an item is matched on: its whole text where it was read, else what the feed gave. */
export function matchView(item: FeedItem): FeedItem {
  return item.fullText === undefined ? item : { ...item, summary: item.fullText };
}

/** One line for `why`: where the text an item was matched on came from. Undefined for an item whose feed gives it whole. */
export function textNote(item: FeedItem): { decision: 'detail' | 'list'; detail: string } | undefined {
  if (item.detailUrl === undefined) return undefined;
  if (item.fullText !== undefined) return { decision: 'detail', detail: `matched on the whole text from ${item.detailUrl} (${item.fullText.length} characters)` };
  return { decision: 'list', detail: `${missingText(item)}: matched on the list's text instead (${item.summary.length} characters, cut by the source)` };
}

/** Why an item has no whole text, in words: a lookup that failed, or one the cap left out. */
export function missingText(item: FeedItem): string {
  const why = item.fullTextMissing ?? 'not looked up';
  return `the full-text lookup ${why.startsWith('not looked up') ? 'was not made' : 'failed'} (${why})`;
}
