// The subscriptions table's owner (the interface is src/subscriptions/subscription-store.ts).
import type { Kysely, Selectable } from 'kysely';
import type { Database, SubscriptionsTable } from '../db/tables.ts';
import { SubscriptionFilters, SubscriptionSettings, type Frequency, type Subscription } from '../subscriptions/subscription.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';

export class KyselySubscriptionStore implements SubscriptionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(input: SubscriptionSettings, now: string): Promise<Subscription> {
    const s = SubscriptionSettings.parse(input);
    const row = {
      guild_id: s.guildId,
      channel_id: s.channelId,
      frequency: s.frequency,
      digest: s.digest ? 1 : 0,
      digest_weekday: s.digestWeekday,
      digest_hour: s.digestHour,
      time_zone: s.timeZone,
      quiet_digest: s.quietDigest ? 1 : 0,
      filters: JSON.stringify(s.filters),
      broken_reason: null,
      broken_at: null,
      created_by: s.createdBy,
      updated_at: now,
    };
    await this.db
      .insertInto('subscriptions')
      .values({ ...row, created_at: now })
      .onConflict((oc) => oc.column('channel_id').doUpdateSet(row))
      .execute();
    return (await this.get(s.channelId))!;
  }

  async remove(channelId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('subscriptions').where('channel_id', '=', channelId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async get(channelId: string): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
    return row && toSubscription(row);
  }

  async getById(id: number): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSubscription(row);
  }

  async list(guildId?: string): Promise<Subscription[]> {
    let query = this.db.selectFrom('subscriptions').selectAll();
    if (guildId) query = query.where('guild_id', '=', guildId);
    return (await query.orderBy('id').execute()).map(toSubscription);
  }

  async markBroken(channelId: string, reason: string, now: string): Promise<void> {
    await this.db.updateTable('subscriptions').set({ broken_reason: reason, broken_at: now, updated_at: now }).where('channel_id', '=', channelId).execute();
  }
}

function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    frequency: row.frequency as Frequency,
    digest: row.digest === 1,
    digestWeekday: row.digest_weekday,
    digestHour: row.digest_hour,
    timeZone: row.time_zone,
    quietDigest: row.quiet_digest === 1,
    filters: SubscriptionFilters.parse(JSON.parse(row.filters)),
    createdBy: row.created_by,
    brokenReason: row.broken_reason,
    brokenAt: row.broken_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
