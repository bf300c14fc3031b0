// The polling pipeline's state: each feed's validators and health, the items seen per feed, a trace of
// every decision taken about an item (what `why` reads), and automatic status changes waiting to be applied.
// Plain schema builder only (no engine-specific SQL): the same file runs on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import { withSerialId } from '../engine.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text') // configured kind; null = recognised from the first body
    .addColumn('detected_kind', 'text')
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('body_hash', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_warnings', 'text') // JSON string[] of the last parse
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text') // not before this time (backoff, Retry-After, max-age)
    .addColumn('health', 'text', (c) => c.notNull().defaultTo('healthy')) // healthy | failing | disabled
    .addColumn('health_reason', 'text')
    .addColumn('health_changed_at', 'text')
    .addColumn('invalid_since', 'text') // first of an unbroken run of unparseable bodies
    .addColumn('first_fetch_done', 'integer', (c) => c.notNull().defaultTo(0)) // 0/1
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0)) // items in the last parsed body
    .addColumn('lease_until', 'text') // a poll holds the feed until then: never two polls at once
    .addColumn('lease_owner', 'text')
    .execute();

  await db.schema
    .createTable('feed_items')
    .addColumn('feed_id', 'text', (c) => c.notNull().references('feeds.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('published', 'text')
    .addColumn('updated', 'text')
    .addColumn('stage', 'text') // a bill's stage, where the item is a bill
    .addColumn('fingerprint', 'text', (c) => c.notNull()) // hash of what a reader sees
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('times_seen', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('feed_items_pk', ['feed_id', 'key'])
    .execute();
  await db.schema.createIndex('feed_items_by_link').on('feed_items').columns(['link']).execute();

  await db.schema
    .createTable('feed_item_traces')
    .$call(withSerialId(db))
    .addColumn('feed_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull()) // identity | match | proposal | post
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('commitment_id', 'text')
    .addColumn('score', 'real')
    .addColumn('matched', 'text') // JSON string[]
    .addColumn('event_id', 'integer')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feed_item_traces_by_link').on('feed_item_traces').columns(['link']).execute();
  await db.schema.createIndex('feed_item_traces_by_item').on('feed_item_traces').columns(['feed_id', 'item_key']).execute();

  // Automatic status changes decided in an item's transaction and applied right after it through the
  // register store (which records its own status-change event); a crash in between applies them on restart.
  await db.schema
    .createTable('feed_pending_changes')
    .$call(withSerialId(db))
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('commitment_id', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('outcome', 'text') // applied | skipped: <why>
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['feed_pending_changes', 'feed_item_traces', 'feed_items', 'feeds']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
