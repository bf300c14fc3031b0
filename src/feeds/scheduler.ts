// The feed scheduler: a node-cron task ticking every minute in TIMEZONE. Each feed has a fixed SLOT
// inside its interval — a hash of its id and URL modulo the interval, as MonitoRSS does — so a feed polled
// every 15 minutes always goes at, say, :04, :19, :34 and :49, and the feeds spread over the interval
// instead of all going at once. A tick polls the feeds whose slot it is without waiting for them, so a
// slow feed never delays the next tick or another feed; a feed still being polled at its next slot is
// skipped (never two polls of one feed at once). Backoff, Retry-After and a fresh publisher cache are the
// poller's to honour. Deadlines are checked at start and whenever the local date changes.
//
// The clock and the cron are injected: tests call tick(at) directly and never wait.
import { createHash } from 'node:crypto';
import { nodeCronScheduler, type CronLike } from '../cron.ts';
import { DateTime } from 'luxon';
import type { App } from '../app.ts';
import type { Clock } from '../clock.ts';
import { todayIn } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Service, ServiceStarter } from '../service.ts';
import { DEFAULT_FEEDS_FILE, formatFeedListProblem, loadFeedList, type FeedSpec } from './feed-list.ts';
import { configuredChangeNotes } from './change-notes.ts';
import type { FeedStore } from './feed-store.ts';
import type { Fetcher } from './fetch.ts';
import { Poller, type FeedReport } from './poller.ts';
import { feedFetcher } from './user-agent.ts';

const MINUTE = 60_000;
/** The scheduler_firings job of the daily deadline (overdue) check; its slot is the local date. */
export const DEADLINES_JOB = 'deadlines';
const DAY_MINUTES = 24 * 60;

/** The feed's slot: minutes into its interval (0 ≤ slot < interval), fixed for a feed id and URL. */
export function slotMinute(feed: Pick<FeedSpec, 'id' | 'url' | 'everyMs'>): number {
  const every = intervalMinutes(feed.everyMs);
  const digest = createHash('sha256').update(`${feed.id}\n${feed.url}`).digest();
  return digest.readUIntBE(0, 6) % every;
}

/**
 * Minutes since 1970-01-01 00:00 in local wall-clock time of `timeZone`: intervals that divide a day line up
 * with local hours and days ("every 1d" slots at the same local time each day).
 */
export function localMinute(at: Date, timeZone: string): number {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const days = Math.floor(Date.UTC(local.year, local.month - 1, local.day) / (DAY_MINUTES * MINUTE));
  return days * DAY_MINUTES + local.hour * 60 + local.minute;
}

/** True when the minute containing `at` is one of the feed's slots. */
export function isSlot(feed: Pick<FeedSpec, 'id' | 'url' | 'everyMs'>, at: Date, timeZone: string): boolean {
  const every = intervalMinutes(feed.everyMs);
  return localMinute(at, timeZone) % every === slotMinute(feed);
}

/** The start of the feed's next slot strictly after `after` (for display). */
export function nextSlot(feed: Pick<FeedSpec, 'id' | 'url' | 'everyMs'>, after: Date, timeZone: string): Date {
  const every = intervalMinutes(feed.everyMs);
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  // At most one interval (plus an hour of DST shift) ahead.
  for (let i = 0; i <= every + 60; i++, t += MINUTE) if (isSlot(feed, new Date(t), timeZone)) return new Date(t);
  return new Date(t);
}

function intervalMinutes(everyMs: number): number {
  return Math.max(1, Math.round(everyMs / MINUTE));
}

export interface TickReport {
  at: string;
  /** Feeds whose slot this minute is and that were started. */
  started: string[];
  /** Feeds whose slot it is but whose previous poll is still running. */
  overlapping: string[];
  /** Resolves when every poll started by this tick has finished. */
  done: Promise<FeedReport[]>;
}

export interface SchedulerDeps {
  poller: Poller;
  feedStore: FeedStore;
  feeds: readonly FeedSpec[];
  clock: Clock;
  timeZone: string;
  cron?: CronLike;
  logger?: Logger;
  /**
   * Scheduled firings shared with other processes (a job and its slot): take one for this process (false when
   * another has it, unless that one took it long ago and never finished), finish it, ask whether it is done.
   * Absent: this process runs every firing.
   */
  firings?: Firings | undefined;
  /** Called with the ids of the events recorded, after each batch of polls: a front end can post at once. */
  onEvents?: (eventIds: number[]) => void | Promise<void>;
}

export class FeedScheduler {
  private task: { stop(): unknown } | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private lastDeadlineDay: string | undefined;
  private readonly logger: Logger;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Records the feed list, applies changes left by a crash, checks deadlines, and starts ticking. */
  async start(): Promise<void> {
    await this.deps.feedStore.syncFeeds(this.deps.feeds);
    const ids = await this.deps.poller.applyPendingChanges();
    await this.notify(ids);
    await this.checkDeadlinesIfNewDay();
    this.task = (this.deps.cron ?? nodeCronScheduler).schedule('* * * * *', () => this.tick(), {
      timezone: this.deps.timeZone,
      name: 'commitment-watch feeds',
    });
    this.logger.info({ feeds: this.deps.feeds.length, timeZone: this.deps.timeZone }, 'feed scheduler started');
  }

