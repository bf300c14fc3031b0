// The polling pipeline: feed → item → match → event, into the durable outbox.
//
// For each feed (bounded concurrency; a feed is never polled twice at once, in this process or another):
//  1. a conditional GET with the validators of the last good body; a 304, or a body whose hash is
//     unchanged, is a success and nothing is parsed;
//  2. the body is parsed by the monitor of the feed's kind (configured, or recognised from the first body);
//  3. on a feed's FIRST successful fetch every item is recorded and nothing is posted (MonitoRSS's rule:
//     the bot reports what appears after it starts watching);
//  4. afterwards an item is NEW when neither its key nor its link was seen in this feed before — so
//     re-ordered feeds, items that drop out and come back, changed GOV.UK entry ids and missing guids
//     never produce a second event (a monitor whose items share links, like a bill's sittings, says
//     sameLinkSameItem: false and is identified by key alone) — and UPDATED when its monitor says so
//     (updateOf: a GOV.UK page re-timestamped, a bill at another stage, a written answer corrected);
//  5. new and updated items whose source cuts their text get it whole from their own endpoint
//     (full-text.ts), outside the transaction; then they are matched against every commitment; each
//     accepted match adds an evidence row and an `evidence` event; each proposal a `status-proposal`
//     event (forward only: proposals.ts); an `item-updated` event reports an update of an item that
//     matches a commitment; automatic proposals are queued and applied through the register store right
//     after (it records its own `status-change` event), unless that would move the commitment backwards.
// Everything one feed's poll decides — its state, items, traces, evidence, events, queued changes —
// commits in ONE transaction, and every event has a dedupe key, so a crash at any point neither loses
// nor repeats an event. Once per cycle, commitments that became overdue get one `overdue` event each.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import { monitorFor, recogniseKind } from '../../monitors/index.ts';
import { todayIn, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { FeedKind, Status } from '../domain.ts';
import {
  deadlineProposalEvent,
  evidenceEvent,
  evidenceKey,
  itemProposalEvent,
  itemUpdatedEvent,
  overdueEvent,
  statusChangeKey,
  type NewEvent,
} from '../event-kinds.ts';
import { silentLogger, type Logger } from '../log.ts';
import { Matcher, type MatchResult } from '../match/matcher.ts';
import { movesForward, overdueCommitments, proposeStatuses, type Proposal } from '../match/proposals.ts';
import { DomainError } from '../store/errors.ts';
import type { CommitmentRow, RegisterStore } from '../store/register-store.ts';
import type { FeedSpec } from './feed-list.ts';
import type { FeedState, FeedStore, FeedTransaction, NewTrace, StoredItem } from './feed-store.ts';
import { createFetcher, type Fetcher, type FetchOptions } from './fetch.ts';
import { afterFailure, afterSuccess, DEFAULT_HEALTH_POLICY, isDue, type Failure, type FeedHealth, type HealthPolicy } from './health.ts';
import { healthPatch, recordHealthEvent, recordWarningEvent } from './health-events.ts';
import type { ChangeNoteSource } from './change-notes.ts';
import { addFullTexts, boundedLookups, FULL_TEXT_LIMITS, matchView, textNote, type LookupLimits } from './full-text.ts';
import type { FeedItem, Monitor, ParsedFeed } from '../feed-types.ts';

export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** "commitment-watch/0.1.0 (+mailto:ops@example.org)": who we are and how a publisher reaches the operator. */
export function userAgent(contact: string | undefined): string {
  return contact ? `commitment-watch/${VERSION} (+${contact})` : `commitment-watch/${VERSION}`;
}

/** The fetcher the bot and the CLI use, configured from the environment. */
export function feedFetcher(config: Config, overrides: Partial<FetchOptions> = {}): Fetcher {
  return createFetcher({
    userAgent: userAgent(config.botContact),
    allowPrivateNetworks: config.allowPrivateFeedAddresses,
    ...overrides,
  });
}

/** How items are judged; the default is the matcher and the proposal rules of src/match. */
export interface MatchEngine {
  readonly threshold: number;
  match(item: FeedItem, kind: FeedKind): MatchResult[];
  propose(item: FeedItem, kind: FeedKind, commitment: CommitmentRow, match: MatchResult): Proposal[];
}
export type MatchEngineFactory = (commitments: CommitmentRow[]) => MatchEngine;

export const defaultMatchEngine: MatchEngineFactory = (commitments) => {
  const matcher = new Matcher(commitments);
  // An item whose whole text was read (full-text.ts) is matched on it rather than on the list's cut text.
  return { threshold: matcher.threshold, match: (item, kind) => matcher.match(matchView(item), kind), propose: proposeStatuses };
};

export interface Monitors {
  monitorFor(kind: FeedKind): Monitor;
  recogniseKind(body: string, contentType: string | undefined, url: string): FeedKind;
}
const defaultMonitors: Monitors = { monitorFor, recogniseKind };

/** Test seams. A hook that throws stops the cycle like a crash would (pollOnce rejects with its error). */
export interface PollHooks {
  /** Inside a feed's transaction, after everything is written, before it commits. */
  beforeCommit?(feedId: string): void | Promise<void>;
  /** After a feed's transaction committed. */
  afterFeed?(feedId: string): void | Promise<void>;
}

export interface PollerDeps {
  feedStore: FeedStore;
  registerStore: RegisterStore;
  fetcher: Pick<Fetcher, 'fetch'>;
  clock: Clock;
  /** Deadlines fall at midnight here. */
  timeZone: string;
  monitors?: Monitors;
  matchEngine?: MatchEngineFactory;
  health?: Partial<HealthPolicy>;
  /** Feeds in progress at once (the fetcher also limits requests overall and per host). Default 32. */
  concurrency?: number;
  /** How long a poll holds a feed against other processes; longer than any fetch. Default 5 min. */
  leaseMs?: number;
  logger?: Logger;
  hooks?: PollHooks;
  /** Where the change note of an updated page comes from (GOV.UK's content API); none: events without notes. */
  changeNotes?: ChangeNoteSource;
  /** Change notes looked up per feed per poll, at most (the rest are reported without). Default 5. */
  maxChangeNotes?: number;
  /** How long one feed waits for its change notes before reporting without them. Default 30 s. */
  changeNotesBudgetMs?: number;
  /** Whole texts read from items' own endpoints per feed per poll, and the time allowed (full-text.ts). */
  fullTexts?: Partial<LookupLimits>;
}

export type FeedOutcome = 'skipped' | 'not-modified' | 'unchanged' | 'parsed' | 'failed' | 'invalid' | 'error';

export interface FeedReport {
  feedId: string;
  outcome: FeedOutcome;
  /** Why skipped, failed, invalid or errored. */
  reason?: string;
  /** True when a body was parsed. */
  parsed: boolean;
  kind?: FeedKind;
  items: number;
  newItems: number;
  updatedItems: number;
  firstFetch: boolean;
  warnings: string[];
  health?: FeedHealth;
  eventIds: number[];
}

export interface CycleReport {
  startedAt: string;
  finishedAt: string;
  feeds: FeedReport[];
  /** Every event this cycle recorded, oldest first (including status changes applied by rules). */
  eventIds: number[];
  parsedBodies: number;
}

export interface PollOptions {
  /** Poll even when a feed is not due (interval, backoff, cache) or disabled. */
  force?: boolean;
  /**
   * False: poll a feed before its interval has passed (`poll --once` run by hand or by cron), still
   * honouring backoff, Retry-After, the publisher's cache (GOV.UK: 5 min) and disabled feeds. Default true.
   */
  respectInterval?: boolean;
}

/** Per-cycle snapshot of the register and the engine built from it. */
interface CycleContext {
  commitments: Map<string, CommitmentRow>;
  engine: MatchEngine;
  aborted: boolean;
}

class HookFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

const MINUTE = 60_000;

export class Poller {
  private readonly feedStore: FeedStore;
  private readonly registerStore: RegisterStore;
  private readonly policy: HealthPolicy;
  private readonly monitors: Monitors;
  private readonly engineFactory: MatchEngineFactory;
  private readonly logger: Logger;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<string>();
  private applying: Promise<number[]> | undefined;

  constructor(private readonly deps: PollerDeps) {
    this.feedStore = deps.feedStore;
    this.registerStore = deps.registerStore;
    this.policy = { ...DEFAULT_HEALTH_POLICY, ...deps.health };
    this.monitors = deps.monitors ?? defaultMonitors;
    this.engineFactory = deps.matchEngine ?? defaultMatchEngine;
    this.logger = deps.logger ?? silentLogger;
  }

  /** True while a poll of this feed is running in this process. */
  isPolling(feedId: string): boolean {
    return this.inFlight.has(feedId);
  }

  /** Polls every feed of the list once (those due, unless forced), then checks deadlines. */
  async pollOnce(feeds: readonly FeedSpec[], options: PollOptions = {}): Promise<CycleReport> {
    const startedAt = this.deps.clock.now().toISOString();
    await this.feedStore.syncFeeds(feeds);
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
    if (crash !== undefined) throw crash;
    return reports;
  }

  private async context(): Promise<CycleContext> {
    const commitments = await this.allCommitments();
    return { commitments: new Map(commitments.map((c) => [c.id, c])), engine: this.engineFactory(commitments), aborted: false };
  }

  private async allCommitments(): Promise<CommitmentRow[]> {
    return (await this.registerStore.listCommitments({}, { offset: 0, limit: 1_000_000 })).items;
  }

  private async pollFeedIn(ctx: CycleContext, feed: FeedSpec, options: PollOptions): Promise<FeedReport> {
    const report = emptyReport(feed.id);
    if (ctx.aborted) return { ...report, reason: 'the cycle stopped' };
    const now = this.deps.clock.now();
    const leaseUntil = new Date(now.getTime() + (this.deps.leaseMs ?? 5 * MINUTE)).toISOString();
    // Claiming returns the feed's state: one write decides both "is anyone polling it" and "where is it".
    const state = await this.feedStore.claim(feed.id, this.owner, now.toISOString(), leaseUntil);
    if (!state) {
      const exists = await this.feedStore.getFeed(feed.id);
      return { ...report, health: exists?.health, reason: exists ? 'being polled by another process' : 'not in the store (syncFeeds first)' };
    }
    if (!options.force) {
      const due = isDue(state, feed.everyMs, now, options.respectInterval ?? true);
      if (!due.due) {
        await this.feedStore.release(feed.id, this.owner);
        return { ...report, health: state.health, reason: `not due: ${due.why} until ${due.until}` };
      }
    }
    try {
      // Every path through here ends with a write that also releases the claim (releaseLease).
      return await this.fetchAndProcess(ctx, feed, state, now);
    } catch (error) {
      await this.feedStore.release(feed.id, this.owner).catch(() => undefined);
      if (error instanceof HookFailure) {
        ctx.aborted = true;
        throw error;
      }
      this.logger.error({ err: error, feed: feed.id }, 'feed poll failed unexpectedly');
      return errorReport(feed.id, error);
    }
  }

  private async fetchAndProcess(ctx: CycleContext, feed: FeedSpec, state: FeedState, now: Date): Promise<FeedReport> {
    const report = emptyReport(feed.id);
    const knownKind = feed.kind ?? state.detectedKind ?? undefined;
    let requestUrl = feed.url;
    if (knownKind) {
      try {
        requestUrl = this.monitors.monitorFor(knownKind).requestUrl?.(feed.url, now) ?? feed.url;
      } catch {
        requestUrl = feed.url;
      }
    }
    const outcome = await this.deps.fetcher.fetch(requestUrl, state.validators);
    const attempt = { lastAttemptAt: now.toISOString() };

    if (outcome.kind === 'failed') {
      return this.recordFailure(feed, state, now, { invalid: false, message: outcome.message, retryAfterSeconds: outcome.retryAfterSeconds }, report, 'failed');
    }
    if (outcome.kind === 'not-modified' || (outcome.unchanged && state.firstFetchDone)) {
      const health = afterSuccess(state, now, outcome.maxAgeSeconds, this.policy);
      const validators = outcome.validators;
      const eventIds = await this.feedStore.transaction(async (tx) => {
        await tx.updateFeed(feed.id, { ...attempt, lastSuccessAt: now.toISOString(), validators, lastError: null, ...healthPatch(health, now), releaseLease: true });
        const ids = await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now);
        await this.hook('beforeCommit', feed.id);
        return ids;
      });
      await this.hook('afterFeed', feed.id);
      return { ...report, outcome: outcome.kind === 'not-modified' ? 'not-modified' : 'unchanged', health: health.state.health, kind: knownKind, eventIds };
    }

    const kind = knownKind ?? this.monitors.recogniseKind(outcome.body, outcome.contentType, outcome.finalUrl);
    let parsed: Awaited<ReturnType<Monitor['parse']>>;
    try {
      parsed = await this.monitors.monitorFor(kind).parse(outcome.body, outcome.finalUrl);
    } catch (error) {
      parsed = { ok: false, error: `the ${kind} reader failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    report.parsed = true;
    report.kind = kind;
    if (!parsed.ok) {
      return this.recordFailure(feed, state, now, { invalid: true, message: `${outcome.finalUrl}: ${parsed.error}` }, report, 'invalid');
    }
    return this.processItems(ctx, feed, state, kind, parsed.value, { validators: outcome.validators, maxAgeSeconds: outcome.maxAgeSeconds }, now, report);
  }

  private async recordFailure(
    feed: FeedSpec,
    state: FeedState,
    now: Date,
    failure: Failure,
    report: FeedReport,
    outcome: 'failed' | 'invalid',
  ): Promise<FeedReport> {
    const health = afterFailure(state, failure, now, this.policy);
    this.logger.warn({ feed: feed.id, failures: health.state.consecutiveFailures, health: health.state.health }, failure.message);
    const eventIds = await this.feedStore.transaction(async (tx) => {
      await tx.updateFeed(feed.id, { lastAttemptAt: now.toISOString(), lastError: failure.message, ...healthPatch(health, now), releaseLease: true });
      const ids = await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now);
      await this.hook('beforeCommit', feed.id);
      return ids;
    });
    await this.hook('afterFeed', feed.id);
    return { ...report, outcome, reason: failure.message, health: health.state.health, eventIds };
  }

  private async processItems(
    ctx: CycleContext,
    feed: FeedSpec,
    state: FeedState,
    kind: FeedKind,
    parsed: ParsedFeed,
    fetched: { validators: FeedState['validators']; maxAgeSeconds?: number | undefined },
    now: Date,
    report: FeedReport,
  ): Promise<FeedReport> {
    const at = now.toISOString();
    const health = afterSuccess(state, now, fetched.maxAgeSeconds, this.policy);
    const items = oldestFirst(parsed.items);
    const firstFetch = !state.firstFetchDone;
    const monitor = this.monitors.monitorFor(kind);
    if (!firstFetch) {
      await this.addFullTexts(feed, monitor, items);
      await this.addChangeNotes(ctx, feed, monitor, items);
    }
    const counts = { newItems: 0, updatedItems: 0 };

    const eventIds = await this.feedStore.transaction(async (tx) => {
      const ids: number[] = [];
      // Items and traces are written together at the end (a few statements per feed, not a few per item).
      const newRows: StoredItem[] = [];
      const traces: NewTrace[] = [];
      const known = await tx.knownItems(
        feed.id,
        items.map((i) => i.key),
        items.map((i) => i.link),
      );
      const byKey = new Map(known.map((k) => [k.key, k]));
      const byLink = new Map<string, StoredItem>();
      const linkIdentifies = monitor.sameLinkSameItem !== false;
      if (linkIdentifies) for (const k of known) if (!byLink.has(k.link)) byLink.set(k.link, k);
      const seenAgain: string[] = [];
      const handled = new Set<string>();

      for (const item of items) {
        if (handled.has(item.key)) continue;
        handled.add(item.key);
        const sameKey = byKey.get(item.key);
        const sameLink = sameKey ? undefined : byLink.get(item.link);
        const previous = sameKey ?? sameLink;
        const trace = (t: Omit<NewTrace, 'feedId' | 'itemKey' | 'link' | 'at'>) =>
          void traces.push({ feedId: feed.id, itemKey: item.key, link: item.link, at, ...t });

        if (!previous) {
          const stored = toStored(feed.id, item, at);
          newRows.push(stored);
          byKey.set(item.key, stored);
          if (linkIdentifies) byLink.set(item.link, stored);
          if (firstFetch) {
            trace({
              stage: 'identity',
              decision: 'first-fetch',
              detail: 'seen on the first fetch of the feed: recorded, nothing posted (only what appears later is reported)',
            });
            await this.judge(tx, traces, ctx, feed, kind, item, 'first-fetch', undefined, ids);
          } else {
            counts.newItems++;
            trace({ stage: 'identity', decision: 'new', detail: 'not seen in this feed before' });
            await this.judge(tx, traces, ctx, feed, kind, item, 'new', undefined, ids);
          }
          continue;
        }

        const version = updateMarker(monitor, previous, item);
        const fingerprint = fingerprintOf(item);
        if (sameLink) {
          // Same page under another key (a changed entry id, a guid that appeared or vanished): one item.
          // Its row under the new key is written as the item reads now.
          const alias = { ...toStored(feed.id, item, at), firstSeenAt: sameLink.firstSeenAt };
          newRows.push(alias);
          byKey.set(item.key, alias);
          trace({
            stage: 'identity',
            decision: 'duplicate',
            detail: `same link as item ${JSON.stringify(sameLink.key)} first seen ${sameLink.firstSeenAt}: not a new item`,
          });
        }
        if (version) {
          counts.updatedItems++;
          if (!sameLink) {
            await tx.updateItem(feed.id, item.key, {
              link: item.link,
              title: item.title,
              published: item.published ?? null,
              updated: item.updated ?? null,
              stage: item.billStage ?? null,
              fingerprint,
            });
            seenAgain.push(item.key);
          }
          trace({
            stage: 'identity',
            decision: 'update',
            detail:
              item.billStage && item.billStage !== previous.stage
                ? `stage changed from ${previous.stage ?? 'none'} to ${item.billStage}`
                : `updated ${previous.updated ?? '(none)'} → ${item.updated ?? '(none)'}`,
          });
          await this.judge(tx, traces, ctx, feed, kind, item, 'update', { previousUpdated: previous.updated, version }, ids);
        } else {
          if (!sameLink) seenAgain.push(item.key);
          if (fingerprint !== previous.fingerprint && !sameLink) {
            await tx.updateItem(feed.id, item.key, { title: item.title, fingerprint, stage: item.billStage ?? previous.stage });
            trace({ stage: 'identity', decision: 'edited', detail: 'the text changed without a later date: recorded, not reported as an update' });
          }
        }
      }
      await tx.insertItems(newRows);
      await tx.addTraces(traces);
      await tx.touchItems(feed.id, seenAgain, at);

      const warnings = parsed.warnings;
      await tx.updateFeed(feed.id, {
        lastAttemptAt: at,
        lastSuccessAt: at,
        lastError: null,
        validators: fetched.validators,
        detectedKind: feed.kind ? null : kind,
        firstFetchDone: true,
        itemCount: items.length,
        lastWarnings: warnings,
        ...healthPatch(health, now),
        releaseLease: true,
      });
      ids.push(...(await recordHealthEvent(tx, feed, state.consecutiveFailures, health, now)));
      ids.push(...(await recordWarningEvent(tx, feed, health.state.health, warnings, now)));
      await this.hook('beforeCommit', feed.id);
      return ids;
    });
    await this.hook('afterFeed', feed.id);
    if (this.applyNeeded) eventIds.push(...(await this.applyPendingChanges()));
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

  private applyNeeded = false;

  /** The whole text of each item about to be judged whose source cuts it (full-text.ts), outside the transaction. */
  private async addFullTexts(feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<void> {
    if (!monitor.readDetail || !items.some((i) => i.detailUrl !== undefined)) return;
    const judged = await this.aboutToBeJudged(
      feed,
      monitor,
      items.filter((i) => i.detailUrl !== undefined),
    );
    // Newest first: if there are more than the cap, the latest items are read whole.
    await addFullTexts([...judged].reverse(), monitor, this.deps.fetcher, { ...FULL_TEXT_LIMITS, ...this.deps.fullTexts });
  }

  /** Of these items, those new to the feed or updated (by the monitor's updateOf): those about to be judged. */
  private async aboutToBeJudged(feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<FeedItem[]> {
    if (items.length === 0) return [];
    const byLink = monitor.sameLinkSameItem !== false;
    const known = await this.feedStore.transaction((tx) =>
      tx.knownItems(
        feed.id,
        items.map((i) => i.key),
        byLink ? items.map((i) => i.link) : [],
      ),
    );
    const previousOf = (i: FeedItem) => known.find((k) => k.key === i.key) ?? (byLink ? known.find((k) => k.link === i.link) : undefined);
    return items.filter((i) => {
      const previous = previousOf(i);
      return !previous || updateMarker(monitor, previous, i) !== undefined;
    });
  }

  /**
   * Looks up the change note of each item that is about to be reported — new or updated, on a page the
   * source knows, and matched to a commitment — before the feed's transaction (no network inside it).
   */
  private async addChangeNotes(ctx: CycleContext, feed: FeedSpec, monitor: Monitor, items: FeedItem[]): Promise<void> {
    const source = this.deps.changeNotes;
    if (!source) return;
    const reported = items.filter((i) => source.covers(i.link) && ctx.engine.match(i, monitor.kind).some((r) => r.accepted && ctx.commitments.has(r.commitmentId)));
    const wanted = await this.aboutToBeJudged(feed, monitor, reported);
    // Newest first: if there are more than the cap, the latest changes get their notes. A slow content API
    // must not hold the feed (and its lease) for long: past the budget, the items go without notes.
    const limits = { max: this.deps.maxChangeNotes ?? 5, budgetMs: this.deps.changeNotesBudgetMs ?? 30_000 };
    await boundedLookups(wanted.reverse(), limits, async (item, isOpen) => {
      const note = await source.noteFor(item.link, item.updated);
      if (!isOpen()) return;
      if (note.ok) item.changeNote = note.value;
      else this.logger.warn({ feed: feed.id, item: item.link }, `no change note: ${note.error}`);
    });
  }

  /** Matches one item, writes its traces, and (unless first fetch) its evidence, proposals and events. */
  private async judge(
    tx: FeedTransaction,
    traces: NewTrace[],
    ctx: CycleContext,
    feed: FeedSpec,
    kind: FeedKind,
    item: FeedItem,
    mode: 'first-fetch' | 'new' | 'update',
    update: { previousUpdated: string | null; version: string } | undefined,
    ids: number[],
  ): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const base = { feedId: feed.id, itemKey: item.key, link: item.link, at };
    const text = mode === 'first-fetch' ? undefined : textNote(item);
    if (text) traces.push({ ...base, stage: 'text', ...text });
    const results = ctx.engine.match(item, kind);
    const accepted = results.filter((r) => r.accepted && ctx.commitments.has(r.commitmentId));
    if (results.length === 0) {
      traces.push({ ...base, stage: 'match', decision: 'not-matched', detail: 'no watch term or linked bill of any commitment appears in it' });
    }
    for (const r of results) {
      traces.push({ ...base, stage: 'match', decision: matchDecision(r), commitmentId: r.commitmentId, score: r.score, matched: r.matched, detail: r.reason });
    }
    if (mode === 'first-fetch') {
      if (accepted.length > 0) {
        traces.push({ ...base, stage: 'post', decision: 'not-posted', detail: 'first fetch of the feed: every current item is recorded and nothing is posted' });
      }
      return;
    }
    if (accepted.length === 0) {
      traces.push({ ...base, stage: 'post', decision: 'not-posted', detail: results.length ? 'no commitment accepted it' : 'it matches no commitment' });
      return;
    }
    const itemJson = {
      title: item.title,
      link: item.link,
      published: item.published ?? null,
      ...(item.updated ? { updated: item.updated } : {}),
      ...(item.changeNote ? { changeNote: item.changeNote.note, changeNoteAt: item.changeNote.at } : {}),
    };
    const post = async (event: NewEvent, what: string) => {
      const { type, commitmentId, dedupeKey } = event;
      const id = await tx.recordEvent(event);
      if (id !== undefined) {
        ids.push(id);
        traces.push({ ...base, stage: 'post', decision: 'posted', commitmentId, eventId: id, detail: `posted as event ${id} (${type}${what ? `: ${what}` : ''})` });
      } else {
        const existing = await tx.eventIdByKey(dedupeKey);
        traces.push({
          ...base,
          stage: 'post',
          decision: 'already-posted',
          commitmentId,
          eventId: existing,
          detail: `already posted as event ${existing ?? '?'} (${type}), not again`,
        });
      }
      return id;
    };

    const newlyMatched: string[] = [];
    for (const r of accepted) {
      const commitment = ctx.commitments.get(r.commitmentId)!;
      const about = { commitment, feedId: feed.id, item: itemJson, match: r, at };
      const added = await tx.addEvidence({
        commitmentId: r.commitmentId,
        url: item.link,
        title: item.title,
        published: item.published ?? item.updated ?? null,
        source: feed.id,
        score: r.score,
        matched: r.matched,
        foundAt: at,
      });
      if (added && mode === 'update') {
        // An update is reported once, by the item-updated event below, which names this commitment too.
        newlyMatched.push(r.commitmentId);
        traces.push({
          ...base,
          stage: 'post',
          decision: 'recorded',
          commitmentId: r.commitmentId,
          detail: 'recorded as evidence; reported by the item-updated event of this update',
        });
      } else if (added) {
        await post(evidenceEvent(about), r.commitmentId);
      } else {
        const existing = await tx.eventIdByKey(evidenceKey(r.commitmentId, item.link));
        traces.push({
          ...base,
          stage: 'post',
          decision: 'already-posted',
          commitmentId: r.commitmentId,
          eventId: existing,
          detail: existing
            ? `already posted as event ${existing} (evidence), not again`
            : 'already evidence of this commitment (from the seed or another feed): not posted again',
        });
      }
      let proposals: Proposal[] = [];
      try {
        proposals = ctx.engine.propose(item, kind, commitment, r);
      } catch (error) {
        this.logger.error({ err: error, feed: feed.id, item: item.link }, 'proposal rules failed');
      }
      for (const p of proposals) {
        traces.push({
          ...base,
          stage: 'proposal',
          decision: p.automatic ? 'automatic' : 'proposed',
          commitmentId: p.commitmentId,
          detail: `${commitment.status} → ${p.to} by rule ${p.rule}${p.automatic ? ' (automatic)' : ''}: ${p.reason}`,
        });
        const proposal = itemProposalEvent({
          ...about,
          commitment: { ...commitment, id: p.commitmentId },
          to: p.to,
          rule: p.rule,
          automatic: p.automatic,
          reason: p.reason,
        });
        const id = await post(proposal, `${p.to} by ${p.rule}`);
        if (id !== undefined && p.automatic) {
          await tx.addPendingChange({
            dedupeKey: proposal.dedupeKey,
            commitmentId: p.commitmentId,
            to: p.to,
            reason: p.reason,
            evidence: [item.link],
            actor: `rule:${p.rule}`,
            createdAt: at,
          });
          this.applyNeeded = true;
        }
      }
    }
    if (mode === 'update' && update) {
      const event = itemUpdatedEvent({
        feedId: feed.id,
        item: itemJson,
        version: update.version,
        previousUpdated: update.previousUpdated,
        stage: item.billStage,
        matches: accepted,
        newlyMatched,
        at,
      });
      await post(event, '');
    }
  }

  /**
   * Applies queued automatic status changes through the register store (which records the status-change
   * event). Runs after each feed that queued one and at the start of a cycle (after a crash). Serialised.
   */
  async applyPendingChanges(): Promise<number[]> {
    while (this.applying) await this.applying.catch(() => undefined);
    this.applyNeeded = false;
    this.applying = (async () => {
      const ids: number[] = [];
      for (const change of await this.feedStore.pendingChanges()) {
        const at = this.deps.clock.now().toISOString();
        try {
          // An editor may have moved the commitment on since the change was queued: never move it back.
          const current = await this.registerStore.getCommitment(change.commitmentId);
          if (current && !movesForward(current.status, change.to as Status)) {
            await this.feedStore.settlePendingChange(change.id, at, `skipped: ${change.commitmentId} is ${current.status}; ${change.to} would not move it forward`);
            continue;
          }
          const view = await this.registerStore.changeStatus(
            { commitmentId: change.commitmentId, to: change.to as never, reason: change.reason, evidence: change.evidence, actor: change.actor },
            at,
          );
          await this.feedStore.settlePendingChange(change.id, at, 'applied');
          const id = await this.feedStore.eventIdByKey(statusChangeKey(view.id));
          if (id !== undefined) ids.push(id);
        } catch (error) {
          if (error instanceof DomainError) {
            // Already at that status (applied before a crash, or by an editor), or the commitment is gone.
            await this.feedStore.settlePendingChange(change.id, at, `skipped: ${error.message}`);
          } else {
            this.logger.error({ err: error, commitment: change.commitmentId }, 'could not apply an automatic status change; will retry');
          }
        }
      }
      return ids;
    })();
    try {
      return await this.applying;
    } finally {
      this.applying = undefined;
    }
  }

  /** One `overdue` event per commitment whose deadline has passed (and a deadline-passed rule's proposal). */
  async checkDeadlines(): Promise<number[]> {
    const today = todayIn(this.deps.clock, this.deps.timeZone);
    const overdue = overdueCommitments(await this.allCommitments(), today);
    if (overdue.length === 0) return [];
    const at = this.deps.clock.now().toISOString();
    const ids = await this.feedStore.transaction(async (tx) => {
      const out: number[] = [];
      for (const c of overdue) {
        const deadlineDate = c.deadlineDate!; // overdue: it has one
        const id = await tx.recordEvent(overdueEvent({ ...c, deadlineDate, deadlineText: c.deadline?.text ?? null }, today, at));
        if (id !== undefined) out.push(id);
        const rule = c.rules.find((r) => r.when === 'deadline-passed');
        if (!rule || !movesForward(c.status, rule.propose)) continue;
        const reason = `the deadline ${deadlineDate} passed with the commitment ${c.status}`;
        const proposal = deadlineProposalEvent({ commitment: c, to: rule.propose, automatic: rule.automatic, reason, deadline: deadlineDate, at });
        const key = proposal.dedupeKey;
        const pid = await tx.recordEvent(proposal);
        if (pid !== undefined) {
          out.push(pid);
          if (rule.automatic) {
            await tx.addPendingChange({ dedupeKey: key, commitmentId: c.id, to: rule.propose, reason, evidence: [], actor: 'rule:deadline-passed', createdAt: at });
            this.applyNeeded = true;
          }
        }
      }
      return out;
    });
    if (this.applyNeeded) ids.push(...(await this.applyPendingChanges()));
    return ids;
  }

  private async hook(name: keyof PollHooks, feedId: string): Promise<void> {
    const fn = this.deps.hooks?.[name];
    if (!fn) return;
    try {
      await fn(feedId);
    } catch (error) {
      throw new HookFailure(error);
    }
  }
}

/** One poll cycle over a list of feeds: `new Poller(deps).pollOnce(feeds, options)`. */
export function pollOnce(deps: PollerDeps, feeds: readonly FeedSpec[], options: PollOptions = {}): Promise<CycleReport> {
  return new Poller(deps).pollOnce(feeds, options);
}

function emptyReport(feedId: string): FeedReport {
  return { feedId, outcome: 'skipped', parsed: false, items: 0, newItems: 0, updatedItems: 0, firstFetch: false, warnings: [], eventIds: [] };
}

function errorReport(feedId: string, error: unknown): FeedReport {
  return { ...emptyReport(feedId), outcome: 'error', reason: error instanceof Error ? error.message : String(error) };
}

function matchDecision(r: MatchResult): string {
  if (r.accepted) return 'matched';
  if (r.reason.startsWith('excluded')) return 'excluded';
  if (r.reason.startsWith('below threshold')) return 'below-threshold';
  if (r.reason.startsWith('missing required')) return 'missing-required';
  if (r.reason.startsWith('feed kind')) return 'kind-not-watched';
  return 'not-matched';
}

/** New items post oldest first. Feeds list newest first, so without dates on every item, reverse order. */
function oldestFirst(items: FeedItem[]): FeedItem[] {
  const reversed = [...items].reverse();
  const dateOf = (i: FeedItem) => i.published ?? i.updated;
  if (!reversed.every((i) => dateOf(i) !== undefined)) return reversed;
  return reversed.sort((a, b) => dateOf(a)!.localeCompare(dateOf(b)!));
}

/** A marker of a real update, or undefined: the monitor says what counts (Monitor.updateOf); by default nothing. */
function updateMarker(monitor: Monitor, previous: StoredItem, item: FeedItem): string | undefined {
  return monitor.updateOf?.({ updated: previous.updated, stage: previous.stage }, item);
}

function fingerprintOf(item: FeedItem): string {
  return createHash('sha256')
    .update(JSON.stringify([item.title, item.summary, item.categories, item.billStage ?? null, item.department ?? null, item.documentType ?? null]))
    .digest('hex')
    .slice(0, 32);
}

function toStored(feedId: string, item: FeedItem, at: string): StoredItem {
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
