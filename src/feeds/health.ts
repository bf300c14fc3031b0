// A feed's health, as pure functions of its state and what just happened: when to try again, and when
// it becomes failing, disabled, or healthy again. The poller writes the result and a `feed-health` event
// for every transition in one transaction, so a transition is reported exactly once.
//
// - A failure (network, HTTP status, timeout, size, redirect…) or an invalid body (HTML, truncated XML,
//   entities…) backs off: 5 min × 2^(failures − 1), capped at 6 h; a Retry-After is honoured (up to 24 h).
// - The first failure marks the feed `failing` (MonitoRSS does the same: owners hear early). It is
//   `disabled` after 10 failures in a row, or when it has served nothing valid for 24 hours. Two failures
//   before that, owners are warned once ("disabling-soon"), while there is still time to fix it.
// - A disabled feed is not polled on its schedule; it is probed once a day, and the first success (or
//   an operator's `feeds enable`) makes it healthy again, as any success does for a failing feed.
// - On success, Cache-Control max-age is honoured up to 1 h: no poll before the publisher's cache expires.

export const FEED_HEALTH = ['healthy', 'failing', 'disabled'] as const;
export type FeedHealth = (typeof FEED_HEALTH)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface HealthPolicy {
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive failures after which a feed is `failing`. */
  failingAfter: number;
  /** Consecutive failures after which a feed is `disabled`. */
  disableAfter: number;
  /** Warn this many failures before disabling (0: no warning). */
  warnBeforeDisable: number;
  /** A feed whose body has been invalid this long without a break is `disabled`. */
  disableInvalidAfterMs: number;
  /** How often a disabled feed is probed. */
  disabledProbeMs: number;
  maxRetryAfterMs: number;
  maxCacheAgeMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  baseBackoffMs: 5 * MINUTE,
  maxBackoffMs: 6 * HOUR,
  failingAfter: 1,
  disableAfter: 10,
  warnBeforeDisable: 2,
  disableInvalidAfterMs: 24 * HOUR,
  disabledProbeMs: 24 * HOUR,
  maxRetryAfterMs: 24 * HOUR,
  maxCacheAgeMs: HOUR,
};

/** The part of a feed's state health reads and writes. Times are ISO 8601. */
export interface HealthState {
  health: FeedHealth;
  healthReason: string | null;
  consecutiveFailures: number;
  invalidSince: string | null;
  nextAttemptAt: string | null;
}

export interface Failure {
  /** True when a body came back but is not a feed we can read; false for fetch failures. */
  invalid: boolean;
  message: string;
  retryAfterSeconds?: number | undefined;
}

export interface HealthTransition {
  from: FeedHealth;
  to: FeedHealth;
  /** 'recovered' when a failing or disabled feed is healthy again; 'disabling-soon' warns, health unchanged. */
  change: 'failing' | 'disabled' | 'recovered' | 'disabling-soon';
  reason: string;
}

export interface HealthUpdate {
  state: HealthState;
  transition?: HealthTransition | undefined;
}

/** Delay before the next try after `failures` failures in a row (1 = the first). */
export function backoffMs(failures: number, policy: HealthPolicy = DEFAULT_HEALTH_POLICY): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(policy.baseBackoffMs * 2 ** exponent, policy.maxBackoffMs);
}

