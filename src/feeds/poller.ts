// The polling pipeline: feed → item → match → event, into the durable outbox. This file is the
// orchestration; each step is a module a newcomer can read whole:
//  - claiming: a feed is never polled twice at once, in this process (inFlight) or another (the store's
//    lease, taken here under the process's identity, which the poll's last write records as the feed's
//    last poller), and only when due (health.ts: interval, backoff, the publisher's cache);
//  - read-feed.ts: a conditional GET with the validators of the last good body (a 304, or a body whose
//    hash is unchanged, is a success and nothing is parsed); the body parsed by its kind's monitor;
//  - process-items.ts: in ONE transaction per feed, items identified (item-identity.ts: new, updated by
//    the monitor's rule, or seen before; nothing is posted on a feed's first fetch), judged
//    (judge-item.ts: evidence, proposals, updates as typed events), and the feed's state and health;
//  - item-lookups.ts: whole texts and change notes for items about to be judged, before that transaction;
//  - pending-changes.ts: automatic status changes applied through the register store after it commits;
//  - deadlines.ts: once per cycle, commitments that became overdue get one `overdue` event each.
// Every event has a dedupe key (src/event-kinds.ts), so a crash at any point neither loses nor repeats one.
import pLimit from 'p-limit';
import { monitorFor, recogniseKind } from '../../monitors/index.ts';
import { silentLogger } from '../log.ts';
import { newProcessId } from '../process-identity.ts';
import type { CommitmentRow } from '../store/register-store.ts';
import { recordPassedDeadlines } from './deadlines.ts';
import type { FeedSpec } from './feed-list.ts';
import { DEFAULT_HEALTH_POLICY, isDue } from './health.ts';
import { defaultMatchEngine } from './match-engine.ts';
import { PendingChanges } from './pending-changes.ts';
import {
  emptyReport,
  errorReport,
  HookFailure,
  type CycleContext,
  type CycleReport,
  type FeedReport,
  type PollerDeps,
  type PollHooks,
  type PollOptions,
  type PollSteps,
} from './poll-types.ts';
import { readFeed } from './read-feed.ts';

// The Poller's own types, for its callers.
export type { CycleReport, FeedReport, PollerDeps, PollOptions } from './poll-types.ts';

const MINUTE = 60_000;

export class Poller {
  private readonly owner: string;
  private readonly inFlight = new Set<string>();
  private readonly pending: PendingChanges;
  private readonly steps: PollSteps;

  constructor(private readonly deps: PollerDeps) {
    const logger = deps.logger ?? silentLogger;
    this.owner = deps.owner ?? newProcessId();
    this.pending = new PendingChanges(deps.feedStore, deps.registerStore, deps.clock, logger);
    this.steps = {
      deps,
      owner: this.owner,
      policy: { ...DEFAULT_HEALTH_POLICY, ...deps.health },
      monitors: deps.monitors ?? { monitorFor, recogniseKind },
      logger,
      hook: (name, feedId) => this.hook(name, feedId),
      queuedChange: () => void (this.pending.needed = true),
      applyQueuedChanges: () => (this.pending.needed ? this.pending.apply() : Promise.resolve([])),
    };
  }

  /** True while a poll of this feed is running in this process. */
  isPolling(feedId: string): boolean {
    return this.inFlight.has(feedId);
  }

  /** Polls every feed of the list once (those due, unless forced), then checks deadlines. */
  async pollOnce(feeds: readonly FeedSpec[], options: PollOptions = {}): Promise<CycleReport> {
    const startedAt = this.deps.clock.now().toISOString();
    await this.deps.feedStore.syncFeeds(feeds);
    const eventIds: number[] = [];
    eventIds.push(...(await this.applyPendingChanges()));
    const reports = await this.pollFeeds(feeds, options);
    for (const r of reports) eventIds.push(...r.eventIds);
    eventIds.push(...(await this.checkDeadlines()));
    return {
      startedAt,
      finishedAt: this.deps.clock.now().toISOString(),
      feeds: reports,
      eventIds: [...new Set(eventIds)].sort((a, b) => a - b),
      parsedBodies: reports.filter((r) => r.parsed).length,
    };
  }

