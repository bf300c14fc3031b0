// A feed's health as it is reported: a transition's state patch and its `feed-health` outbox event, both
// through one FeedTransaction, so a transition is stored and announced together or not at all; and the
// `warning` event of a feed that was read but had problems. The poller uses these after every fetch; an
// operator's re-enable (enable-feed.ts) uses them too.
import { feedHealthEvent, feedWarningEvent } from '../event-kinds.ts';
import type { FeedStatePatch, FeedTransaction } from './feed-store.ts';
import type { FeedHealth, HealthUpdate } from './health.ts';

/** The state to write for a health update; a change of health also stamps when it changed. */
export function healthPatch(update: HealthUpdate, now: Date): FeedStatePatch {
  const changed = update.transition && update.transition.from !== update.transition.to;
  return { ...update.state, ...(changed ? { healthChangedAt: now.toISOString() } : {}) };
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
  const event = feedHealthEvent(
    feed,
    {
      health: t.to,
      previous: t.from,
      change: t.change,
      reason: t.reason,
      failures: health.state.consecutiveFailures || previousFailures,
      nextAttemptAt: health.state.nextAttemptAt,
    },
    now.toISOString(),
  );
  return recorded(await tx.recordEvent(event));
}

/**
 * Records a `feed-health` warning for problems that did not stop a read (an invalid date, a duplicate id),
 * once per distinct set of problems: the same problems on every poll are reported once.
 */
export async function recordWarningEvent(
  tx: FeedTransaction,
  feed: { id: string; url: string },
  health: FeedHealth,
  warnings: readonly string[],
  now: Date,
): Promise<number[]> {
  if (warnings.length === 0) return [];
  return recorded(await tx.recordEvent(feedWarningEvent(feed, health, warnings, now.toISOString())));
}

const recorded = (id: number | undefined): number[] => (id === undefined ? [] : [id]);
