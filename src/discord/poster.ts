// Posts outbox events to subscribed channels, exactly once across restarts, each channel failing alone.
//
// Delivery protocol, per (event, channel): a row is written BEFORE the send — 'sending' (with a nonce)
// when it goes at once, 'queued' when its channel is waiting out a failure — and set to 'sent' with the
// message id after it. A 'sending' row is an attempt whose outcome is unknown (a crash, a timeout, a 5xx,
// a stop): before it is sent again, the messages posted in the channel from that attempt's own time are
// searched for ours (the nonce, or the "event #N" marker in the footer); if found it is marked sent,
// otherwise it is sent again with the SAME nonce and enforce_nonce, so Discord itself returns the earlier
// message when that one did go out within its dedupe window. That cycle is send-once.ts's, shared with the
// digest sender; this file backs its record with the delivery store. The REST client given here must
// not resend on its own (retries: 0): a resend always comes after a look.
//
// Several processes on one store: every row is CLAIMED by one process (app.processId) until a time. A send
// claims its row for `claimMs` (more than the REST timeout) and renews the claim while its request waits in
// the REST client's queue or is on its way — so however old a row is, another process leaves it alone while
// its claim holds; the sender's request is cancelled if it ever loses the claim. Only an expired claim
// is resolved by another process (looked for, then resent), and taking it over is a compare-and-set that
// one process wins. A transient failure keeps the row claimed through the channel's backoff (and a margin);
// a 'queued' row is claimed by the process whose channel backoff queued it, likewise: the channel is that
// process's to retry until its backoff ends, and another's once the claim expires (the owner died).
//
// A channel whose send fails transiently (5xx, timeout, network) waits out its own backoff, growing across
// flushes (channel-backoff.ts); its later deliveries are queued behind it, in order, and every other
// channel is posted to meanwhile. 403/404 (when sending or when looking) → the subscription is marked
// broken (shown in /alerts list) and not retried. Another 4xx fails that one delivery. A 401 is fatal
// (fatal.ts): flush() rejects with DiscordRefused and onFatal is called.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow, type REST } from 'discord.js';
import type { App } from '../app.ts';
import type { StoredEvent } from '../events.ts';
import type { Claim, Delivery } from '../store/delivery-store.ts';
import type { Logger } from '../log.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import { wants, type EventSubject, type Subscription } from '../subscriptions/subscription.ts';
import { ChannelBackoff, type BackoffPolicy } from './channel-backoff.ts';
import { packEmbeds } from './embed-limits.ts';
import { tokenRejected, type OnFatal } from './fatal.ts';
import { DiscordRefused } from './refused.ts';
import { carries, sendOnce, type AttemptRecord, type SendOnceOutcome } from './send-once.ts';
import { eventEmbed, eventMarker } from './render.ts';
import { NO_MENTIONS } from './respond.ts';
import { commitmentPageUrl } from '../web/links.ts';

export const PROPOSAL_PREFIX = 'proposal';

/** How long a stop waits for the send in flight to finish and be recorded. */
export const STOP_TIMEOUT_MS = 10_000;
/** How long a claim on a delivery lasts past its last renewal: the request timeout (15 s) and a margin. */
export const CLAIM_MS = 20_000;

export interface PosterDeps {
  app: Pick<App, 'config' | 'clock' | 'store' | 'outbox' | 'deliveries' | 'processId'>;
  /** A REST client that never resends on its own (retries: 0). */
  rest: REST;
  subscriptions: SubscriptionStore;
  logger: Logger;
  /** Flush every this many ms; 0 = only when flush() is called (tests). */
  intervalMs?: number;
  /** Each failing channel's retry schedule (default 5 s doubling to 10 min). */
  backoff?: BackoffPolicy;
  /** Called once when Discord refuses the token; the poster stops. */
  onFatal?: OnFatal;
  /** How long a claim lasts past its last renewal (default CLAIM_MS; more than the REST timeout). */
  claimMs?: number;
  /** How often a send renews its claim while its request is pending (default a quarter of claimMs). */
  renewEveryMs?: number;
}

export interface Poster {
  /** Resolves pending deliveries, then posts every event since the cursor; the number of messages sent. */
  flush(): Promise<number>;
  /** Takes no new work; waits (at most `timeoutMs`) for the send in flight to finish and be recorded. */
  stop(timeoutMs?: number): Promise<void>;
}

/** A Discord nonce is at most 25 characters: the event and the channel in base 36. */
export function deliveryNonce(eventId: number, channelId: string): string {
  return `cw-${eventId.toString(36)}-${BigInt(channelId).toString(36)}`;
}

