// The feed store: each feed's state (validators, health, schedule), the items seen per feed, the trace of
// every decision about an item, and automatic status changes waiting to be applied. The poller depends on
// the FeedStore interface; KyselyFeedStore implements it with plain query-builder SQL (no SQLite-only SQL)
// so a PostgreSQL dialect can serve it.
//
// Everything a poll decides about one feed — its new state, its items, their traces, the evidence and the
// outbox events — is written through one FeedTransaction, so it commits together or not at all.
// The records and interfaces: feed-records.ts; rows to records: feed-rows.ts; a poll's writes: feed-transaction.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { eventIdByKey } from '../store/outbox-store.ts';
import type { FeedSpec } from './feed-list.ts';
import type { FeedState, FeedStore, FeedTransaction, PendingChange, StoredItem, Trace, TraceStage } from './feed-records.ts';
import { chunks, emptyState, toItem, toState } from './feed-rows.ts';
import { KyselyFeedTransaction } from './feed-transaction.ts';

// The records and interfaces live in feed-records.ts; callers import them from here, with the store.
export type { FeedState, FeedStatePatch, FeedStore, FeedTransaction, NewTrace, StoredItem, Trace } from './feed-records.ts';

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
          // Another process starting at the same moment may insert it first: theirs stands.
          await trx
            .insertInto('feeds')
            .values({ id: feed.id, url: feed.url, kind, ...emptyState() })
            .onConflict((oc) => oc.column('id').doNothing())
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
