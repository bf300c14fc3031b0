// The feed store: each feed's state (validators, health, schedule), the items seen per feed, the trace of
// every decision about an item, and automatic status changes waiting to be applied. The poller depends on
// the FeedStore interface; KyselyFeedStore implements it with plain query-builder SQL (no SQLite-only SQL)
// so a PostgreSQL dialect can serve it.
//
// Everything a poll decides about one feed — its new state, its items, their traces, the evidence and the
// outbox events — is written through one FeedTransaction, so it commits together or not at all.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { FeedKind } from '../domain.ts';
import type { Database, FeedItemsTable, FeedsTable } from '../db/tables.ts';
import type { NewEvent } from '../events.ts';
import { eventIdByKey, recordEvent } from '../store/outbox-store.ts';
import type { FeedSpec } from './feed-list.ts';
import type { Validators } from './fetch.ts';
import type { FeedHealth, HealthState } from './health.ts';

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
  /** identity: first-fetch | new | update | duplicate | edited; text: detail | list (full-text.ts); match: matched | below-threshold | excluded | not-matched;
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

type Db = Kysely<Database> | Transaction<Database>;

// Rows or values per statement: well under SQLite's (and PostgreSQL's) limit on bound parameters.
const CHUNK = 400;
function chunks<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

function toState(r: Selectable<FeedsTable>): FeedState {
  const validators: Validators = {};
  if (r.etag !== null) validators.etag = r.etag;
  if (r.last_modified !== null) validators.lastModified = r.last_modified;
  if (r.body_hash !== null) validators.bodyHash = r.body_hash;
  return {
    id: r.id,
    url: r.url,
    kind: r.kind as FeedKind | null,
    detectedKind: r.detected_kind as FeedKind | null,
    validators,
    lastAttemptAt: r.last_attempt_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    lastWarnings: r.last_warnings ? (JSON.parse(r.last_warnings) as string[]) : [],
    consecutiveFailures: Number(r.consecutive_failures),
    nextAttemptAt: r.next_attempt_at,
    health: r.health as FeedHealth,
    healthReason: r.health_reason,
    healthChangedAt: r.health_changed_at,
    invalidSince: r.invalid_since,
    firstFetchDone: Number(r.first_fetch_done) === 1,
    itemCount: Number(r.item_count),
  };
}

function toItem(r: Selectable<FeedItemsTable>): StoredItem {
  return {
    feedId: r.feed_id,
    key: r.key,
    link: r.link,
    title: r.title,
    published: r.published,
    updated: r.updated,
    stage: r.stage,
    fingerprint: r.fingerprint,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    timesSeen: Number(r.times_seen),
  };
}

function patchColumns(patch: FeedStatePatch): Updateable<FeedsTable> {
  const set: Updateable<FeedsTable> = {};
  if (patch.detectedKind !== undefined) set.detected_kind = patch.detectedKind;
  if (patch.validators !== undefined) {
    set.etag = patch.validators.etag ?? null;
    set.last_modified = patch.validators.lastModified ?? null;
    set.body_hash = patch.validators.bodyHash ?? null;
  }
  if (patch.lastAttemptAt !== undefined) set.last_attempt_at = patch.lastAttemptAt;
  if (patch.lastSuccessAt !== undefined) set.last_success_at = patch.lastSuccessAt;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  if (patch.lastWarnings !== undefined) set.last_warnings = JSON.stringify(patch.lastWarnings);
  if (patch.consecutiveFailures !== undefined) set.consecutive_failures = patch.consecutiveFailures;
  if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
  if (patch.health !== undefined) set.health = patch.health;
  if (patch.healthReason !== undefined) set.health_reason = patch.healthReason;
  if (patch.healthChangedAt !== undefined) set.health_changed_at = patch.healthChangedAt;
  if (patch.invalidSince !== undefined) set.invalid_since = patch.invalidSince;
  if (patch.firstFetchDone !== undefined) set.first_fetch_done = patch.firstFetchDone ? 1 : 0;
  if (patch.itemCount !== undefined) set.item_count = patch.itemCount;
  if (patch.releaseLease) {
    set.lease_owner = null;
    set.lease_until = null;
  }
  return set;
}

class KyselyFeedTransaction implements FeedTransaction {
  constructor(private readonly db: Db) {}

  async updateFeed(id: string, patch: FeedStatePatch): Promise<void> {
    const set = patchColumns(patch);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('feeds').set(set).where('id', '=', id).execute();
  }

  async knownItems(feedId: string, keys: string[], links: string[]): Promise<StoredItem[]> {
    const found = new Map<string, StoredItem>();
    const keyParts = chunks([...new Set(keys)]);
    const linkParts = chunks([...new Set(links)]);
    for (let i = 0; i < Math.max(keyParts.length, linkParts.length); i++) {
      const byKey = keyParts[i] ?? [];
      const byLink = linkParts[i] ?? [];
      const rows = await this.db
        .selectFrom('feed_items')
        .selectAll()
        .where('feed_id', '=', feedId)
        .where((eb) => eb.or([...(byKey.length ? [eb('key', 'in', byKey)] : []), ...(byLink.length ? [eb('link', 'in', byLink)] : [])]))
        .orderBy('first_seen_at')
        .execute();
      for (const r of rows) if (!found.has(r.key)) found.set(r.key, toItem(r));
    }
    return [...found.values()];
  }

  async insertItems(items: StoredItem[]): Promise<void> {
    for (const part of chunks(items)) {
      await this.db
        .insertInto('feed_items')
        .values(
          part.map((item) => ({
            feed_id: item.feedId,
            key: item.key,
            link: item.link,
            title: item.title,
            published: item.published,
            updated: item.updated,
            stage: item.stage,
            fingerprint: item.fingerprint,
            first_seen_at: item.firstSeenAt,
            last_seen_at: item.lastSeenAt,
            times_seen: item.timesSeen,
          })),
        )
        .execute();
    }
  }

  async updateItem(feedId: string, key: string, patch: Parameters<FeedTransaction['updateItem']>[2]): Promise<void> {
    const set: Updateable<FeedItemsTable> = {};
    if (patch.link !== undefined) set.link = patch.link;
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.published !== undefined) set.published = patch.published;
    if (patch.updated !== undefined) set.updated = patch.updated;
    if (patch.stage !== undefined) set.stage = patch.stage;
    if (patch.fingerprint !== undefined) set.fingerprint = patch.fingerprint;
    if (patch.lastSeenAt !== undefined) set.last_seen_at = patch.lastSeenAt;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('feed_items').set(set).where('feed_id', '=', feedId).where('key', '=', key).execute();
  }

  async touchItems(feedId: string, keys: string[], at: string): Promise<void> {
    for (const part of chunks([...new Set(keys)])) {
      await this.db
        .updateTable('feed_items')
        .set((eb) => ({ last_seen_at: at, times_seen: eb('times_seen', '+', 1) }))
        .where('feed_id', '=', feedId)
        .where('key', 'in', part)
        .execute();
    }
  }

  async addTraces(traces: NewTrace[]): Promise<void> {
    for (const part of chunks(traces)) {
      await this.db
        .insertInto('feed_item_traces')
        .values(
          part.map((t) => ({
            feed_id: t.feedId,
            item_key: t.itemKey,
            link: t.link,
            at: t.at,
            stage: t.stage,
            decision: t.decision,
            commitment_id: t.commitmentId ?? null,
            score: t.score ?? null,
            matched: t.matched ? JSON.stringify(t.matched) : null,
            event_id: t.eventId ?? null,
            detail: t.detail,
          })),
        )
        .execute();
    }
  }

  recordEvent(event: NewEvent): Promise<number | undefined> {
    return recordEvent(this.db, event);
  }

  eventIdByKey(dedupeKey: string): Promise<number | undefined> {
    return eventIdByKey(this.db, dedupeKey);
  }

  async addEvidence(e: NewEvidence): Promise<boolean> {
    const result = await this.db
      .insertInto('evidence')
      .values({
        commitment_id: e.commitmentId,
        url: e.url,
        title: e.title,
        published: e.published,
        source: e.source,
        score: e.score,
        matched: JSON.stringify(e.matched),
        note: null,
        found_at: e.foundAt,
      })
      .onConflict((oc) => oc.columns(['commitment_id', 'url']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async addPendingChange(c: Omit<PendingChange, 'id'>): Promise<boolean> {
    const result = await this.db
      .insertInto('feed_pending_changes')
      .values({
        dedupe_key: c.dedupeKey,
        commitment_id: c.commitmentId,
        to_status: c.to,
        reason: c.reason,
        evidence: JSON.stringify(c.evidence),
        actor: c.actor,
        created_at: c.createdAt,
        applied_at: null,
        outcome: null,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}

export class KyselyFeedStore implements FeedStore {
  constructor(private readonly db: Kysely<Database>) {}

  async syncFeeds(feeds: readonly FeedSpec[]): Promise<void> {
    if (feeds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const existing = new Map<string, { url: string; kind: string | null }>();
      for (const part of chunks(feeds.map((f) => f.id))) {
        for (const r of await trx.selectFrom('feeds').select(['id', 'url', 'kind']).where('id', 'in', part).execute()) existing.set(r.id, r);
      }
      for (const feed of feeds) {
        const row = existing.get(feed.id);
        const kind = feed.kind ?? null;
        if (!row) {
          await trx
            .insertInto('feeds')
            .values({ id: feed.id, url: feed.url, kind, ...emptyState() })
            .execute();
        } else if (row.url !== feed.url) {
          // Another URL is another feed: its items are not this one's, so it starts with a silent first fetch.
          // (Their traces stay, so `why` still explains what the old URL showed.)
          await trx.deleteFrom('feed_items').where('feed_id', '=', feed.id).execute();
          await trx
            .updateTable('feeds')
            .set({ url: feed.url, kind, ...emptyState() })
            .where('id', '=', feed.id)
            .execute();
        } else if (row.kind !== kind) {
          await trx.updateTable('feeds').set({ kind, detected_kind: null, body_hash: null, etag: null, last_modified: null }).where('id', '=', feed.id).execute();
        }
      }
    });
  }

  async getFeed(id: string): Promise<FeedState | undefined> {
    const row = await this.db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toState(row) : undefined;
  }

  async listFeeds(): Promise<FeedState[]> {
    return (await this.db.selectFrom('feeds').selectAll().orderBy('id').execute()).map(toState);
  }

  async claim(id: string, owner: string, now: string, until: string): Promise<FeedState | undefined> {
    const row = await this.db
      .updateTable('feeds')
      .set({ lease_owner: owner, lease_until: until })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]))
      .returningAll()
      .executeTakeFirst();
    return row ? toState(row) : undefined;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.db.updateTable('feeds').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  transaction<T>(fn: (tx: FeedTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new KyselyFeedTransaction(trx)));
  }

  async pendingChanges(): Promise<PendingChange[]> {
    const rows = await this.db.selectFrom('feed_pending_changes').selectAll().where('applied_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      dedupeKey: r.dedupe_key,
      commitmentId: r.commitment_id,
      to: r.to_status,
      reason: r.reason,
      evidence: JSON.parse(r.evidence) as string[],
      actor: r.actor,
      createdAt: r.created_at,
    }));
  }

  async settlePendingChange(id: number, at: string, outcome: string): Promise<void> {
    await this.db.updateTable('feed_pending_changes').set({ applied_at: at, outcome }).where('id', '=', id).execute();
  }

  eventIdByKey(dedupeKey: string): Promise<number | undefined> {
    return eventIdByKey(this.db, dedupeKey);
  }

  async findItems(refs: string[]): Promise<StoredItem[]> {
    const out = new Map<string, StoredItem>();
    for (const part of chunks([...new Set(refs)])) {
      const rows = await this.db
        .selectFrom('feed_items')
        .selectAll()
        .where((eb) => eb.or([eb('link', 'in', part), eb('key', 'in', part)]))
        .execute();
      for (const r of rows) out.set(`${r.feed_id}\u0000${r.key}`, toItem(r));
    }
    return [...out.values()].sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt) || a.feedId.localeCompare(b.feedId));
  }

  async traces(feedId: string, itemKey: string): Promise<Trace[]> {
    const rows = await this.db.selectFrom('feed_item_traces').selectAll().where('feed_id', '=', feedId).where('item_key', '=', itemKey).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      feedId: r.feed_id,
      itemKey: r.item_key,
      link: r.link,
      at: r.at,
      stage: r.stage as TraceStage,
      decision: r.decision,
      commitmentId: r.commitment_id ?? undefined,
      score: r.score ?? undefined,
      matched: r.matched ? (JSON.parse(r.matched) as string[]) : undefined,
      eventId: r.event_id ?? undefined,
      detail: r.detail,
    }));
  }

  async items(feedId: string, limit = 1000): Promise<StoredItem[]> {
    const rows = await this.db
      .selectFrom('feed_items')
      .selectAll()
      .where('feed_id', '=', feedId)
      .orderBy('last_seen_at', 'desc')
      .orderBy('first_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }
}

function emptyState() {
  return {
    detected_kind: null,
    etag: null,
    last_modified: null,
    body_hash: null,
    last_attempt_at: null,
    last_success_at: null,
    last_error: null,
    last_warnings: null,
    consecutive_failures: 0,
    next_attempt_at: null,
    health: 'healthy',
    health_reason: null,
    health_changed_at: null,
    invalid_since: null,
    first_fetch_done: 0,
    item_count: 0,
    lease_until: null,
    lease_owner: null,
  };
}
