// The feed store's records and its two interfaces: what a poll reads and writes about feeds, items, traces,
// evidence and queued status changes (FeedStore, and FeedTransaction for everything one poll of one feed
// writes together). KyselyFeedStore (feed-store.ts) implements them.
import type { FeedKind } from '../domain.ts';
import type { NewEvent } from '../events.ts';
import type { FeedSpec } from './feed-list.ts';
import type { Validators } from './fetch.ts';
import type { HealthState } from './health.ts';

export type { Validators };

export interface FeedState extends HealthState {
  id: string;
  url: string;
  kind: FeedKind | null;
  detectedKind: FeedKind | null;
  validators: Validators;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastWarnings: string[];
  healthChangedAt: string | null;
  firstFetchDone: boolean;
  itemCount: number;
  /** The process that polled it last (when: lastAttemptAt); null before its first poll since claims. */
  lastPolledBy: string | null;
  /** The process polling it now, and until when its claim holds (null when none, or expired). */
  heldBy: { owner: string; until: string } | null;
}

/** What a poll changes in a feed's state; fields left out stay as they are. */
export interface FeedStatePatch extends Partial<HealthState> {
  detectedKind?: FeedKind | null;
  validators?: Validators;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastError?: string | null;
  lastWarnings?: string[];
  healthChangedAt?: string;
  firstFetchDone?: boolean;
  itemCount?: number;
  /** Ends the poll's claim on the feed in the same write. */
  releaseLease?: boolean;
  /** The process that polled it (its claim's owner). */
  polledBy?: string;
}

export interface StoredItem {
  feedId: string;
  key: string;
  link: string;
  title: string;
  published: string | null;
  updated: string | null;
  stage: string | null;
  fingerprint: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
}

export const TRACE_STAGES = ['identity', 'text', 'match', 'proposal', 'post'] as const;
export type TraceStage = (typeof TRACE_STAGES)[number];

export interface NewTrace {
  feedId: string;
  itemKey: string;
  link: string;
  at: string;
  stage: TraceStage;
  /** identity: first-fetch | new | update | duplicate | edited; text: detail | list (full-text.ts); match: a MatchDecision (src/match/decision.ts), or not-matched when no commitment was considered;
   *  proposal: proposed | automatic | not-proposed; post: posted | already-posted | not-posted */
  decision: string;
  commitmentId?: string | undefined;
  score?: number | undefined;
  matched?: string[] | undefined;
  eventId?: number | undefined;
  detail: string;
}

export interface Trace extends NewTrace {
  id: number;
}

export interface NewEvidence {
  commitmentId: string;
  url: string;
  title: string;
  published: string | null;
  source: string;
  score: number;
  matched: string[];
  foundAt: string;
}

export interface PendingChange {
  id: number;
  dedupeKey: string;
  commitmentId: string;
  to: string;
  reason: string;
  evidence: string[];
  actor: string;
  createdAt: string;
}

export interface FeedTransaction {
  updateFeed(id: string, patch: FeedStatePatch): Promise<void>;
  /** Known items of a feed among these keys, and among these links (another key, same page). */
  knownItems(feedId: string, keys: string[], links: string[]): Promise<StoredItem[]>;
  /** Inserts items (one statement per few hundred rows). */
  insertItems(items: StoredItem[]): Promise<void>;
  updateItem(
    feedId: string,
    key: string,
    patch: Partial<Pick<StoredItem, 'link' | 'title' | 'published' | 'updated' | 'stage' | 'fingerprint' | 'lastSeenAt'>>,
  ): Promise<void>;
  /** Marks items as seen again now. */
  touchItems(feedId: string, keys: string[], at: string): Promise<void>;
  /** Appends traces, in order. */
  addTraces(traces: NewTrace[]): Promise<void>;
  /** Records an outbox event once; its id, or undefined when its dedupe key was already recorded. */
  recordEvent(event: NewEvent): Promise<number | undefined>;
  eventIdByKey(dedupeKey: string): Promise<number | undefined>;
  /** Adds an evidence row; false when the commitment already has evidence at that URL. */
  addEvidence(evidence: NewEvidence): Promise<boolean>;
  /** Queues an automatic status change once (by dedupe key); false when already queued. */
  addPendingChange(change: Omit<PendingChange, 'id'>): Promise<boolean>;
}

export interface FeedStore {
  /** Creates or updates a row per feed of the list; a feed whose URL changed starts again (first fetch). */
  syncFeeds(feeds: readonly FeedSpec[]): Promise<void>;
  getFeed(id: string): Promise<FeedState | undefined>;
  listFeeds(): Promise<FeedState[]>;
  /**
   * Claims a feed for one poll until `until` and returns its state; undefined while another poll (any
   * process) holds it, or when there is no such feed. A poll's last updateFeed releases it (releaseLease).
   */
  claim(id: string, owner: string, now: string, until: string): Promise<FeedState | undefined>;
  release(id: string, owner: string): Promise<void>;
  transaction<T>(fn: (tx: FeedTransaction) => Promise<T>): Promise<T>;
  pendingChanges(): Promise<PendingChange[]>;
  settlePendingChange(id: number, at: string, outcome: string): Promise<void>;
  eventIdByKey(dedupeKey: string): Promise<number | undefined>;
  /** Items whose link or key is one of these (any feed), oldest sighting first. */
  findItems(refs: string[]): Promise<StoredItem[]>;
  traces(feedId: string, itemKey: string): Promise<Trace[]>;
  /** Items of a feed, newest sighting first: for inspection and tests. */
  items(feedId: string, limit?: number): Promise<StoredItem[]>;
}