export function afterFailure(previous: HealthState, failure: Failure, now: Date, policy: HealthPolicy = DEFAULT_HEALTH_POLICY): HealthUpdate {
  const failures = previous.consecutiveFailures + 1;
  const invalidSince = failure.invalid ? (previous.invalidSince ?? now.toISOString()) : previous.invalidSince;
  const retryAfterMs = failure.retryAfterSeconds !== undefined ? Math.min(failure.retryAfterSeconds * 1000, policy.maxRetryAfterMs) : 0;
  const waitMs = Math.max(backoffMs(failures, policy), retryAfterMs);
  const base = { consecutiveFailures: failures, invalidSince };

  if (previous.health === 'disabled') {
    // A probe of a disabled feed failed: it stays disabled and is probed again later.
    return { state: { ...previous, ...base, nextAttemptAt: at(now, Math.max(policy.disabledProbeMs, retryAfterMs)) } };
  }
  const invalidForMs = invalidSince ? now.getTime() - Date.parse(invalidSince) : 0;
  const disableBecause =
    failures >= policy.disableAfter
      ? `${failures} failures in a row`
      : invalidSince && invalidForMs >= policy.disableInvalidAfterMs
        ? `nothing readable for ${formatDuration(invalidForMs)}`
        : undefined;
  if (disableBecause) {
    const reason = `disabled after ${disableBecause}; last: ${failure.message}`;
    return {
      state: { ...base, health: 'disabled', healthReason: reason, nextAttemptAt: at(now, Math.max(policy.disabledProbeMs, retryAfterMs)) },
      transition: { from: previous.health, to: 'disabled', change: 'disabled', reason },
    };
  }
  const failing = failures >= policy.failingAfter;
  const health: FeedHealth = failing ? 'failing' : previous.health;
  const reason = failing ? failure.message : previous.healthReason;
  const state: HealthState = { ...base, health, healthReason: reason, nextAttemptAt: at(now, waitMs) };
  if (failing && previous.health !== 'failing') {
    return { state, transition: { from: previous.health, to: 'failing', change: 'failing', reason: failure.message } };
  }
  const left = policy.disableAfter - failures;
  if (failing && policy.warnBeforeDisable > 0 && left === policy.warnBeforeDisable && failures > policy.failingAfter) {
    const reason = `will be disabled after ${left} more failure${left === 1 ? '' : 's'} in a row (next try in ${formatDuration(waitMs)}); last: ${failure.message}`;
    return { state, transition: { from: 'failing', to: 'failing', change: 'disabling-soon', reason } };
  }
  return { state };
}

export function afterSuccess(previous: HealthState, now: Date, maxAgeSeconds: number | undefined, policy: HealthPolicy = DEFAULT_HEALTH_POLICY): HealthUpdate {
  const cacheMs = maxAgeSeconds !== undefined && maxAgeSeconds > 0 ? Math.min(maxAgeSeconds * 1000, policy.maxCacheAgeMs) : 0;
  const state: HealthState = {
    health: 'healthy',
    healthReason: null,
    consecutiveFailures: 0,
    invalidSince: null,
    nextAttemptAt: cacheMs > 0 ? at(now, cacheMs) : null,
  };
  if (previous.health === 'healthy') return { state };
  const after = previous.consecutiveFailures > 0 ? ` after ${previous.consecutiveFailures} failure${previous.consecutiveFailures === 1 ? '' : 's'}` : '';
  return { state, transition: { from: previous.health, to: 'healthy', change: 'recovered', reason: `read successfully again${after}` } };
}

/** An operator re-enables a feed by hand: healthy, no backoff, to be polled at its next slot. */
export function reenabled(previous: HealthState, actor = 'an operator'): HealthUpdate {
  const state: HealthState = { health: 'healthy', healthReason: null, consecutiveFailures: 0, invalidSince: null, nextAttemptAt: null };
  if (previous.health === 'healthy') return { state };
  const was = previous.healthReason ? ` (was ${previous.health}: ${previous.healthReason})` : ` (was ${previous.health})`;
  return { state, transition: { from: previous.health, to: 'healthy', change: 'recovered', reason: `re-enabled by ${actor}${was}` } };
}

/**
 * Whether a feed may be polled now: backoff, Retry-After, the publisher's cache and a disabled feed's
 * probe time are always honoured; the feed's own interval unless `respectInterval` is false.
 */
export function isDue(
  state: HealthState & { lastAttemptAt: string | null },
  everyMs: number,
  now: Date,
  respectInterval = true,
): { due: true } | { due: false; until: string; why: string } {
  // Cron ticks and clocks wobble: a poll a few seconds early is on time.
  const slack = Math.min(30_000, everyMs / 10);
  const t = now.getTime() + slack;
  if (state.nextAttemptAt && Date.parse(state.nextAttemptAt) > t) {
    const why =
      state.health === 'disabled' ? 'disabled; next probe' : state.consecutiveFailures > 0 ? 'backing off after a failure' : 'the publisher’s cache is fresh';
    return { due: false, until: state.nextAttemptAt, why };
  }
  if (respectInterval && state.lastAttemptAt && Date.parse(state.lastAttemptAt) + everyMs > t) {
    return { due: false, until: new Date(Date.parse(state.lastAttemptAt) + everyMs).toISOString(), why: 'polled less than an interval ago' };
  }
  return { due: true };
}

function at(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(ms / HOUR);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
