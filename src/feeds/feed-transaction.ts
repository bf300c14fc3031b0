// Everything one poll of one feed writes, in one database transaction: the feed's state, its items, their
// traces, evidence, outbox events and queued status changes (FeedTransaction).
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, FeedItemsTable } from '../db/tables.ts';
import type { NewEvent } from '../events.ts';
import { eventIdByKey, recordEvent } from '../store/outbox-store.ts';
import type { FeedStatePatch, FeedTransaction, NewEvidence, NewTrace, PendingChange, StoredItem } from './feed-records.ts';
import { chunks, patchColumns, toItem } from './feed-rows.ts';

type Db = Kysely<Database> | Transaction<Database>;

export class KyselyFeedTransaction implements FeedTransaction {
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