  /**
   * Polls some feeds (those due, unless forced) at once, each on its own: a slow or failing feed delays no
   * other. The feeds must be in the store (syncFeeds). The scheduler's entry point; no deadline check.
   */
  async pollFeeds(feeds: readonly FeedSpec[], options: PollOptions = {}): Promise<FeedReport[]> {
    if (feeds.length === 0) return [];
    // Reserved at once, before any await: a feed is "being polled" from the moment it is asked for.
    const reserved = new Set<string>();
    for (const feed of feeds) {
      if (!this.inFlight.has(feed.id)) {
        this.inFlight.add(feed.id);
        reserved.add(feed.id);
      }
    }
    let ctx: CycleContext;
    try {
      ctx = await this.context();
    } catch (error) {
      for (const id of reserved) this.inFlight.delete(id);
      throw error;
    }
    const limit = pLimit(this.deps.concurrency ?? 32);
    const settled = await Promise.allSettled(
      feeds.map((feed) => {
        if (!reserved.has(feed.id)) return Promise.resolve({ ...emptyReport(feed.id), reason: 'already being polled' });
        reserved.delete(feed.id); // a feed listed twice is polled once
        return limit(() => this.pollFeedIn(ctx, feed, options)).finally(() => this.inFlight.delete(feed.id));
      }),
    );
    const reports: FeedReport[] = [];
    let crash: unknown;
    for (const [i, s] of settled.entries()) {
      if (s.status === 'fulfilled') reports.push(s.value);
      else if (s.reason instanceof HookFailure) crash ??= s.reason.original;
      else reports.push(errorReport(feeds[i]!.id, s.reason));
    }
    // A hook's own error, as it was thrown (the tests' crashes are whatever they throw).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (crash !== undefined) throw crash;
    return reports;
  }

  /**
   * Applies queued automatic status changes through the register store (which records the status-change
   * event). Runs after each feed that queued one and at the start of a cycle (after a crash). Serialised.
   */
  applyPendingChanges(): Promise<number[]> {
    return this.pending.apply();
  }

  /** One `overdue` event per commitment whose deadline has passed (and a deadline-passed rule's proposal). */
  async checkDeadlines(): Promise<number[]> {
    const { eventIds, queued } = await recordPassedDeadlines(this.deps.feedStore, await this.allCommitments(), this.deps.clock, this.deps.timeZone);
    if (queued || this.pending.needed) eventIds.push(...(await this.pending.apply()));
    return eventIds;
  }

  private async context(): Promise<CycleContext> {
    const commitments = await this.allCommitments();
    const engine = (this.deps.matchEngine ?? defaultMatchEngine)(commitments);
    return { commitments: new Map(commitments.map((c) => [c.id, c])), engine, aborted: false };
  }

  private async allCommitments(): Promise<CommitmentRow[]> {
    return (await this.deps.registerStore.listCommitments({}, { offset: 0, limit: 1_000_000 })).items;
  }

  /** Claims the feed (or says who holds it), checks it is due, and reads it; the claim ends with the read's last write. */
  private async pollFeedIn(ctx: CycleContext, feed: FeedSpec, options: PollOptions): Promise<FeedReport> {
    const { feedStore } = this.deps;
    const report = emptyReport(feed.id);
    if (ctx.aborted) return { ...report, reason: 'the cycle stopped' };
    const now = this.deps.clock.now();
    const leaseUntil = new Date(now.getTime() + (this.deps.leaseMs ?? 5 * MINUTE)).toISOString();
    // Claiming returns the feed's state: one write decides both "is anyone polling it" and "where is it".
    const state = await feedStore.claim(feed.id, this.owner, now.toISOString(), leaseUntil);
    if (!state) {
      const exists = await feedStore.getFeed(feed.id);
      return { ...report, health: exists?.health, reason: exists ? 'being polled by another process' : 'not in the store (syncFeeds first)' };
    }
    if (!options.force) {
      const due = isDue(state, feed.everyMs, now, options.respectInterval ?? true);
      if (!due.due) {
        await feedStore.release(feed.id, this.owner);
        return { ...report, health: state.health, reason: `not due: ${due.why} until ${due.until}` };
      }
    }
    try {
      // Every path through here ends with a write that also releases the claim (releaseLease).
      return await readFeed(this.steps, ctx, feed, state, now);
    } catch (error) {
      await feedStore.release(feed.id, this.owner).catch(() => undefined);
      if (error instanceof HookFailure) {
        ctx.aborted = true;
        throw error;
      }
      this.steps.logger.error({ err: error, feed: feed.id }, 'feed poll failed unexpectedly');
      return errorReport(feed.id, error);
    }
  }

  private async hook(name: keyof PollHooks, feedId: string): Promise<void> {
    try {
      await this.deps.hooks?.[name]?.(feedId);
    } catch (error) {
      throw new HookFailure(error);
    }
  }
}
