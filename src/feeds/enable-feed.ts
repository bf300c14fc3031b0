// An operator puts a disabled (or failing) feed back on its schedule: healthy, zero failures, polled at its
// next slot, and one `feed-health` "recovered" event naming who did it. Both front ends call this.
import { randomUUID } from 'node:crypto';
import { closestIds } from '../closest-ids.ts';
import { err, ok, type Result } from '../result.ts';
import type { FeedState, FeedStore } from './feed-store.ts';
import { healthPatch, recordHealthEvent } from './health-events.ts';
import { reenabled, type FeedHealth } from './health.ts';

export interface FeedEnabled {
  feed: FeedState;
  /** The health before; `healthy` means there was nothing to do. */
  previous: FeedHealth;
}

export type EnableFailure = { kind: 'unknown'; message: string; suggestions: string[] } | { kind: 'busy'; message: string };

/**
 * Enables a feed by id; `actor` is who asked (`cli`, `discord:<user id>`). It takes the feed's poll lease
 * first, so it never races a poll in progress (whose last write would undo it): while one runs, it is busy.
 */
export async function enableFeed(store: FeedStore, id: string, actor: string, now: Date): Promise<Result<FeedEnabled, EnableFailure>> {
  const known = await store.getFeed(id.trim());
  if (!known) {
    const suggestions = closestIds(
      (await store.listFeeds()).map((f) => f.id),
      id,
    );
    const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
    return err({ kind: 'unknown', message: `no feed has the id "${id.trim()}"${hint}`, suggestions });
  }
  const owner = `enable:${actor}:${randomUUID().slice(0, 8)}`;
  const state = await store.claim(known.id, owner, now.toISOString(), new Date(now.getTime() + 60_000).toISOString());
  if (!state) return err({ kind: 'busy', message: `${known.id} is being polled right now; try again in a minute` });
  if (state.health === 'healthy' && state.consecutiveFailures === 0) {
    await store.release(state.id, owner);
    return ok({ feed: state, previous: 'healthy' });
  }
  const update = reenabled(state, actor);
  await store.transaction(async (tx) => {
    await tx.updateFeed(state.id, { ...healthPatch(update, now), releaseLease: true });
    await recordHealthEvent(tx, state, state.consecutiveFailures, update, now);
  });
  return ok({ feed: (await store.getFeed(state.id))!, previous: state.health });
}
