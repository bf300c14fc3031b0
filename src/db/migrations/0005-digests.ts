// Digest and alert-batch runs: one row per (subscription, kind, window start), recorded before anything
// is posted, with the rendered messages frozen and part-level progress, so a restart resumes a run
// instead of posting it twice or losing it.
import type { Kysely } from 'kysely';
import { withSerialId } from '../engine.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('digest_runs')
    .$call(withSerialId(db))
    .addColumn('subscription_id', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // digest | daily | weekly
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // pending | posted | skipped | abandoned
    .addColumn('messages', 'text', (c) => c.notNull()) // JSON: the rendered messages, frozen
    .addColumn('parts_total', 'integer', (c) => c.notNull())
    .addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'text')
    .addUniqueConstraint('digest_runs_once', ['subscription_id', 'kind', 'window_start'])
    .execute();
  await db.schema.createIndex('digest_runs_by_state').on('digest_runs').column('state').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('digest_runs').ifExists().execute();
}
