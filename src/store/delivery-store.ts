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
  /** The process that holds the row (sending it, or holding it queued behind its failing channel), until when; null before migration 0007. */
  claimOwner: string | null;
  claimUntil: string | null;
}

/** A process's hold on a row: only the owner touches it until it expires (ISO, compared as text). */
export interface Claim {
  owner: string;
  until: string;
}

export interface DeliveryStore {
  /** The id of the last event the poster has dealt with; undefined before its first start. */
  cursor(): Promise<number | undefined>;
  /** Moves the cursor forward to `eventId`; never back (another process may already be further on). */
  setCursor(eventId: number): Promise<void>;
  /** Writes the row for (event, channel), claimed, before anything is sent; false when there already is one. */
  open(eventId: number, channelId: string, state: 'queued' | 'sending', nonce: string, now: string, claim: Claim): Promise<boolean>;
  /**
   * Takes a row for a resend, stamped `now`, only if it is still as it was read (state and time) and its
   * claim has expired (or is the taker's own): another process resolving the same row at the same moment,
   * or one still sending it, keeps it. True when this process has it, claimed as given.
   */
  claim(row: Pick<Delivery, 'eventId' | 'channelId' | 'state' | 'updatedAt'>, now: string, claim: Claim): Promise<boolean>;
  /** Keeps the owner's claim on an unresolved row until `claim.until`; false when it is no longer the owner's. */
  extend(eventId: number, channelId: string, claim: Claim): Promise<boolean>;
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
    claimOwner: r.claim_owner,
    claimUntil: r.claim_until,
  };
}

export class KyselyDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async cursor(): Promise<number | undefined> {
    const row = await this.db.selectFrom('discord_state').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
    return row ? Number(row.value) : undefined;
  }

  async setCursor(eventId: number): Promise<void> {
    // Compare-and-set on the value read (text, so no cast is needed): a process that read an older cursor
    // and lost the race reads again, and stops once the stored one is at or past its own.
    for (;;) {
      const current = await this.cursor();
      if (current !== undefined && current >= eventId) return;
      if (current === undefined) {
        const inserted = await this.db
          .insertInto('discord_state')
          .values({ key: CURSOR_KEY, value: String(eventId) })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return;
        continue;
      }
      const moved = await this.db
        .updateTable('discord_state')
        .set({ value: String(eventId) })
        .where('key', '=', CURSOR_KEY)
        .where('value', '=', String(current))
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) > 0) return;
    }
  }

  async open(eventId: number, channelId: string, state: 'queued' | 'sending', nonce: string, now: string, claim: Claim): Promise<boolean> {
    const inserted = await this.db
      .insertInto('discord_deliveries')
      .values({
        event_id: eventId,
        channel_id: channelId,
        state,
        nonce,
        message_id: null,
        error: null,
        created_at: now,
        updated_at: now,
        claim_owner: claim.owner,
        claim_until: claim.until,
      })
      .onConflict((oc) => oc.columns(['event_id', 'channel_id']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async claim(row: Pick<Delivery, 'eventId' | 'channelId' | 'state' | 'updatedAt'>, now: string, claim: Claim): Promise<boolean> {
    const claimed = await this.db
      .updateTable('discord_deliveries')
      .set({ state: 'sending', updated_at: now, claim_owner: claim.owner, claim_until: claim.until })
      .where('event_id', '=', row.eventId)
      .where('channel_id', '=', row.channelId)
      .where('state', '=', row.state)
      .where('updated_at', '=', row.updatedAt)
      .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<=', now), eb('claim_owner', '=', claim.owner)]))
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0;
  }

  async extend(eventId: number, channelId: string, claim: Claim): Promise<boolean> {
    const kept = await this.db
      .updateTable('discord_deliveries')
      .set({ claim_until: claim.until })
      .where('event_id', '=', eventId)
      .where('channel_id', '=', channelId)
      .where('state', 'in', ['sending', 'queued'])
      .where('claim_owner', '=', claim.owner)
      .executeTakeFirst();
    return Number(kept.numUpdatedRows) > 0;
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
