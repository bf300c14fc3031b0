// A feed's health transition written as it is reported: the state patch and the `feed-health` outbox event,
// both through one FeedTransaction, so a transition is stored and announced together or not at all. The
// poller uses it after every fetch; an operator's re-enable (enable-feed.ts) uses it too.
import type { FeedStatePatch, FeedTransaction } from './feed-store.ts';
import type { HealthUpdate } from './health.ts';

/** The state to write for a health update; a transition also stamps when health changed. */
export function healthPatch(update: HealthUpdate, now: Date): FeedStatePatch {
  return { ...update.state, ...(update.transition ? { healthChangedAt: now.toISOString() } : {}) };
}

/** Records the `feed-health` event of a transition, once; returns the new event's id, if any. */
export async function recordHealthEvent(
  tx: FeedTransaction,
  feed: { id: string; url: string },
  previousFailures: number,
  health: HealthUpdate,
  now: Date,
): Promise<number[]> {
  const t = health.transition;
  if (!t) return [];
  const at = now.toISOString();
  const id = await tx.recordEvent({
    type: 'feed-health',
    feedId: feed.id,
    payload: {
      type: 'feed-health',
      feed: feed.id,
      url: feed.url,
      health: t.to,
      previous: t.from,
      change: t.change,
      reason: t.reason,
      failures: health.state.consecutiveFailures || previousFailures,
      nextAttemptAt: health.state.nextAttemptAt,
    },
    dedupeKey: `feed-health:${feed.id}:${t.change}:${at}`,
    createdAt: at,
  });
  return id === undefined ? [] : [id];
}
