// Posts outbox events to subscribed channels, exactly once across restarts.
//
// Delivery protocol, per (event, channel): a row is written as 'sending' (with a nonce) BEFORE the
// send and set to 'sent' with the message id after it. A row found 'sending' (a crash or a failed send
// between the two writes) is resolved before anything new is posted: the 100 messages posted in the
// channel just after the latest attempt began (a minute earlier, for clock skew) are searched for ours (the
// nonce, or the "event #N" marker in the embed footer) — however many came later; if found it is
// marked sent, otherwise it is sent again with the SAME nonce and enforce_nonce, so Discord itself
// returns the earlier message instead of a duplicate when that one did go out within its dedupe window.
// Residual window: more than 100 messages in that channel within the minute before the send, and the
// restart outside Discord's nonce window (a few minutes).
//
// 403/404 → the subscription is marked broken (shown in /alerts list) and not retried. 429 is retried
// by discord.js's REST; 5xx and network errors get bounded retries with exponential backoff here,
// then the row stays 'sending' and the next flush resolves it as above.
import {
  ButtonStyle,
  ComponentType,
  DiscordAPIError,
  Routes,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIMessage,
  type REST,
} from 'discord.js';
import type { Kysely } from 'kysely';
import type { App } from '../app.ts';
import type { Database } from '../db/tables.ts';
import { eventsAfter, type StoredEvent } from '../events.ts';
import type { Logger } from '../log.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import { wants, type EventSubject, type Subscription } from '../subscriptions/subscription.ts';
import { packEmbeds } from './embed-limits.ts';
import { eventEmbed, eventMarker } from './render.ts';
import { messagesAfterQuery } from './snowflake.ts';
import { NO_MENTIONS } from './respond.ts';
import { commitmentPageUrl } from '../web/links.ts';

export const PROPOSAL_PREFIX = 'proposal';
const CURSOR_KEY = 'poster_cursor';

export interface RetryPolicy {
  /** Attempts for a 5xx or network error, the first included. */
  attempts: number;
  baseDelayMs: number;
}

export interface PosterDeps {
  app: App;
  rest: REST;
  subscriptions: SubscriptionStore;
  logger: Logger;
  /** Flush every this many ms; 0 = only when flush() is called (tests). */
  intervalMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

export interface Poster {
  /** Resolves pending deliveries, then posts every event since the cursor; the number of messages sent. */
  flush(): Promise<number>;
  stop(): void;
}

/** A Discord nonce is at most 25 characters: the event and the channel in base 36. */
export function deliveryNonce(eventId: number, channelId: string): string {
  return `cw-${eventId.toString(36)}-${BigInt(channelId).toString(36)}`;
}

const ok5xx = (e: unknown) => !(e instanceof DiscordAPIError) || e.status >= 500;

export async function startPoster(deps: PosterDeps): Promise<Poster> {
  const { app, rest, subscriptions, logger } = deps;
  const db: Kysely<Database> = app.db;
  const retry = deps.retry ?? { attempts: 4, baseDelayMs: 1_000 };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = () => app.clock.now().toISOString();

  // The first start begins at the newest event: a new bot posts what happens from now on.
  const existing = await db.selectFrom('discord_state').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
  if (!existing) {
    const newest = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    await setCursor(Number(newest?.id ?? 0));
  }

  async function cursor(): Promise<number> {
    const row = await db.selectFrom('discord_state').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
    return Number(row?.value ?? 0);
  }
  async function setCursor(id: number): Promise<void> {
    await db
      .insertInto('discord_state')
      .values({ key: CURSOR_KEY, value: String(id) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(id) }))
      .execute();
  }

