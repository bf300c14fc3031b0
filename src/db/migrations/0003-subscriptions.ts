// Channel subscriptions: which events a channel wants, how often, and its weekly digest.
import type { Kysely } from 'kysely';
import { withSerialId } from '../engine.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .$call(withSerialId(db))
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().unique())
    .addColumn('frequency', 'text', (c) => c.notNull()) // immediately | daily | weekly | off
    .addColumn('digest', 'integer', (c) => c.notNull()) // 1: post the weekly digest
    .addColumn('digest_weekday', 'integer', (c) => c.notNull()) // 1 = Monday … 7 = Sunday
    .addColumn('digest_hour', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('quiet_digest', 'integer', (c) => c.notNull()) // 1: post "nothing moved" on a quiet week
    .addColumn('filters', 'text', (c) => c.notNull()) // JSON SubscriptionFilters
    .addColumn('broken_reason', 'text') // set when the channel refused a post (403/404)
    .addColumn('broken_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_by_guild').on('subscriptions').column('guild_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('subscriptions').ifExists().execute();
}
