// Several processes on one store: every piece of shared work is claimed by one process (an owner) until a
// time (an expiry); only an expired claim is taken over by another process.
//  - discord_deliveries: who is sending (or holds the queued row for) a delivery, and until when;
//  - feeds: which process polled a feed last (when: last_attempt_at); lease_owner/lease_until hold it now;
//  - scheduler_firings: one row per scheduled firing (a job and its slot), inserted by the one process that
//    runs it — the others find the row and do nothing. A natural key, so no sequence is needed.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('discord_deliveries').addColumn('claim_owner', 'text').execute();
  await db.schema.alterTable('discord_deliveries').addColumn('claim_until', 'text').execute();
  await db.schema.alterTable('feeds').addColumn('last_polled_by', 'text').execute();
  await db.schema
    .createTable('scheduler_firings')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('fired_by', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scheduler_firings_pk', ['job', 'slot'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduler_firings').ifExists().execute();
  await db.schema.alterTable('feeds').dropColumn('last_polled_by').execute();
  await db.schema.alterTable('discord_deliveries').dropColumn('claim_until').execute();
  await db.schema.alterTable('discord_deliveries').dropColumn('claim_owner').execute();
}
