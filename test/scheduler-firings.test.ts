// Schedulers on several processes sharing one store (two Apps on ONE SQLite file, each its own process
// identity): each scheduled firing — the daily deadline (overdue) check, each minute's recording of due
// digests and daily/weekly alert batches — is taken by exactly one process; the other does nothing.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import type { CronLike } from '../src/cron.ts';
import { DIGEST_JOB, startDigestService } from '../src/digest/digest-service.ts';
import type { DigestSender } from '../src/digest/sender.ts';
import type { Poller } from '../src/feeds/poller.ts';
import { DEADLINES_JOB, FeedScheduler, FIRING_LEASE_MS, firingsOf } from '../src/feeds/scheduler.ts';
import { silentLogger } from '../src/log.ts';
import { ok } from '../src/result.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';

const A = 'host-a:101:aaaaaaaa';
const B = 'host-b:202:bbbbbbbb';

let clock: ReturnType<typeof manualClock>;
let dbFile: string;
const opened: App[] = [];

beforeEach(() => {
  clock = manualClock('2024-06-03T07:59:30Z');
  dbFile = join(tempDir('cw-firings-'), 'cw.sqlite');
});

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

async function proc(processId: string): Promise<App> {
  const app = await openApp(testConfig({ DATABASE_URL: dbFile }), clock, { seedsDir: MINI_SEEDS, processId });
  opened.push(app);
  return app;
}

/** A cron whose minutes the test fires by hand. */
function handCron() {
  const tasks: (() => unknown)[] = [];
  const cron: CronLike = { schedule: (_e, task) => (tasks.push(task), { stop: () => undefined }) };
  return { cron, fire: () => Promise.all(tasks.map((t) => t())) };
}

/** A poller stand-in that only counts deadline checks (no feeds). */
function countingPoller() {
  const poller = {
    checks: 0,
    isPolling: () => false,
    pollFeeds: () => Promise.resolve([]),
    applyPendingChanges: () => Promise.resolve([]),
    checkDeadlines() {
      poller.checks++;
      return Promise.resolve([]);
    },
  };
  return poller;
}

describe('the daily deadline check', () => {
  it('runs in one of two processes each day, whichever takes the day first', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const pa = countingPoller();
    const pb = countingPoller();
    const scheduler = (app: App, poller: ReturnType<typeof countingPoller>) =>
      new FeedScheduler({
        poller: poller as unknown as Poller,
        feedStore: app.feeds,
        feeds: [],
        clock,
        timeZone: 'Europe/London',
        cron: handCron().cron,
        firings: firingsOf(app),
      });
    const sa = scheduler(a, pa);
    const sb = scheduler(b, pb);
    await sa.start();
    await sb.start();
    expect([pa.checks, pb.checks]).toEqual([1, 0]);
    expect((await a.schedulers.firing(DEADLINES_JOB, '2024-06-03'))?.firedBy).toBe(A);

    clock.advance(86_400_000); // the next day: B's tick comes first
    await sb.tick().done;
    await sa.tick().done;
    expect([pa.checks, pb.checks]).toEqual([1, 1]);
    expect((await b.schedulers.firing(DEADLINES_JOB, '2024-06-04'))?.firedBy).toBe(B);
    await sa.stop();
    await sb.stop();
  });
});

