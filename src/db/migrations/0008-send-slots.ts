// The shared send schedule: one row per limit (Discord's global request limit), holding the time its next free
// slot starts. Every process on the store takes slots from it, so together they never exceed the rate.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('send_slots')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // Milliseconds since the epoch: a double holds them exactly to well below a millisecond.
    .addColumn('next_at', 'double precision', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('send_slots').ifExists().execute();
}
