// Which items of a fetch are new, which are updates, and which were seen before. An item is known by its
// key (the monitor decides what that is: monitors/*); unless its monitor says items that share a link are
// different items (sameLinkSameItem: false), a known link under a new key is the same item too — so
// re-ordered feeds, items that drop out and come back, changed GOV.UK entry ids and missing guids never
// produce a second event. What counts as an update is the monitor's call too (Monitor.updateOf).
//
// Everything here is pure: `identify` says what to do with each item, and the poller does it in the
// feed's transaction (process-items.ts).
import { createHash } from 'node:crypto';
import type { FeedItem, Monitor } from '../feed-types.ts';
import type { FeedTransaction, NewTrace, StoredItem } from './feed-store.ts';

/** How an item is judged: as part of a feed's first fetch (recorded, never posted), as new, or as an update. */
export type JudgeMode = 'first-fetch' | 'new' | 'update';

export interface UpdateSeen {
  previousUpdated: string | null;
  /** The monitor's name for this version: one update is reported once. */
  version: string;
}

type IdentityTrace = Pick<NewTrace, 'stage' | 'decision' | 'detail'>;

/** What to do with one item of a fetch, in order: its identity traces, its row, and whether it is judged. */
export interface Sighting {
  item: FeedItem;
  traces: IdentityTrace[];
  /** A row to insert: a new item, or a known one under a new key. */
  newRow?: StoredItem;
  /** Fields of its known row to rewrite (an update, or an edit of the text). */
  rowPatch?: Parameters<FeedTransaction['updateItem']>[2];
  /** True when its known row is stamped as seen again. */
  seenAgain: boolean;
  judge?: { mode: JudgeMode; update?: UpdateSeen };
}

/** New items post oldest first. Feeds list newest first, so without dates on every item, reverse order. */
export function oldestFirst(items: FeedItem[]): FeedItem[] {
  const reversed = [...items].reverse();
  const dateOf = (i: FeedItem) => i.published ?? i.updated;
  if (!reversed.every((i) => dateOf(i) !== undefined)) return reversed;
  return reversed.sort((a, b) => dateOf(a)!.localeCompare(dateOf(b)!));
}

/** A marker of a real update, or undefined: the monitor says what counts (Monitor.updateOf); by default nothing. */
export function updateMarker(monitor: Monitor, previous: StoredItem, item: FeedItem): string | undefined {
  return monitor.updateOf?.({ updated: previous.updated, stage: previous.stage }, item);
}

/** How an update reads in `why`: the monitor's words where it has them, else the dates. */
function describeUpdate(monitor: Monitor, previous: StoredItem, item: FeedItem): string {
  return (
    monitor.describeUpdate?.({ updated: previous.updated, stage: previous.stage }, item) ?? `updated ${previous.updated ?? '(none)'} → ${item.updated ?? '(none)'}`
  );
}

export function fingerprintOf(item: FeedItem): string {
  return createHash('sha256')
    .update(JSON.stringify([item.title, item.summary, item.categories, item.billStage ?? null, item.department ?? null, item.documentType ?? null]))
    .digest('hex')
    .slice(0, 32);
}

export function toStored(feedId: string, item: FeedItem, at: string): StoredItem {
  return {
    feedId,
    key: item.key,
    link: item.link,
    title: item.title,
    published: item.published ?? null,
    updated: item.updated ?? null,
    stage: item.billStage ?? null,
    fingerprint: fingerprintOf(item),
    firstSeenAt: at,
    lastSeenAt: at,
    timesSeen: 1,
  };
}

/** The known rows that may identify these items: by key, and by link where the monitor allows it. */
export function identityRefs(monitor: Monitor, items: readonly FeedItem[]): { keys: string[]; links: string[] } {
  return { keys: items.map((i) => i.key), links: monitor.sameLinkSameItem !== false ? items.map((i) => i.link) : [] };
}

/** Of these items, those new to the feed or updated: those about to be judged (for lookups before the transaction). */
export function aboutToBeJudged(monitor: Monitor, items: readonly FeedItem[], known: readonly StoredItem[]): FeedItem[] {
  const byLink = monitor.sameLinkSameItem !== false;
  const previousOf = (i: FeedItem) => known.find((k) => k.key === i.key) ?? (byLink ? known.find((k) => k.link === i.link) : undefined);
  return items.filter((i) => {
    const previous = previousOf(i);
    return !previous || updateMarker(monitor, previous, i) !== undefined;
  });
}

/** What to do with each item of a fetch (oldest first), given the rows already known for the feed. */
export function identify(feedId: string, monitor: Monitor, items: readonly FeedItem[], known: readonly StoredItem[], firstFetch: boolean, at: string): Sighting[] {
  const byKey = new Map(known.map((k) => [k.key, k]));
  const byLink = new Map<string, StoredItem>();
  const linkIdentifies = monitor.sameLinkSameItem !== false;
  if (linkIdentifies) for (const k of known) if (!byLink.has(k.link)) byLink.set(k.link, k);
  const handled = new Set<string>();
  const sightings: Sighting[] = [];

  for (const item of items) {
    if (handled.has(item.key)) continue;
    handled.add(item.key);
    const sameKey = byKey.get(item.key);
    const sameLink = sameKey ? undefined : byLink.get(item.link);
    const previous = sameKey ?? sameLink;
    const sighting: Sighting = { item, traces: [], seenAgain: false };
    sightings.push(sighting);

    if (!previous) {
      const stored = toStored(feedId, item, at);
      sighting.newRow = stored;
      byKey.set(item.key, stored);
      if (linkIdentifies) byLink.set(item.link, stored);
      sighting.traces.push(
        firstFetch
          ? {
              stage: 'identity',
              decision: 'first-fetch',
              detail: 'seen on the first fetch of the feed: recorded, nothing posted (only what appears later is reported)',
            }
          : { stage: 'identity', decision: 'new', detail: 'not seen in this feed before' },
      );
      sighting.judge = { mode: firstFetch ? 'first-fetch' : 'new' };
      continue;
    }

    const version = updateMarker(monitor, previous, item);
    const fingerprint = fingerprintOf(item);
    if (sameLink) {
      // Same page under another key (a changed entry id, a guid that appeared or vanished): one item.
      // Its row under the new key is written as the item reads now.
      const alias = { ...toStored(feedId, item, at), firstSeenAt: sameLink.firstSeenAt };
      sighting.newRow = alias;
      byKey.set(item.key, alias);
      sighting.traces.push({
        stage: 'identity',
        decision: 'duplicate',
        detail: `same link as item ${JSON.stringify(sameLink.key)} first seen ${sameLink.firstSeenAt}: not a new item`,
      });
    }
    if (version) {
      if (!sameLink) {
        sighting.rowPatch = {
          link: item.link,
          title: item.title,
          published: item.published ?? null,
          updated: item.updated ?? null,
          stage: item.billStage ?? null,
          fingerprint,
        };
        sighting.seenAgain = true;
      }
      sighting.traces.push({ stage: 'identity', decision: 'update', detail: describeUpdate(monitor, previous, item) });
      sighting.judge = { mode: 'update', update: { previousUpdated: previous.updated, version } };
    } else if (!sameLink) {
      sighting.seenAgain = true;
      if (fingerprint !== previous.fingerprint) {
        sighting.rowPatch = { title: item.title, fingerprint, stage: item.billStage ?? previous.stage };
        sighting.traces.push({ stage: 'identity', decision: 'edited', detail: 'the text changed without a later date: recorded, not reported as an update' });
      }
    }
  }
  return sightings;
}
