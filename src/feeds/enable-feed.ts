// An operator puts a disabled (or failing) feed back on its schedule: healthy, zero failures, polled at its
// next slot, and one `feed-health` "recovered" event naming who did it. Both front ends call this.
import { distance } from 'fastest-levenshtein';
import { err, ok, type Result } from '../result.ts';
import type { FeedState, FeedStore } from './feed-store.ts';
import { healthPatch, recordHealthEvent } from './health-events.ts';
import { reenabled, type FeedHealth } from './health.ts';

export interface FeedEnabled {
  feed: FeedState;
  /** The health before; `healthy` means there was nothing to do. */
  previous: FeedHealth;
}

export interface UnknownFeed {
  message: string;
  suggestions: string[];
}

/** Enables a feed by id; `actor` is who asked (`cli`, `discord:<user id>`). */
export async function enableFeed(store: FeedStore, id: string, actor: string, now: Date): Promise<Result<FeedEnabled, UnknownFeed>> {
  const state = await store.getFeed(id.trim());
  if (!state) {
    const suggestions = closestFeedIds((await store.listFeeds()).map((f) => f.id), id);
    const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
    return err({ message: `no feed has the id "${id.trim()}"${hint}`, suggestions });
  }
  if (state.health === 'healthy' && state.consecutiveFailures === 0) return ok({ feed: state, previous: 'healthy' });

  const update = reenabled(state, actor);
  await store.transaction(async (tx) => {
    await tx.updateFeed(state.id, healthPatch(update, now));
    await recordHealthEvent(tx, state, state.consecutiveFailures, update, now);
  });
  return ok({ feed: (await store.getFeed(state.id))!, previous: state.health });
}

/** Feed ids nearest to what was typed, best first: ids containing it, then by edit distance. */
export function closestFeedIds(ids: string[], input: string, limit = 5): string[] {
  const text = input.trim().toLowerCase();
  return ids
    .map((id) => ({ id, score: text.length >= 3 && id.includes(text) ? -1 : distance(text, id) / Math.max(id.length, 1) }))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((s) => s.id);
}
