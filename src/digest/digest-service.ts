// The digest scheduler: every minute (node-cron, in TIMEZONE) and once at start (catch-up after
// downtime), each subscription's due windows are recorded as runs (digest-runs.ts) and every pending run
// is handed to the DigestSender — in console mode one that prints, in Discord mode one that posts through
// discord.js's REST client. Clock and cron are injected: tests call tick(now) and never wait.
import type { DiscordRest } from '../discord/rest.ts';
import { minuteSlot, nodeCronScheduler, type CronLike } from '../cron.ts';
import { newProcessId } from '../process-identity.ts';
import type { App } from '../app.ts';
import type { Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import { discordPacer } from '../send-pacer.ts';
import type { Service, ServiceStarter } from '../service.ts';
import type { SubscriptionStore } from '../subscriptions/subscription-store.ts';
import type { Subscription, SubscriptionFilters } from '../subscriptions/subscription.ts';
import { buildBatch, renderBatchMessages } from './batches.ts';
import { buildDigest, type Digest, type DigestDeps } from './build-digest.ts';
import { runNonceBase, type DigestRun, type DigestRunStore, type RunKind } from './digest-runs.ts';
import { renderDigestMessages, renderDigestText, type RenderedMessage } from './render-digest.ts';
import { currentWindow, dailySchedule, digestSchedule, dueWindows, type ScheduleSpec, type Window } from './schedule.ts';
import { consoleSender, type DigestSender } from './sender.ts';

export interface DigestServiceDeps {
  app: Pick<App, 'outbox' | 'store' | 'digestRuns' | 'config'>;
  subscriptions: SubscriptionStore;
  sender: DigestSender;
  clock: Clock;
  logger?: Logger;
  /** This process, as the holder of run leases (app.processId); default: a new identity. */
  owner?: string;
  /**
   * Takes this pass's scheduled firing (its minute) for this process; false when another process has it.
   * Only the taker records (renders) what is due; every process sends pending runs, each under its lease.
   * Absent: every pass records.
   */
  takeFiring?: (at: Date) => Promise<boolean>;
}

export interface DigestTickReport {
  at: string;
  /** Runs recorded by this tick (including skipped ones). */
  recorded: DigestRun[];
  /** Runs fully posted by this tick. */
  posted: number[];
  /** Runs left pending (a transient failure or a crash while sending): tried again next tick. */
  failed: { runId: number; error: string }[];
}

const digestDeps = (app: DigestServiceDeps['app']): DigestDeps => ({ outbox: app.outbox, store: app.store, timeZone: app.config.timeZone });

/** The digest a subscription (or no filters at all) would receive for a window, and its messages. */
export async function composeDigest(
  app: DigestServiceDeps['app'],
  filters: SubscriptionFilters,
  window: Window,
  now: Date,
  options: { late?: boolean; nonceBase?: string; timeZone?: string; built?: Map<string, Promise<Digest>> } = {},
): Promise<{ digest: Digest; messages: RenderedMessage[]; text: string }> {
  const late = options.late ?? false;
  const build = () => buildDigest(digestDeps(app), filters, window, now, { late });
  let digest: Digest;
  if (options.built) {
    // The same filters, window and moment make the same digest: built once for every channel that shares them.
    const key = JSON.stringify([filters, window.start, window.end, now, late]);
    let building = options.built.get(key);
    if (!building) {
      const started = build();
      started.catch(() => options.built?.delete(key)); // a failure is not kept: the next try builds again
      options.built.set(key, (building = started));
    }
    digest = await building;
  } else digest = await build();
  const render = { timeZone: options.timeZone ?? app.config.timeZone, publicUrl: app.config.publicUrl };
  return { digest, messages: renderDigestMessages(digest, render, options.nonceBase), text: renderDigestText(digest, render) };
}

/** What the next digest of a subscription would say if it were posted now: the window ending at its latest due time. */
export async function previewDigest(app: DigestServiceDeps['app'], subscription: Subscription | undefined, now: Date) {
  const window = subscription
    ? currentWindow(digestSchedule(subscription, app.config.timeZone), now)
    : { start: new Date(now.getTime() - 7 * 86_400_000), end: now };
  return { window, ...(await composeDigest(app, subscription?.filters ?? NO_FILTERS, window, now, { timeZone: subscription?.timeZone })) };
}

export const NO_FILTERS: SubscriptionFilters = { commitments: [], departments: [], themes: [], statuses: [] };

/** How long a sender holds a run: far longer than sending a few messages takes; a crash's lease expires. */
const LEASE_MS = 5 * 60_000;

export class DigestService {
  readonly runs: DigestRunStore;
  /** Who holds a run's lease while this service sends it. */
  readonly owner: string;
  private readonly logger: Logger;
  /** Digests built during the pass at `builtFor` (a weekly digest to thousands of channels is built once). */
  private built = new Map<string, Promise<Digest>>();
  private builtFor = 0;
  private running: Promise<DigestTickReport> | undefined;
  private stopping = false;

  constructor(private readonly deps: DigestServiceDeps) {
    this.runs = deps.app.digestRuns;
    this.owner = deps.owner ?? newProcessId();
    this.logger = deps.logger ?? silentLogger;
  }

  /** One pass: record what is due, then send what is pending. Overlapping calls share one pass. */
  tick(now: Date = this.deps.clock.now()): Promise<DigestTickReport> {
    if (this.stopping) return Promise.resolve({ at: now.toISOString(), recorded: [], posted: [], failed: [] });
    return (this.running ??= this.pass(now).finally(() => (this.running = undefined)));
  }

  /** Takes no new work: the part in flight finishes and is recorded; the rest waits for the next start. */
  halt(): void {
    this.stopping = true;
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /**
   * Records what is due while sending what is pending, side by side: at thousands of channels, recording
   * them all first held the first post 11.6 s while the rate limit's slots went unused; sending each run
   * as it was recorded left a second process little to share. A run tried in this pass (and failed) waits
   * for the next one.
   */
  private async pass(now: Date): Promise<DigestTickReport> {
    const report: DigestTickReport = { at: now.toISOString(), recorded: [], posted: [], failed: [] };
    let recording = true;
    let wake = (): void => undefined;
    const recorded = (): void => wake();
    const record = (async () => {
      try {
        if (!this.deps.takeFiring || (await this.deps.takeFiring(now))) await this.recordAll(now, report, recorded);
      } finally {
        recording = false;
        wake();
      }
    })();
    record.catch(() => undefined); // handled here, so a failure waits for the `await` below instead of ending the process
    const tried = new Set<number>();
    while (!this.stopping) {
      const finished = !recording;
      const next = new Promise<void>((resolve) => (wake = resolve));
      const batch = (await this.runs.pending()).filter((run) => !tried.has(run.id));
      for (const run of batch) {
        if (this.stopping) break;
        tried.add(run.id);
        await this.deliver(run, now, report);
      }
      if (finished && batch.length === 0) break;
      if (batch.length === 0) await next; // until another run is recorded, or the recording ends
    }
    await record;
    return report;
  }

  /** Records the windows now due (digests, daily and weekly batches) of every subscription. */
  private async recordAll(now: Date, report: DigestTickReport, recorded: () => void): Promise<void> {
    for (const sub of await this.deps.subscriptions.list()) {
      if (this.stopping) return;
      if (sub.brokenReason) continue;
      const before = report.recorded.length;
      try {
        if (sub.digest) await this.recordDue(sub, 'digest', digestSchedule(sub, this.deps.app.config.timeZone), now, report);
        if (sub.frequency === 'daily') await this.recordDue(sub, 'daily', dailySchedule(sub, this.deps.app.config.timeZone), now, report);
        if (sub.frequency === 'weekly') await this.recordDue(sub, 'weekly', digestSchedule(sub, this.deps.app.config.timeZone), now, report);
      } catch (error) {
        this.logger.error({ err: error, channelId: sub.channelId }, 'could not record a digest');
      }
      if (report.recorded.length > before) recorded();
    }
  }

  private builtAt(now: Date): Map<string, Promise<Digest>> {
    if (this.builtFor !== now.getTime()) this.built = new Map();
    this.builtFor = now.getTime();
    return this.built;
  }

  private async recordDue(sub: Subscription, kind: RunKind, spec: ScheduleSpec, now: Date, report: DigestTickReport): Promise<void> {
    const lastEnd = await this.runs.lastEnd(sub.id, kind);
    for (const window of dueWindows(spec, lastEnd, now, new Date(sub.createdAt))) {
      const { run, created } = await this.runs.record(
        {
          subscriptionId: sub.id,
          channelId: sub.channelId,
          kind,
          window,
          late: window.late,
          render: async (nonceBase) => {
            if (kind === 'digest') {
              const { digest, messages } = await composeDigest(this.deps.app, sub.filters, window, now, {
                late: window.late,
                nonceBase,
                timeZone: sub.timeZone,
                built: this.builtAt(now),
              });
              return digest.quiet && !sub.quietDigest ? [] : messages;
            }
            const batch = await buildBatch(digestDeps(this.deps.app), kind, sub.filters, window, window.late);
            return renderBatchMessages(batch, sub.timeZone, nonceBase);
          },
        },
        now,
      );
      if (created) {
        report.recorded.push(run);
        this.logger.info(
          { channelId: sub.channelId, kind, start: run.windowStart, end: run.windowEnd, late: run.late, parts: run.partsTotal, state: run.state },
          'digest recorded',
        );
      }
    }
  }

  private async deliver(listed: DigestRun, now: Date, report: DigestTickReport): Promise<void> {
    const sub = await this.deps.subscriptions.getById(listed.subscriptionId);
    if (!sub || sub.channelId !== listed.channelId || sub.brokenReason) {
      await this.runs.abandon(listed.id, sub?.brokenReason ?? 'no longer subscribed', now);
      return;
    }
    // A pass may have run for a while since `now`: leases count from the moment they are taken.
    const current = () => new Date(Math.max(now.getTime(), this.deps.clock.now().getTime()));
    // Another process may be sending it right now; it stays pending until that one finishes or its lease
    // ends. The run to send is the one claim read, not the copy from the start of the pass.
    const claimed = await this.runs.claim(listed.id, this.owner, current(), new Date(current().getTime() + LEASE_MS));
    if (!claimed) return;
    const run = claimed;
    const parts = run.messages.slice(run.partsSent).map((m, i) => ({ ...m, part: run.partsSent + i }));
    try {
      const result = await this.deps.sender.send(run.channelId, parts, runNonceBase(run.kind, run.subscriptionId, new Date(run.windowStart)), {
        resumed: run.attempts > 0,
        since: run.updatedAt,
        stopping: () => this.stopping,
        onSent: async (part, messageId) => {
          await this.runs.partSent(run.id, part, messageId, current());
          await this.runs.extend(run.id, this.owner, new Date(current().getTime() + LEASE_MS));
        },
      });
      if (result.ok) {
        report.posted.push(run.id);
        return;
      }
      if (result.error.kind === 'gone') {
        await this.runs.abandon(run.id, result.error.message, now);
        this.logger.warn({ channelId: run.channelId, run: run.id }, 'channel refused a digest: subscription marked broken');
      } else {
        await this.runs.failed(run.id, result.error.message, now);
      }
      report.failed.push({ runId: run.id, error: result.error.message });
    } catch (error) {
      // A sender that throws (a crash while posting) leaves the run pending at the last part recorded.
      const message = error instanceof Error ? error.message : String(error);
      await this.runs.failed(run.id, message, now);
      report.failed.push({ runId: run.id, error: message });
      this.logger.error({ err: error, run: run.id }, 'posting a digest failed; it is resumed next tick');
    } finally {
      await this.runs
        .release(run.id, this.owner)
        .catch((error: unknown) => this.logger.warn({ err: error, run: run.id }, 'could not release a digest lease; it expires'));
    }
  }
}

/** The scheduler_firings job of the digest scheduler's minutes. */
export const DIGEST_JOB = 'digests';

export interface StartDigestOptions {
  cron?: CronLike;
  sender?: DigestSender;
}

/** Starts the scheduler: a catch-up pass now, then one every minute. */
export async function startDigestService(
  app: App,
  deps: { clock: Clock; logger: Logger; write: (line: string) => void; discordRest?: DiscordRest | undefined },
  options: StartDigestOptions = {},
): Promise<Service & { service: DigestService }> {
  const subscriptions = app.subscriptions;
  const discord = app.config.discord;
  // discord.js is loaded only in Discord mode, so console mode never holds it.
  const sender =
    options.sender ??
    (discord
      ? (await import('../discord/digest-sender.ts')).discordDigestSender(
          discord,
          { ...deps, pacer: deps.discordRest ? undefined : discordPacer(app.sendSlots, app.config.discordGlobalRate) },
          subscriptions,
        )
      : consoleSender(deps.write));
  // Each minute's firing is recorded by one process; the loser only sends what is pending (under leases).
  const takeFiring = async (at: Date): Promise<boolean> => {
    const won = await app.schedulers.take(DIGEST_JOB, minuteSlot(at), app.processId, at.toISOString());
    if (won && at.getUTCMinutes() === 0) await app.schedulers.prune(new Date(at.getTime() - 86_400_000).toISOString());
    return won;
  };
  const service = new DigestService({ app, subscriptions, sender, clock: deps.clock, logger: deps.logger, owner: app.processId, takeFiring });
  const safeTick = () =>
    service.tick().catch((error: unknown) => {
      deps.logger.error({ err: error }, 'digest tick failed');
    });
  const first = safeTick();
  const task = (options.cron ?? nodeCronScheduler).schedule('* * * * *', safeTick, { timezone: app.config.timeZone, name: 'digests' });
  return {
    name: 'digests',
    service,
    stop: async () => {
      service.halt();
      task.stop();
      await first;
      await service.idle();
    },
  };
}

export const digestServiceStarter: ServiceStarter = (app, deps) => startDigestService(app, deps);
