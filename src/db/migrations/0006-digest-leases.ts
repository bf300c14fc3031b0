// A lease on a digest run while it is being sent, so two processes on one store (a rolling deploy, a
// second bot started by mistake) never send the same run at once. A lease left by a crash expires.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('digest_runs').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('digest_runs').addColumn('lease_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('digest_runs').dropColumn('lease_until').execute();
  await db.schema.alterTable('digest_runs').dropColumn('lease_owner').execute();
}