  async function withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!ok5xx(error) || attempt >= retry.attempts) throw error;
        const delay = retry.baseDelayMs * 2 ** (attempt - 1);
        logger.warn({ what, attempt, delay, status: error instanceof DiscordAPIError ? error.status : undefined }, 'Discord send failed; retrying');
        await sleep(delay);
      }
    }
  }

  function body(event: StoredEvent) {
    const pageUrl = event.commitmentId ? commitmentPageUrl(app.config.publicUrl, event.commitmentId) : undefined;
    const [embeds = []] = packEmbeds([eventEmbed(event, undefined, pageUrl)]);
    const components: APIActionRowComponent<APIComponentInMessageActionRow>[] =
      event.type === 'status-proposal'
        ? [
            {
              type: ComponentType.ActionRow,
              components: [
                { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Confirm', custom_id: `${PROPOSAL_PREFIX}|confirm|${event.id}` },
                { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Dismiss', custom_id: `${PROPOSAL_PREFIX}|dismiss|${event.id}` },
              ],
            },
          ]
        : [];
    return { embeds, components, allowed_mentions: NO_MENTIONS };
  }

  /** Sends one event to one channel; 'sent' | 'broken' | throws (transient). */
  async function send(event: StoredEvent, channelId: string, nonce: string): Promise<'sent' | 'broken'> {
    try {
      const message = (await withRetries(`event ${event.id} to ${channelId}`, () =>
        rest.post(Routes.channelMessages(channelId), { body: { ...body(event), nonce, enforce_nonce: true } }),
      )) as APIMessage;
      await db.updateTable('discord_deliveries').set({ state: 'sent', message_id: message.id, updated_at: now() }).where('event_id', '=', event.id).where('channel_id', '=', channelId).execute();
      return 'sent';
    } catch (error) {
      if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
        const reason = `Discord answered ${error.status} (${error.code}: ${error.message}) when posting`;
        await subscriptions.markBroken(channelId, reason, now());
        await db.updateTable('discord_deliveries').set({ state: 'failed', error: reason, updated_at: now() }).where('event_id', '=', event.id).where('channel_id', '=', channelId).execute();
        logger.warn({ channelId, status: error.status }, 'channel refused a post: subscription marked broken');
        return 'broken';
      }
      throw error;
    }
  }

  /** A 'sending' row: find the message if it went out, else send again with the same nonce. */
  async function resolvePending(): Promise<number> {
    const pending = await db.selectFrom('discord_deliveries').selectAll().where('state', '=', 'sending').orderBy('event_id').execute();
    let sent = 0;
    for (const row of pending) {
      const sub = await subscriptions.get(row.channel_id);
      if (!sub || sub.brokenReason) {
        await db.updateTable('discord_deliveries').set({ state: 'failed', error: 'no longer subscribed', updated_at: now() }).where('event_id', '=', row.event_id).where('channel_id', '=', row.channel_id).execute();
        continue;
      }
      let found: APIMessage | undefined;
      try {
        // From the latest attempt: each resend stamps updated_at before it goes.
        const query = messagesAfterQuery(row.updated_at);
        const recent = (await withRetries('messages after the send', () => rest.get(Routes.channelMessages(row.channel_id), { query }))) as APIMessage[];
        const marker = eventMarker(row.event_id);
        found = recent.find((m) => m.nonce === row.nonce || m.embeds.some((e) => e.footer?.text.endsWith(marker)));
      } catch (error) {
        if (!(error instanceof DiscordAPIError && error.status === 403)) throw error; // no Read Message History: fall back on the nonce
      }
      if (found) {
        await db.updateTable('discord_deliveries').set({ state: 'sent', message_id: found.id, updated_at: now() }).where('event_id', '=', row.event_id).where('channel_id', '=', row.channel_id).execute();
        continue;
      }
      const [event] = await eventsAfter(db, row.event_id - 1, 1);
      if (!event || event.id !== row.event_id) continue;
      await db.updateTable('discord_deliveries').set({ updated_at: now() }).where('event_id', '=', row.event_id).where('channel_id', '=', row.channel_id).execute();
      if ((await send(event, row.channel_id, row.nonce)) === 'sent') sent++;
    }
    return sent;
  }

  async function subjectOf(event: StoredEvent): Promise<EventSubject> {
    if (!event.commitmentId) return { type: event.type };
    const c = await app.store.getCommitment(event.commitmentId);
    const themes: string[] = [];
    for (const n of c?.recommendations ?? []) {
      const rec = await app.store.getRecommendation(n, c?.registerId);
      if (rec) themes.push(rec.theme);
    }
    const to = event.type === 'status-change' ? (event.payload.to as EventSubject['status']) : undefined;
    return { type: event.type, commitmentId: event.commitmentId, department: c?.department, originalDepartment: c?.originalDepartment, themes, status: to ?? c?.status };
  }

  async function deliver(event: StoredEvent, sub: Subscription): Promise<boolean> {
    const nonce = deliveryNonce(event.id, sub.channelId);
    const inserted = await db
      .insertInto('discord_deliveries')
      .values({ event_id: event.id, channel_id: sub.channelId, state: 'sending', nonce, message_id: null, error: null, created_at: now(), updated_at: now() })
      .onConflict((oc) => oc.columns(['event_id', 'channel_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false; // already delivered (or being resolved)
    return (await send(event, sub.channelId, nonce)) === 'sent';
  }

  async function flushOnce(): Promise<number> {
    let sent = await resolvePending();
    for (;;) {
      const batch = await eventsAfter(db, await cursor(), 100);
      for (const event of batch) {
        const subs = (await subscriptions.list()).filter((s) => s.frequency === 'immediately' && !s.brokenReason && s.createdAt <= event.createdAt);
        if (subs.length) {
          const subject = await subjectOf(event);
          for (const sub of subs) {
            if (!wants(sub.filters, subject)) continue;
            if (await deliver(event, sub)) sent++;
          }
        }
        await setCursor(event.id);
      }
      if (batch.length < 100) return sent;
    }
  }

  let running: Promise<number> | undefined;
  const flush = () =>
    (running ??= flushOnce().finally(() => {
      running = undefined;
    }));
  const timer = deps.intervalMs
    ? setInterval(() => {
        flush().catch((error: unknown) => logger.error({ err: error }, 'posting failed; will retry'));
      }, deps.intervalMs)
    : undefined;
  timer?.unref();
  return { flush, stop: () => clearInterval(timer) };
}
