// A parsed feed's items, in ONE transaction with the feed's new state: on a feed's first successful fetch
// every item is recorded and nothing is posted (MonitoRSS's rule: the bot reports what appears after it
// starts watching); afterwards new and updated items (item-identity.ts) are judged (judge-item.ts). Items
// and traces are written together at the end (a few statements per feed, not a few per item), then the
// feed's state and its health and warning events. Automatic status changes queued by the judging are
// applied once the transaction has committed.
import type { FeedKind } from '../domain.ts';
import type { ParsedFeed } from '../feed-types.ts';
import type { FeedSpec } from './feed-list.ts';
import type { FeedState, NewTrace, StoredItem } from './feed-store.ts';
import { afterSuccess } from './health.ts';
import { healthPatch, recordHealthEvent, recordWarningEvent } from './health-events.ts';
import { addChangeNotes, addWholeTexts } from './item-lookups.ts';
import { identify, oldestFirst } from './item-identity.ts';
import { judgeItem, type Judging } from './judge-item.ts';
import type { CycleContext, FeedReport, PollSteps } from './poll-types.ts';

export interface ParsedRead {
  feed: FeedSpec;
  state: FeedState;
  kind: FeedKind;
  parsed: ParsedFeed;
  fetched: { validators: FeedState['validators']; maxAgeSeconds?: number | undefined };
  now: Date;
}

export async function processItems(steps: PollSteps, ctx: CycleContext, read: ParsedRead, report: FeedReport): Promise<FeedReport> {
  const { feed, state, kind, parsed, fetched, now } = read;
  const { feedStore } = steps.deps;
  const at = now.toISOString();
  const health = afterSuccess(state, now, fetched.maxAgeSeconds, steps.policy);
  const items = oldestFirst(parsed.items);
  const firstFetch = !state.firstFetchDone;
  const monitor = steps.monitors.monitorFor(kind);
  if (!firstFetch) {
    await addWholeTexts(steps, feed, monitor, items);
    await addChangeNotes(steps, ctx, feed, monitor, items);
  }
  const counts = { newItems: 0, updatedItems: 0 };

  const eventIds = await feedStore.transaction(async (tx) => {
    const traces: NewTrace[] = [];
    const judging: Judging = { tx, ctx, steps, feed, kind, traces, eventIds: [] };
    const known = await tx.knownItems(
      feed.id,
      items.map((i) => i.key),
      items.map((i) => i.link),
    );
    const newRows: StoredItem[] = [];
    const seenAgain: string[] = [];
    for (const sighting of identify(feed.id, monitor, items, known, firstFetch, at)) {
      const { item } = sighting;
      for (const t of sighting.traces) traces.push({ feedId: feed.id, itemKey: item.key, link: item.link, at, ...t });
      if (sighting.newRow) newRows.push(sighting.newRow);
      if (sighting.rowPatch) await tx.updateItem(feed.id, item.key, sighting.rowPatch);
      if (sighting.seenAgain) seenAgain.push(item.key);
      if (!sighting.judge) continue;
      if (sighting.judge.mode === 'new') counts.newItems++;
      if (sighting.judge.mode === 'update') counts.updatedItems++;
      await judgeItem(judging, item, sighting.judge.mode, sighting.judge.update);
    }
    await tx.insertItems(newRows);
    await tx.addTraces(traces);
    await tx.touchItems(feed.id, seenAgain, at);

    await tx.updateFeed(feed.id, {
      lastAttemptAt: at,
      lastSuccessAt: at,
      lastError: null,
      validators: fetched.validators,
      detectedKind: feed.kind ? null : kind,
      firstFetchDone: true,
      itemCount: items.length,
      lastWarnings: parsed.warnings,
      ...healthPatch(health, now),
      releaseLease: true,
      polledBy: steps.owner,
    });
    const ids = judging.eventIds;
    ids.push(...(await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now)));
    ids.push(...(await recordWarningEvent(tx, feed, health.state.health, parsed.warnings, now)));
    await steps.hook('beforeCommit', feed.id);
    return ids;
  });
  await steps.hook('afterFeed', feed.id);
  eventIds.push(...(await steps.applyQueuedChanges()));
  return {
    ...report,
    outcome: 'parsed',
    items: items.length,
    ...counts,
    firstFetch,
    warnings: parsed.warnings,
    health: health.state.health,
    eventIds,
  };
}