  /** Starts the polls whose slot is the minute of `at` (default: now). Never throws. */
  tick(at: Date = this.deps.clock.now()): TickReport {
    const report: TickReport = { at: at.toISOString(), started: [], overlapping: [], done: Promise.resolve([]) };
    if (this.stopped) return report;
    const due: FeedSpec[] = [];
    for (const feed of this.deps.feeds) {
      if (!isSlot(feed, at, this.deps.timeZone)) continue;
      if (this.deps.poller.isPolling(feed.id)) {
        report.overlapping.push(feed.id);
        this.logger.warn({ feed: feed.id }, 'previous poll still running at the next slot: skipped');
        continue;
      }
      due.push(feed);
      report.started.push(feed.id);
    }
    // Called now, not after an await: pollFeeds reserves its feeds before it first waits, so a feed is
    // "being polled" from this moment.
    const polls = this.deps.poller.pollFeeds(due);
    polls.catch(() => undefined); // handled below; marked now so an early failure is never "unhandled"
    const work = (async () => {
      await this.checkDeadlinesIfNewDay();
      const reports = await polls;
      await this.notify(reports.flatMap((r) => r.eventIds));
      // Failed and invalid feeds are logged by the poller, with their failure count; only a poll that broke
      // unexpectedly is worth a line here too.
      for (const r of reports) if (r.outcome === 'error') this.logger.warn({ feed: r.feedId, outcome: r.outcome }, r.reason ?? 'failed');
      return reports;
    })().catch((error: unknown) => {
      this.logger.error({ err: error }, 'feed tick failed');
      return [] as FeedReport[];
    });
    this.track(work);
    report.done = work;
    return report;
  }

  /** Stops ticking and waits for the polls in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    this.task = undefined;
    await Promise.allSettled([...this.running]);
  }

  private async checkDeadlinesIfNewDay(): Promise<void> {
    const today = todayIn(this.deps.clock, this.deps.timeZone);
    if (today === this.lastDeadlineDay) return;
    this.lastDeadlineDay = today;
    try {
      // One process a day checks deadlines; the events' dedupe keys would make a second check harmless, but not free.
      const firings = this.deps.firings;
      if (firings && !(await firings.take(DEADLINES_JOB, today))) {
        // Another process has today's check: asked again each tick until it is done, in case that one died.
        if (!(await firings.finished(DEADLINES_JOB, today))) this.lastDeadlineDay = undefined;
        return;
      }
      await this.notify(await this.deps.poller.checkDeadlines());
      await firings?.finish(DEADLINES_JOB, today);
    } catch (error) {
      this.lastDeadlineDay = undefined;
      this.logger.error({ err: error }, 'deadline check failed');
    }
  }

  private async notify(ids: number[]): Promise<void> {
    if (ids.length === 0 || !this.deps.onEvents) return;
    try {
      await this.deps.onEvents([...ids].sort((a, b) => a - b));
    } catch (error) {
      this.logger.error({ err: error }, 'onEvents failed');
    }
  }

  private track(promise: Promise<unknown>): void {
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }
}

/** The feed list the configuration names: FEEDS_FILE, else seeds/feeds.yaml. Throws with every problem. */
export async function configuredFeeds(feedsFile: string | undefined): Promise<FeedSpec[]> {
  const list = await loadFeedList(feedsFile ?? DEFAULT_FEEDS_FILE);
  if (!list.ok) throw new Error(`the feed list is invalid:\n${list.error.map((p) => `  - ${formatFeedListProblem(p)}`).join('\n')}`);
  return list.value;
}

export interface StartFeedSchedulerOptions {
  logger?: Logger;
  cron?: CronLike;
  fetcher?: Pick<Fetcher, 'fetch'>;
  feeds?: readonly FeedSpec[];
  onEvents?: SchedulerDeps['onEvents'];
}

export interface Firings {
  take(job: string, slot: string): Promise<boolean>;
  finish(job: string, slot: string): Promise<void>;
  finished(job: string, slot: string): Promise<boolean>;
}

/** How long a firing taken and never finished holds against the other processes (a check takes seconds). */
export const FIRING_LEASE_MS = 10 * MINUTE;

/** Scheduled firings taken in the App's store for its process (scheduler_firings). */
export function firingsOf(app: Pick<App, 'schedulers' | 'processId' | 'clock'>): Firings {
  const now = () => app.clock.now().toISOString();
  return {
    take: (job, slot) => app.schedulers.take(job, slot, app.processId, now(), FIRING_LEASE_MS),
    finish: (job, slot) => app.schedulers.finish(job, slot, app.processId, now()),
    finished: (job, slot) => app.schedulers.finished(job, slot),
  };
}

/** Wires a scheduler for an opened App (its store, clock and configuration) and starts it. */
export async function startFeedScheduler(app: App, options: StartFeedSchedulerOptions = {}): Promise<FeedScheduler> {
  const feeds = options.feeds ?? (await configuredFeeds(app.config.feedsFile));
  const feedStore = app.feeds;
  const fetcher = options.fetcher ?? feedFetcher(app.config);
  const poller = new Poller({
    feedStore,
    registerStore: app.store,
    fetcher,
    changeNotes: configuredChangeNotes(app.config, fetcher),
    clock: app.clock,
    timeZone: app.config.timeZone,
    logger: options.logger,
    owner: app.processId,
  });
  const scheduler = new FeedScheduler({
    poller,
    feedStore,
    feeds,
    clock: app.clock,
    timeZone: app.config.timeZone,
    cron: options.cron,
    logger: options.logger,
    onEvents: options.onEvents,
    firings: firingsOf(app),
  });
  await scheduler.start();
  return scheduler;
}

/** For runtime.ts `services`: polls the configured feeds while the bot runs; events land in the outbox. */
export const feedSchedulerService: ServiceStarter = async (app, deps): Promise<Service> => {
  const scheduler = await startFeedScheduler(app, { logger: deps.logger });
  return { name: 'feed scheduler', stop: () => scheduler.stop() };
};
