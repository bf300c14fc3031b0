// The scheduler without waiting: slots computed from the feed's id and URL, ticks driven by hand through a
// fake cron, and the guard that never starts a second poll of a feed still being polled.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import type { FeedStore } from '../src/feeds/feed-store.ts';
import type { FeedReport, Poller } from '../src/feeds/poller.ts';
import type { CronLike } from '../src/cron.ts';
import { FeedScheduler, isSlot, localMinute, nextSlot, slotMinute } from '../src/feeds/scheduler.ts';

const MIN = 60_000;
const feed = (id: string, everyMs = 15 * MIN): FeedSpec => ({ id, url: `https://example.org/${id}.rss`, everyMs });

describe('slots', () => {
  it('a slot is fixed for a feed, inside its interval, and changes with its id or URL', () => {
    const f = feed('govuk-fcdo');
    expect(slotMinute(f)).toBe(slotMinute({ ...f }));
    expect(slotMinute(f)).toBeGreaterThanOrEqual(0);
    expect(slotMinute(f)).toBeLessThan(15);
    const many = Array.from({ length: 300 }, (_, i) => slotMinute(feed(`feed-${i}`)));
    // 300 feeds spread over every minute of a 15-minute interval, none with more than twice its share.
    const counts = Array.from({ length: 15 }, (_, m) => many.filter((s) => s === m).length);
    expect(counts.every((c) => c > 0 && c <= 40)).toBe(true);
    expect(new Set(Array.from({ length: 20 }, (_, i) => slotMinute({ ...f, url: `https://example.org/${i}` }))).size).toBeGreaterThan(5);
  });

  it('a 15-minute feed has exactly 96 slots a day, one interval apart', () => {
    const f = feed('a');
    const start = Date.parse('2024-06-01T00:00:00Z');
    const slots: number[] = [];
    for (let m = 0; m < 24 * 60; m++) if (isSlot(f, new Date(start + m * MIN), 'Europe/London')) slots.push(m);
    expect(slots).toHaveLength(96);
    expect(slots.slice(1).every((m, i) => m - slots[i]! === 15)).toBe(true);
    expect(nextSlot(f, new Date(start + slots[0]! * MIN), 'Europe/London').getTime()).toBe(start + slots[1]! * MIN);
  });

  it('a daily feed polls at the same local time in winter and summer (TIMEZONE)', () => {
    const f = feed('daily', 24 * 60 * MIN);
    const winter = nextSlot(f, new Date('2024-01-15T00:00:00Z'), 'Europe/London');
    const summer = nextSlot(f, new Date('2024-07-15T00:00:00Z'), 'Europe/London');
    const local = (d: Date) => d.toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
    expect(local(winter)).toBe(local(summer));
    expect(localMinute(new Date('2024-07-15T00:30:00Z'), 'Europe/London') % 1440).toBe(90); // 01:30 BST
  });
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A poller stand-in: records what it is asked to poll; each poll finishes when the test says so. */
function fakePoller() {
  const inFlight = new Set<string>();
  const pending = new Map<string, ReturnType<typeof deferred<void>>>();
  const finished = new Set<string>();
  const calls: string[][] = [];
  let deadlineChecks = 0;
  const poller = {
    isPolling: (id: string) => inFlight.has(id),
    async pollFeeds(feeds: readonly FeedSpec[]): Promise<FeedReport[]> {
      calls.push(feeds.map((f) => f.id));
      // Like the real poller: a feed is "being polled" from the moment it is asked for.
      for (const f of feeds) inFlight.add(f.id);
      return Promise.all(
        feeds.map(async (f) => {
          if (!finished.delete(f.id)) {
            const d = deferred<void>();
            pending.set(f.id, d);
            await d.promise;
          }
          inFlight.delete(f.id);
          const report: FeedReport = {
            feedId: f.id,
            outcome: 'parsed',
            parsed: true,
            items: 1,
            newItems: 1,
            updatedItems: 0,
            firstFetch: false,
            warnings: [],
            eventIds: [f.id.length],
          };
          return report;
        }),
      );
    },
    applyPendingChanges: () => Promise.resolve([]),
    checkDeadlines: () => {
      deadlineChecks++;
      return Promise.resolve([]);
    },
  };
  return {
    poller: poller as unknown as Poller,
    calls,
    finish: (id: string) => {
      const d = pending.get(id);
      pending.delete(id);
      if (d) d.resolve();
      else finished.add(id);
    },
    deadlineChecks: () => deadlineChecks,
  };
}

function fakeCron() {
  const scheduled: { expression: string; timezone: string; task: () => unknown; stopped: boolean }[] = [];
  const cron: CronLike = {
    schedule(expression, task, options) {
      const entry = { expression, timezone: options.timezone, task, stopped: false };
      scheduled.push(entry);
      return { stop: () => (entry.stopped = true) };
    },
  };
  return { cron, scheduled };
}

const noStore = { syncFeeds: () => Promise.resolve() } as unknown as FeedStore;

describe('FeedScheduler', () => {
  it('ticks every minute in TIMEZONE, starts the feeds whose slot it is, and never overlaps a feed', async () => {
    const feeds = [feed('a'), feed('b'), feed('c', 60 * MIN)];
    const clock = manualClock('2024-06-01T00:00:00Z');
    const fake = fakePoller();
    const { cron, scheduled } = fakeCron();
    const notified: number[][] = [];
    const scheduler = new FeedScheduler({
      poller: fake.poller,
      feedStore: noStore,
      feeds,
      clock,
      timeZone: 'Europe/London',
      cron,
      onEvents: (ids) => void notified.push(ids),
    });
    await scheduler.start();
    expect(scheduled).toMatchObject([{ expression: '* * * * *', timezone: 'Europe/London', stopped: false }]);
    expect(fake.deadlineChecks()).toBe(1);

    // The first minute that is a's slot.
    const start = clock.now().getTime();
    let m = 0;
    while (!isSlot(feeds[0]!, new Date(start + m * MIN), 'Europe/London')) m++;
    const first = scheduler.tick(new Date(start + m * MIN));
    expect(first.started).toContain('a');
    expect(first.overlapping).toEqual([]);

    // a's next slot comes while its first poll is still running: skipped, not started twice.
    const second = scheduler.tick(new Date(start + (m + 15) * MIN));
    expect(second.overlapping).toContain('a');
    expect(second.started).not.toContain('a');

    fake.finish('a');
    for (const id of [...first.started, ...second.started]) fake.finish(id);
    await first.done;
    await second.done;
    expect(notified.flat()).toContain(1);

    // Once it has finished, a's next slot polls it again.
    const third = scheduler.tick(new Date(start + (m + 30) * MIN));
    expect(third.started).toContain('a');
    for (const id of third.started) fake.finish(id);
    await third.done;

    // Over an hour each feed is started once per interval.
    const counts = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const t = scheduler.tick(new Date(start + (120 + i) * MIN));
      for (const id of t.started) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
        fake.finish(id);
      }
      await t.done;
    }
    expect(Object.fromEntries(counts)).toEqual({ a: 4, b: 4, c: 1 });

    // A minute tick from the cron itself uses the clock.
    clock.set(new Date(start + (m + 15 * 20) * MIN));
    const fromCron = scheduled[0]!.task() as ReturnType<FeedScheduler['tick']>;
    expect(fromCron.started).toContain('a');
    for (const id of fromCron.started) fake.finish(id);

    await scheduler.stop();
    expect(scheduled[0]!.stopped).toBe(true);
    expect(scheduler.tick(new Date(start + (m + 45) * MIN)).started).toEqual([]);
  });

  it('checks deadlines again when the local date changes', async () => {
    const clock = manualClock('2024-06-01T22:00:00Z'); // 23:00 in London
    const fake = fakePoller();
    const scheduler = new FeedScheduler({ poller: fake.poller, feedStore: noStore, feeds: [], clock, timeZone: 'Europe/London', cron: fakeCron().cron });
    await scheduler.start();
    await scheduler.tick().done;
    expect(fake.deadlineChecks()).toBe(1);
    clock.advance(90 * MIN); // 00:30 the next day in London
    await scheduler.tick().done;
    expect(fake.deadlineChecks()).toBe(2);
    await scheduler.stop();
  });
});
