// Before a feed's transaction (no network inside it): the whole text of items whose source cuts it
// (full-text.ts), and the publisher's change note of items about to be reported (change-notes.ts). Both
// only for items about to be judged — new, or updated by their monitor's rule — and both bounded: a slow
// source never holds the feed (and its lease) for long.
import type { FeedItem, Monitor } from '../feed-types.ts';
import type { FeedSpec } from './feed-list.ts';
import { addFullTexts, boundedLookups, FULL_TEXT_LIMITS } from './full-text.ts';
import { aboutToBeJudged, identityRefs } from './item-identity.ts';
import type { CycleContext, PollSteps } from './poll-types.ts';

/** Of these items, those new to the feed or updated (by the monitor's updateOf), read from the store. */
async function judgedOf(steps: PollSteps, feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<FeedItem[]> {
  if (items.length === 0) return [];
  const refs = identityRefs(monitor, items);
  const known = await steps.deps.feedStore.transaction((tx) => tx.knownItems(feed.id, refs.keys, refs.links));
  return aboutToBeJudged(monitor, items, known);
}

/** The whole text of each item about to be judged whose source cuts it. */
export async function addWholeTexts(steps: PollSteps, feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<void> {
  if (!monitor.readDetail || !items.some((i) => i.detailUrl !== undefined)) return;
  const judged = await judgedOf(
    steps,
    feed,
    monitor,
    items.filter((i) => i.detailUrl !== undefined),
  );
  // Newest first: if there are more than the cap, the latest items are read whole.
  await addFullTexts([...judged].reverse(), monitor, steps.deps.fetcher, { ...FULL_TEXT_LIMITS, ...steps.deps.fullTexts });
}

/**
 * Looks up the change note of each item that is about to be reported — new or updated, on a page the
 * source knows, and matched to a commitment.
 */
export async function addChangeNotes(steps: PollSteps, ctx: CycleContext, feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<void> {
  const source = steps.deps.changeNotes;
  if (!source) return;
  const reported = items.filter((i) => source.covers(i.link) && ctx.engine.match(i, monitor.kind).some((r) => r.accepted && ctx.commitments.has(r.commitmentId)));
  const wanted = await judgedOf(steps, feed, monitor, reported);
  // Newest first: if there are more than the cap, the latest changes get their notes. A slow content API
  // must not hold the feed (and its lease) for long: past the budget, the items go without notes.
  const limits = { max: steps.deps.maxChangeNotes ?? 5, budgetMs: steps.deps.changeNotesBudgetMs ?? 30_000 };
  await boundedLookups(wanted.reverse(), limits, async (item, isOpen) => {
    const note = await source.noteFor(item.link, item.updated);
    if (!isOpen()) return;
    if (note.ok) item.changeNote = note.value;
    else steps.logger.warn({ feed: feed.id, item: item.link }, `no change note: ${note.error}`);
  });
}
