// What the poller is given and what it reports: its dependencies (stores, fetcher, clock, monitors, the
// match engine, limits, test hooks), the report of one feed's poll and of a cycle, and the context every
// step of a feed's poll shares. Types only, and the two reports every step starts from.
import type { Clock } from '../clock.ts';
import type { FeedKind } from '../domain.ts';
import type { FeedItem, Monitor } from '../feed-types.ts';
import type { Logger } from '../log.ts';
import type { MatchResult } from '../match/decision.ts';
import type { Proposal } from '../match/proposals.ts';
import type { CommitmentRow, RegisterStore } from '../store/register-store.ts';
import type { ChangeNoteSource } from './change-notes.ts';
import type { FeedStore } from './feed-store.ts';
import type { Fetcher } from './fetch.ts';
import type { LookupLimits } from './full-text.ts';
import type { FeedHealth, HealthPolicy } from './health.ts';

/** How items are judged; the default is the matcher and the proposal rules of src/match (match-engine.ts). */
export interface MatchEngine {
  readonly threshold: number;
  match(item: FeedItem, kind: FeedKind): MatchResult[];
  propose(item: FeedItem, kind: FeedKind, commitment: CommitmentRow, match: MatchResult): Proposal[];
}
export type MatchEngineFactory = (commitments: CommitmentRow[]) => MatchEngine;

/** The monitors by kind, and recognition of a body's kind (monitors/index.ts by default). */
export interface Monitors {
  monitorFor(kind: FeedKind): Monitor;
  recogniseKind(body: string, contentType: string | undefined, url: string): FeedKind;
}

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
  /** This process, as the holder of its polls' claims (app.processId); default: a new identity. */
  owner?: string;
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
export interface CycleContext {
  commitments: Map<string, CommitmentRow>;
  engine: MatchEngine;
  aborted: boolean;
}

/** What every step of one feed's poll shares: the poller's settings and its seams. */
export interface PollSteps {
  readonly deps: PollerDeps;
  /** The process polling (the claim's owner), recorded as the feed's last poller. */
  readonly owner: string;
  readonly policy: HealthPolicy;
  readonly monitors: Monitors;
  readonly logger: Logger;
  /** Runs a test hook; a hook that throws stops the cycle (HookFailure). */
  hook(name: keyof PollHooks, feedId: string): Promise<void>;
  /** Says an automatic status change was queued: it is applied once the feed's transaction commits. */
  queuedChange(): void;
  /** Applies the automatic status changes queued so far (none queued: nothing to do); the events' ids. */
  applyQueuedChanges(): Promise<number[]>;
}

/** A hook's error, carried through the steps to stop the cycle rather than fail one feed. */
export class HookFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

export function emptyReport(feedId: string): FeedReport {
  return { feedId, outcome: 'skipped', parsed: false, items: 0, newItems: 0, updatedItems: 0, firstFetch: false, warnings: [], eventIds: [] };
}

export function errorReport(feedId: string, error: unknown): FeedReport {
  return { ...emptyReport(feedId), outcome: 'error', reason: error instanceof Error ? error.message : String(error) };
}