describe('a deadline check taken by a process that died', () => {
  it('is taken over by another process once its lease ends, and then done once', async () => {
    const a = await proc(A);
    const b = await proc(B);
    // A took the day's check and was killed (kill -9) before it finished: nothing says it is done.
    expect(await a.schedulers.take(DEADLINES_JOB, '2024-06-03', A, clock.now().toISOString())).toBe(true);
    const pb = countingPoller();
    const sb = new FeedScheduler({
      poller: pb as unknown as Poller,
      feedStore: b.feeds,
      feeds: [],
      clock,
      timeZone: 'Europe/London',
      cron: handCron().cron,
      firings: firingsOf(b),
    });
    await sb.start();
    expect(pb.checks).toBe(0); // A's may still be running
    clock.advance(FIRING_LEASE_MS / 2);
    await sb.tick().done;
    expect(pb.checks).toBe(0);
    clock.advance(FIRING_LEASE_MS / 2 + 60_000);
    await sb.tick().done;
    expect(pb.checks).toBe(1);
    expect((await b.schedulers.firing(DEADLINES_JOB, '2024-06-03'))?.firedBy).toBe(B);
    expect(await b.schedulers.finished(DEADLINES_JOB, '2024-06-03')).toBe(true);
    // Done: neither B's next minutes nor A restarted (a new identity) check again that day.
    await sb.tick().done;
    expect(await a.schedulers.take(DEADLINES_JOB, '2024-06-03', 'host-a:303:cccccccc', clock.now().toISOString(), FIRING_LEASE_MS)).toBe(false);
    expect(pb.checks).toBe(1);
    await sb.stop();
  });
});

describe('the digest minute', () => {
  it('due daily batches are recorded by one process per minute and each run is sent once', async () => {
    const a = await proc(A);
    const b = await proc(B);
    await a.subscriptions.upsert(
      {
        guildId: '100000000000000001',
        channelId: '200000000000000001',
        timeZone: 'Europe/London',
        createdBy: 'discord:123456',
        frequency: 'daily',
        filters: { commitments: [], departments: [], themes: [], statuses: [] },
      },
      '2024-05-01T00:00:00.000Z',
    );
    await a.outbox.record({
      type: 'evidence',
      commitmentId: 'modern-slavery-penalties',
      payload: { commitment: 'modern-slavery-penalties', item: { title: 'Penalties', link: 'https://www.gov.uk/p' }, feed: 'govuk' },
      dedupeKey: 'e1',
      createdAt: '2024-06-02T12:00:00.000Z',
    });
    const sent: string[] = [];
    const sender: DigestSender = {
      async send(channelId, parts, nonceBase, progress) {
        for (const p of parts) {
          sent.push(`${nonceBase}-${p.part}`);
          await progress?.onSent(p.part, `m${sent.length}`);
        }
        return ok({ messageIds: parts.map((_, i) => `m${i}`) });
      },
    };
    const recordedA = vi.spyOn(a.digestRuns, 'record');
    const recordedB = vi.spyOn(b.digestRuns, 'record');
    const deps = { clock, logger: silentLogger, write: () => undefined };
    const cronA = handCron();
    const cronB = handCron();
    // Both start in the same minute: the catch-up pass is that minute's firing, taken once.
    const serviceA = await startDigestService(a, deps, { cron: cronA.cron, sender });
    await serviceA.service.idle();
    const serviceB = await startDigestService(b, deps, { cron: cronB.cron, sender });
    await serviceB.service.idle();
    expect(recordedA.mock.calls.length).toBeGreaterThan(0);
    expect(recordedB).not.toHaveBeenCalled();
    expect((await b.schedulers.firing(DIGEST_JOB, '2024-06-03T07:59:00.000Z'))?.firedBy).toBe(A);

    // The next minute, B's cron fires first: B records what is due, A only sends what is pending.
    clock.advance(30_000);
    recordedA.mockClear();
    await cronB.fire();
    await cronA.fire();
    await Promise.all([serviceA.service.idle(), serviceB.service.idle()]);
    expect(recordedA).not.toHaveBeenCalled();
    expect(recordedB.mock.calls.length).toBeGreaterThan(0);
    expect((await a.schedulers.firing(DIGEST_JOB, '2024-06-03T08:00:00.000Z'))?.firedBy).toBe(B);

    // Every run recorded was sent exactly once, by whichever process held its lease.
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent).size).toBe(sent.length);
    expect((await a.digestRuns.pending()).length).toBe(0);
    await serviceA.stop(0);
    await serviceB.stop(0);
  });
});