export async function startPoster(deps: PosterDeps): Promise<Poster> {
  const { app, rest, subscriptions, logger } = deps;
  const { outbox, deliveries } = app;
  const backoff = new ChannelBackoff(deps.backoff);
  const now = () => app.clock.now().toISOString();
  let stopping = false;
  const claimMs = deps.claimMs ?? CLAIM_MS;
  const owner = app.processId;
  /** This process's claim, from now (or from `fromMs`, a channel's retry time) for claimMs. */
  const claimFrom = (fromMs = app.clock.now().getTime()): Claim => ({ owner, until: new Date(Math.max(fromMs, app.clock.now().getTime()) + claimMs).toISOString() });
  // Attempts this process made that ended without an outcome (event, channel, stamp): not in flight anywhere.
  const ended = new Set<string>();
  const attempt = (eventId: number, channelId: string, stamp: string) => `${eventId}|${channelId}|${stamp}`;

  // The first start begins at the newest event: a new bot posts what happens from now on.
  if ((await deliveries.cursor()) === undefined) await deliveries.setCursor(await outbox.newestId());

  const setRow = (eventId: number, channelId: string, change: Parameters<typeof deliveries.update>[2]) => deliveries.update(eventId, channelId, change, now());

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

  /** The attempt's record: its row in the delivery store. `ended` learns of an attempt left in doubt. */
  function rowRecord(eventId: number, channelId: string, begin: (stamp: string) => Promise<boolean>, inDoubtSince?: string): AttemptRecord {
    let stamp = inDoubtSince ?? '';
    return {
      begin: () => {
        stamp = now();
        return begin(stamp);
      },
      sent: (messageId) => setRow(eventId, channelId, { state: 'sent', messageId }),
      looked: () => ended.delete(attempt(eventId, channelId, stamp)), // settled below, or claimed afresh
      inDoubt: () => ended.add(attempt(eventId, channelId, stamp)),
      hold: (abort) => {
        const renew = () =>
          deliveries.extend(eventId, channelId, claimFrom()).then(
            (kept) => {
              if (kept) return;
              logger.warn({ channelId, event: eventId }, 'lost the claim on a delivery while sending it: the send is cancelled');
              abort();
            },
            (error: unknown) => logger.warn({ err: error, channelId, event: eventId }, 'could not renew a delivery claim'),
          );
        const timer = setInterval(() => void renew(), deps.renewEveryMs ?? Math.max(1, Math.floor(claimMs / 4)));
        timer.unref();
        return () => clearInterval(timer);
      },
    };
  }

  /** Records what an attempt (a send or a look) came to; false when the channel must wait. */
  async function settle(eventId: number, channelId: string, outcome: SendOnceOutcome, waiting: Set<string>): Promise<boolean> {
    switch (outcome.kind) {
      case 'sent':
        backoff.succeeded(channelId); // the row was set to 'sent' by its record
        return true;
      case 'taken':
        return false;
      case 'unauthorised':
        throw tokenRejected();
      case 'gone':
        await subscriptions.markBroken(channelId, outcome.reason, now());
        await setRow(eventId, channelId, { state: 'failed', error: outcome.reason });
        logger.warn({ channelId, reason: outcome.reason }, 'channel refused a post: subscription marked broken');
        return false;
      case 'rejected':
        await setRow(eventId, channelId, { state: 'failed', error: outcome.reason });
        logger.error({ channelId, event: eventId, reason: outcome.reason }, 'Discord refused this post; it is not retried');
        return false;
      case 'transient': {
        const { delayMs, failures } = backoff.failed(channelId, app.clock.now().getTime());
        waiting.add(channelId);
        // In doubt, and this process's to look for once the channel's backoff ends (another's if it dies).
        await deliveries.extend(eventId, channelId, claimFrom(backoff.retryAt(channelId)));
        logger.warn(
          { channelId, event: eventId, failures, retryInMs: delayMs, reason: outcome.reason },
          'posting to a channel failed; that channel is retried later, the others go on',
        );
        return false;
      }
    }
  }

  /**
   * Whether an unresolved row must be left alone: claimed by another process and unexpired (however old the
   * attempt), or a send of this process's own still on its way. A row from before claims (no claim) is held
   * for claimMs after its attempt began.
   */
  function heldElsewhere(row: Delivery): boolean {
    const until = row.claimUntil ?? (row.state === 'sending' ? new Date(Date.parse(row.updatedAt) + claimMs).toISOString() : undefined);
    if (until === undefined || until <= now()) return false;
    if (row.claimOwner !== owner) return true;
    return row.state === 'sending' && !ended.has(attempt(row.eventId, row.channelId, row.updatedAt));
  }

  /** Unresolved rows, oldest first: a 'sending' one is looked for before it is sent again; a 'queued' one was never sent. */
  async function resolvePending(waiting: Set<string>): Promise<number> {
    const pending = await deliveries.unresolved();
    let sent = 0;
    for (const row of pending) {
      if (stopping) break;
      if (waiting.has(row.channelId)) continue; // later rows of a failing channel wait behind the first
      if (heldElsewhere(row)) {
        waiting.add(row.channelId); // another process's (or on its way): the channel's later alerts queue behind it
        continue;
      }
      const sub = await subscriptions.get(row.channelId);
      if (!sub || sub.brokenReason) {
        await setRow(row.eventId, row.channelId, { state: 'failed', error: sub?.brokenReason ?? 'no longer subscribed' });
        continue;
      }
      const lookSince = row.state === 'sending' ? row.updatedAt : undefined;
      let event: StoredEvent | undefined;
      // Claimed and stamped before it goes (a later look starts from this attempt). The claim holds only if
      // the row is as read: another process resolving the same row at the same moment finds it taken.
      const claim = async (stamp: string): Promise<boolean> => {
        event = await outbox.get(row.eventId);
        if (!event) {
          await setRow(row.eventId, row.channelId, { state: 'failed', error: 'the event no longer exists or cannot be read' });
          return false;
        }
        return deliveries.claim(row, stamp, claimFrom(Date.parse(stamp)));
      };
      const outcome = await sendOnce({
        rest,
        channelId: row.channelId,
        nonce: row.nonce,
        isOurs: carries(row.nonce, eventMarker(row.eventId)),
        lookSince,
        record: rowRecord(row.eventId, row.channelId, claim, lookSince),
        message: () => ({ body: body(event as StoredEvent) }), // built once claimed, so the event was read
      });
      if ((await settle(row.eventId, row.channelId, outcome, waiting)) && !(outcome.kind === 'sent' && outcome.found)) sent++;
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
    const to = event.type === 'status-change' ? event.payload.to : undefined;
    return {
      type: event.type,
      commitmentId: event.commitmentId,
      registerId: c?.registerId,
      department: c?.department,
      originalDepartment: c?.originalDepartment,
      themes,
      status: to ?? c?.status,
    };
  }

  async function deliver(event: StoredEvent, sub: Subscription, waiting: Set<string>): Promise<boolean> {
    const nonce = deliveryNonce(event.id, sub.channelId);
    const state = waiting.has(sub.channelId) ? 'queued' : 'sending';
    if (state === 'queued') {
      await deliveries.open(event.id, sub.channelId, state, nonce, now(), claimFrom(backoff.retryAt(sub.channelId)));
      return false;
    }
    const outcome = await sendOnce({
      rest,
      channelId: sub.channelId,
      nonce,
      isOurs: carries(nonce, eventMarker(event.id)),
      // Opened as 'sending' before it goes; false when already delivered (or being resolved).
      record: rowRecord(event.id, sub.channelId, (stamp) => deliveries.open(event.id, sub.channelId, state, nonce, stamp, claimFrom(Date.parse(stamp)))),
      message: () => ({ body: body(event) }),
    });
    return settle(event.id, sub.channelId, outcome, waiting);
  }

  async function flushOnce(): Promise<number> {
    const waiting = backoff.waiting(app.clock.now().getTime());
    let sent = await resolvePending(waiting);
    for (;;) {
      const batch = await outbox.after((await deliveries.cursor()) ?? 0, 100);
      for (const event of batch) {
        // A stop between two deliveries: the cursor stays, and the rows written say what is done.
        if (stopping) return sent;
        const subs = (await subscriptions.list()).filter((s) => s.frequency === 'immediately' && !s.brokenReason && s.createdAt <= event.createdAt);
        if (subs.length) {
          const subject = await subjectOf(event);
          for (const sub of subs) {
            if (stopping) return sent;
            if (!wants(sub.filters, subject)) continue;
            if (await deliver(event, sub, waiting)) sent++;
          }
        }
        await deliveries.setCursor(event.id);
      }
      if (batch.length < 100) return sent;
    }
  }

  let running: Promise<number> | undefined;
  const flush = (): Promise<number> => {
    if (stopping) return Promise.resolve(0);
    return (running ??= flushOnce().finally(() => {
      running = undefined;
    }));
  };
  const timer = deps.intervalMs
    ? setInterval(() => {
        flush().catch((error: unknown) => {
          if (error instanceof DiscordRefused) {
            clearInterval(timer);
            deps.onFatal?.(error);
          } else logger.error({ err: error }, 'posting failed; will retry');
        });
      }, deps.intervalMs)
    : undefined;
  timer?.unref();
  return {
    flush,
    stop: async (timeoutMs = STOP_TIMEOUT_MS) => {
      stopping = true;
      clearInterval(timer);
      if (!running) return;
      let bound: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        running.then(
          () => false,
          () => false,
        ),
        new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), timeoutMs))),
      ]);
      clearTimeout(bound);
      if (gaveUp) logger.warn({ timeoutMs }, 'a post was still in flight at the stop; it is looked for at the next start');
    },
  };
}
