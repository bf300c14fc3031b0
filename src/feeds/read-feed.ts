// Reading one claimed feed: ask its source (a conditional GET, with the date window its monitor adds),
// then either record what the answer says about the feed's health — a failure, a 304, an unchanged body —
// or parse the body with the monitor of its kind (configured, or recognised from the first body) and hand
// the items on (process-items.ts). Every path ends with one write that also releases the feed's lease.
import type { FeedKind } from '../domain.ts';
import type { ParsedFeed } from '../feed-types.ts';
import type { Result } from '../result.ts';
import type { FeedSpec } from './feed-list.ts';
import type { FeedState } from './feed-store.ts';
import { afterFailure, afterSuccess, type Failure } from './health.ts';
import { healthPatch, recordHealthEvent } from './health-events.ts';
import type { CycleContext, FeedReport, PollSteps } from './poll-types.ts';
import { emptyReport } from './poll-types.ts';
import { processItems } from './process-items.ts';

/** The URL to request: the monitor's (a JSON API adds a date window), or the feed's own. */
function requestUrlOf(steps: PollSteps, feed: FeedSpec, kind: FeedKind | undefined, now: Date): string {
  if (!kind) return feed.url;
  try {
    return steps.monitors.monitorFor(kind).requestUrl?.(feed.url, now) ?? feed.url;
  } catch {
    return feed.url;
  }
}

export async function readFeed(steps: PollSteps, ctx: CycleContext, feed: FeedSpec, state: FeedState, now: Date): Promise<FeedReport> {
  const report = emptyReport(feed.id);
  const knownKind = feed.kind ?? state.detectedKind ?? undefined;
  const outcome = await steps.deps.fetcher.fetch(requestUrlOf(steps, feed, knownKind, now), state.validators);

  if (outcome.kind === 'failed') {
    return recordFailure(steps, feed, state, now, { invalid: false, message: outcome.message, retryAfterSeconds: outcome.retryAfterSeconds }, report, 'failed');
  }
  if (outcome.kind === 'not-modified' || (outcome.unchanged && state.firstFetchDone)) {
    const health = afterSuccess(state, now, outcome.maxAgeSeconds, steps.policy);
    const validators = outcome.validators;
    const eventIds = await steps.deps.feedStore.transaction(async (tx) => {
      await tx.updateFeed(feed.id, {
        lastAttemptAt: now.toISOString(),
        lastSuccessAt: now.toISOString(),
        validators,
        lastError: null,
        ...healthPatch(health, now),
        releaseLease: true,
        polledBy: steps.owner,
      });
      const ids = await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now);
      await steps.hook('beforeCommit', feed.id);
      return ids;
    });
    await steps.hook('afterFeed', feed.id);
    return { ...report, outcome: outcome.kind === 'not-modified' ? 'not-modified' : 'unchanged', health: health.state.health, kind: knownKind, eventIds };
  }

  const kind = knownKind ?? steps.monitors.recogniseKind(outcome.body, outcome.contentType, outcome.finalUrl);
  let parsed: Result<ParsedFeed>;
  try {
    parsed = await steps.monitors.monitorFor(kind).parse(outcome.body, outcome.finalUrl);
  } catch (error) {
    parsed = { ok: false, error: `the ${kind} reader failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  report.parsed = true;
  report.kind = kind;
  if (!parsed.ok) {
    return recordFailure(steps, feed, state, now, { invalid: true, message: `${outcome.finalUrl}: ${parsed.error}` }, report, 'invalid');
  }
  const fetched = { validators: outcome.validators, maxAgeSeconds: outcome.maxAgeSeconds };
  return processItems(steps, ctx, { feed, state, kind, parsed: parsed.value, fetched, now }, report);
}

async function recordFailure(
  steps: PollSteps,
  feed: FeedSpec,
  state: FeedState,
  now: Date,
  failure: Failure,
  report: FeedReport,
  outcome: 'failed' | 'invalid',
): Promise<FeedReport> {
  const health = afterFailure(state, failure, now, steps.policy);
  steps.logger.warn({ feed: feed.id, failures: health.state.consecutiveFailures, health: health.state.health }, failure.message);
  const eventIds = await steps.deps.feedStore.transaction(async (tx) => {
    await tx.updateFeed(feed.id, {
      lastAttemptAt: now.toISOString(),
      lastError: failure.message,
      ...healthPatch(health, now),
      releaseLease: true,
      polledBy: steps.owner,
    });
    const ids = await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now);
    await steps.hook('beforeCommit', feed.id);
    return ids;
  });
  await steps.hook('afterFeed', feed.id);
  return { ...report, outcome, reason: failure.message, health: health.state.health, eventIds };
}
