// The Discord poster's record of what it posted where (discord_deliveries) and how far it has read the
// outbox (the cursor in discord_state). The delivery protocol that uses them is in src/discord/poster.ts.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { DiscordDeliveriesTable } from '../discord/tables.ts';

/** queued: waiting behind its failing channel, never sent; sending: written before a send whose outcome is not yet known; sent: with the message id; failed: refused (or no longer subscribed). */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'failed';

export interface Delivery {
  eventId: number;
  channelId: string;
  state: DeliveryState;
  nonce: string;
  messageId: string | null;
  error: string | null;
  createdAt: string;
  /** When the row last changed: a 'sending' attempt went out at or after it. */
  updatedAt: string;
}

export interface DeliveryStore {
  /** The id of the last event the poster has dealt with; undefined before its first start. */
  cursor(): Promise<number | undefined>;
  setCursor(eventId: number): Promise<void>;
  /** Writes the row for (event, channel) before anything is sent; false when there already is one. */
  open(eventId: number, channelId: string, state: 'queued' | 'sending', nonce: string, now: string): Promise<boolean>;
  /**
   * Takes a row for a resend, stamped `now`, only if it is still as it was read (state and time): another
   * process resolving the same row at the same moment finds it taken. True when this process has it.
   */
  claim(row: Pick<Delivery, 'eventId' | 'channelId' | 'state' | 'updatedAt'>, now: string): Promise<boolean>;
  update(eventId: number, channelId: string, change: { state?: DeliveryState; messageId?: string; error?: string }, now: string): Promise<void>;
  /** Rows still 'sending' or 'queued', oldest event first. */
  unresolved(): Promise<Delivery[]>;
  /** The posted copies of an event: where each went and its message id. */
  sentCopies(eventId: number): Promise<{ channelId: string; messageId: string }[]>;
}

const CURSOR_KEY = 'poster_cursor';

function toDelivery(r: Selectable<DiscordDeliveriesTable>): Delivery {
  return {
    eventId: r.event_id,
    channelId: r.channel_id,
    state: r.state as DeliveryState,
    nonce: r.nonce,
    messageId: r.message_id,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class KyselyDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async cursor(): Promise<number | undefined> {
    const row = await this.db.selectFrom('discord_state').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
    return row ? Number(row.value) : undefined;
  }

  async setCursor(eventId: number): Promise<void> {
    await this.db
      .insertInto('discord_state')
      .values({ key: CURSOR_KEY, value: String(eventId) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(eventId) }))
      .execute();
  }

  async open(eventId: number, channelId: string, state: 'queued' | 'sending', nonce: string, now: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('discord_deliveries')
      .values({ event_id: eventId, channel_id: channelId, state, nonce, message_id: null, error: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['event_id', 'channel_id']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async claim(row: Pick<Delivery, 'eventId' | 'channelId' | 'state' | 'updatedAt'>, now: string): Promise<boolean> {
    const claimed = await this.db
      .updateTable('discord_deliveries')
      .set({ state: 'sending', updated_at: now })
      .where('event_id', '=', row.eventId)
      .where('channel_id', '=', row.channelId)
      .where('state', '=', row.state)
      .where('updated_at', '=', row.updatedAt)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0;
  }

  async update(eventId: number, channelId: string, change: { state?: DeliveryState; messageId?: string; error?: string }, now: string): Promise<void> {
    await this.db
      .updateTable('discord_deliveries')
      .set({
        ...(change.state ? { state: change.state } : {}),
        ...(change.messageId !== undefined ? { message_id: change.messageId } : {}),
        ...(change.error !== undefined ? { error: change.error } : {}),
        updated_at: now,
      })
      .where('event_id', '=', eventId)
      .where('channel_id', '=', channelId)
      .execute();
  }

  async unresolved(): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('discord_deliveries').selectAll().where('state', 'in', ['sending', 'queued']).orderBy('event_id').execute();
    return rows.map(toDelivery);
  }

  async sentCopies(eventId: number): Promise<{ channelId: string; messageId: string }[]> {
    const rows = await this.db
      .selectFrom('discord_deliveries')
      .select(['channel_id', 'message_id'])
      .where('event_id', '=', eventId)
      .where('state', '=', 'sent')
      .execute();
    return rows.flatMap((r) => (r.message_id ? [{ channelId: r.channel_id, messageId: r.message_id }] : []));
  }
}
