// The Discord front end: per-guild settings (the editor role), exactly-once deliveries of outbox
// events to channels, decisions on status proposals, and the poster's cursor.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('discord_guild_settings')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('editor_role_id', 'text') // members with this role are editors, besides Manage Server
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('discord_deliveries')
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // sending | sent | failed
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('discord_deliveries_pk', ['event_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('discord_deliveries_by_state').on('discord_deliveries').column('state').execute();
  await db.schema
    .createTable('discord_proposal_decisions')
    .addColumn('event_id', 'integer', (c) => c.primaryKey())
    .addColumn('decision', 'text', (c) => c.notNull()) // confirmed | dismissed
    .addColumn('decided_by', 'text', (c) => c.notNull()) // discord:<user id>
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text') // what applying it said (e.g. "already delivered")
    .execute();
  await db.schema
    .createTable('discord_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['discord_state', 'discord_proposal_decisions', 'discord_deliveries', 'discord_guild_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
