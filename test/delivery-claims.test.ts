// Two bot processes on ONE SQLite file (two Apps, each with its own process identity, its own poster and
// its own REST client), against the local fake Discord, which does NOT drop repeated nonces. A delivery is
// claimed by one process until its claim expires; only then does another resolve it (look, then send once).
// The clock is injected; a process's REST queue is simulated by holding its requests until the test says.
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { deliveryNonce, startPoster, type Poster, type PosterDeps } from '../src/discord/poster.ts';
import { silentLogger } from '../src/log.ts';
import { DISCORD_TOKEN, startFakeDiscord } from './support/discord-app.ts';
import type { FakeDiscord } from './support/fake-discord.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';
import { recordEvidenceEvents, subscribeImmediately } from './support/posting-setup.ts';

const A = 'host-a:101:aaaaaaaa';
const B = 'host-b:202:bbbbbbbb';
const C = 'host-c:303:cccccccc';

let fake: FakeDiscord;
let clock: ReturnType<typeof manualClock>;
let dbFile: string;
const opened: App[] = [];
const posters: Poster[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  clock = manualClock('2024-06-01T12:00:00Z');
  dbFile = join(tempDir('cw-claims-'), 'cw.sqlite');
});

afterEach(async () => {
  vi.useRealTimers();
  for (const p of posters.splice(0)) await p.stop(0);
  for (const app of opened.splice(0)) await app.close();
  await fake.close();
});

/** A process: an App on the shared file under its own identity. */
async function proc(processId: string): Promise<App> {
  const app = await openApp(testConfig({ DATABASE_URL: dbFile }), clock, { seedsDir: MINI_SEEDS, processId });
  opened.push(app);
  return app;
}

/** A REST client whose message posts (and looks) can be held, as discord.js's queue holds them behind a rate limit. */
function heldRest() {
  const rest = new REST({ api: fake.apiUrl, retries: 0, timeout: 2_000 }).setToken(DISCORD_TOKEN);
  const post = rest.post.bind(rest);
  const get = rest.get.bind(rest);
  const holds: { when: (route: string, body: unknown) => boolean; entered: (signal?: AbortSignal) => void; gate: Promise<void> }[] = [];
  let looks: (() => Promise<void>) | undefined;
  rest.post = async (route, options) => {
    const hold = holds.find((h) => h.when(route, options?.body));
    if (hold) {
      holds.splice(holds.indexOf(hold), 1);
      hold.entered(options?.signal);
      await hold.gate;
    }
    return post(route, options);
  };
  rest.get = async (route, options) => {
    if (looks && route.endsWith('/messages')) await looks();
    return get(route, options);
  };
  return {
    rest,
    /** Holds the next matching post; resolves `entered` when it reaches the queue; `release` lets it go. */
    hold(when: (route: string, body: unknown) => boolean) {
      let reach!: () => void;
      let release!: () => void;
      let signal: AbortSignal | undefined;
      const reached = new Promise<void>((r) => (reach = r));
      const entered = (s?: AbortSignal) => {
        signal = s;
        reach();
      };
      holds.push({ when, entered, gate: new Promise<void>((r) => (release = r)) });
      /** True once the sender cancelled the held request. */
      const cancelled = () => signal?.aborted === true;
      return { reached, release, cancelled };
    },
    /** Every look waits for `barrier` first. */
    holdLooks(barrier: () => Promise<void>) {
      looks = barrier;
    },
  };
}

async function poster(app: App, rest: REST, extra: Partial<PosterDeps> = {}): Promise<Poster> {
  const p = await startPoster({ app, rest, subscriptions: app.subscriptions, logger: silentLogger, backoff: { baseMs: 10, maxMs: 50 }, ...extra });
  posters.push(p);
  return p;
}

async function subscribe(app: App, channelIds: string[]): Promise<void> {
  await subscribeImmediately(app, fake.guildId, channelIds);
}

function events(app: App, from: number, count: number): Promise<number[]> {
  return recordEvidenceEvents(app, { from, count, createdAt: clock.now().toISOString() });
}

/** Each post as `channel:event` (from the footer marker), to count copies. */
const posted = (channels: string[]) => channels.flatMap((c) => fake.messagesIn(c).map((m) => `${c}:${m.embeds[0]?.footer?.text.replace(/.*event #/, '')}`));
const duplicates = (list: string[]) => list.length - new Set(list).size;
const postsTo = (channelId: string) => fake.requests({ method: 'POST', path: `/channels/${channelId}/messages` }).length;
const looksIn = (channelId: string) => fake.requests({ method: 'GET', path: new RegExp(`/channels/${channelId}/messages`) }).length;
const isMessageTo = (channelId: string, eventId?: number) => (route: string, body: unknown) =>
  route === `/channels/${channelId}/messages` && (eventId === undefined || (body as { nonce?: string }).nonce === deliveryNonce(eventId, channelId));

describe('a delivery claimed by another process', () => {
  it('is never resent while its claim holds, however old it is: the claim is renewed while the send waits in the queue', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const alerts = fake.channelId('alerts');
    await subscribe(a, [alerts]);
    await a.deliveries.setCursor(0);
    const [first] = await events(a, 1, 1);
    const restA = heldRest();
    const held = restA.hold(isMessageTo(alerts));
    const posterA = await poster(a, restA.rest, { renewEveryMs: 5 });
    const posterB = await poster(b, heldRest().rest);

    const sending = posterA.flush();
    await held.reached; // A's row is written, claimed by A, and its request waits in A's queue
    // A minute on: three times the claim's length and the old in-flight window; A is alive and renews.
    clock.advance(60_000);
    await vi.waitFor(async () => {
      const [row] = await b.deliveries.unresolved();
      expect(row?.claimUntil && row.claimUntil > clock.now().toISOString()).toBe(true);
    });
    expect(await posterB.flush()).toBe(0);
    expect(postsTo(alerts)).toBe(0);
    expect(looksIn(alerts)).toBe(0); // not even looked for: it is A's

    held.release();
    expect(await sending).toBe(1);
    expect(await posterB.flush()).toBe(0);
    expect(posted([alerts])).toEqual([`${alerts}:${first}`]);
  });

  it('is looked for and sent once by another process after its claim expires (its owner died before the send)', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const alerts = fake.channelId('alerts');
    await subscribe(a, [alerts]);
    await a.deliveries.setCursor(0);
    const [id] = await events(a, 1, 1);
    // A wrote its row and died: a 20-second claim, never renewed.
    const at = clock.now().getTime();
    await a.deliveries.open(id!, alerts, 'sending', deliveryNonce(id!, alerts), clock.now().toISOString(), { owner: A, until: new Date(at + 20_000).toISOString() });
    await a.deliveries.setCursor(id!);
    const posterB = await poster(b, heldRest().rest);

    clock.advance(19_000);
    expect(await posterB.flush()).toBe(0);
    expect(looksIn(alerts)).toBe(0);
    clock.advance(1_000); // the claim has expired
    expect(await posterB.flush()).toBe(1);
    expect(looksIn(alerts)).toBe(1);
    expect(posted([alerts])).toEqual([`${alerts}:${id}`]);
    const [row] = await b.deliveries.sentCopies(id!);
    expect(row?.channelId).toBe(alerts);
    expect(await b.deliveries.unresolved()).toEqual([]);
  });

  it('is found, not resent, when its owner had posted it before dying', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const alerts = fake.channelId('alerts');
    await subscribe(a, [alerts]);
    await a.deliveries.setCursor(0);
    const restA = heldRest();
    const posterA = await poster(a, restA.rest);
    await events(a, 1, 1);
    expect(await posterA.flush()).toBe(1);
    // A's message went out but A died before recording it: back to 'sending', A's claim about to end.
    const [sent] = await a.deliveries.sentCopies(1);
    expect(sent).toBeDefined();
    await a.deliveries.update(1, alerts, { state: 'sending' }, clock.now().toISOString());
    const posterB = await poster(b, heldRest().rest);
    clock.advance(20_000);
    expect(await posterB.flush()).toBe(0);
    expect(postsTo(alerts)).toBe(1);
    expect(posted([alerts])).toHaveLength(1);
    expect(await b.deliveries.unresolved()).toEqual([]);
  });

  it('a sender that lost its claim (its renewals stalled, another took over) cancels its queued request: one copy', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const alerts = fake.channelId('alerts');
    await subscribe(a, [alerts]);
    await a.deliveries.setCursor(0);
    const [id] = await events(a, 1, 1);
    const restA = heldRest();
    const held = restA.hold(isMessageTo(alerts));
    // A's renewals run only when the test says: A's event loop is frozen past its claim.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const posterA = await poster(a, restA.rest, { renewEveryMs: 5 });
    const sending = posterA.flush();
    await held.reached;
    clock.advance(30_000);
    // B finds the claim expired, looks, takes the row over and sends it.
    const posterB = await poster(b, heldRest().rest);
    expect(await posterB.flush()).toBe(1);
    // A wakes: its renewal finds the row is no longer its own, and its request is cancelled before it leaves the queue.
    vi.advanceTimersByTime(5);
    vi.useRealTimers();
    await vi.waitFor(() => expect(held.cancelled()).toBe(true));
    held.release();
    expect(await sending).toBe(0);
    expect(posted([alerts])).toEqual([`${alerts}:${id}`]);
    expect((await b.deliveries.sentCopies(id!)).length).toBe(1);
  });

  it('two processes resolving the same expired row at once: exactly one resend', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const c = await proc(C);
    const alerts = fake.channelId('alerts');
    await subscribe(a, [alerts]);
    await a.deliveries.setCursor(0);
    const [id] = await events(a, 1, 1);
    await a.deliveries.open(id!, alerts, 'sending', deliveryNonce(id!, alerts), clock.now().toISOString(), {
      owner: A,
      until: new Date(clock.now().getTime() + 20_000).toISOString(),
    });
    await a.deliveries.setCursor(id!);
    // Both look at the same moment (each waits for the other's look), then both try to take the row.
    let arrived = 0;
    let bothLooking!: () => void;
    const together = new Promise<void>((r) => (bothLooking = r));
    const barrier = async () => {
      if (++arrived === 2) bothLooking();
      await together;
    };
    const restB = heldRest();
    const restC = heldRest();
    restB.holdLooks(barrier);
    restC.holdLooks(barrier);
    const posterB = await poster(b, restB.rest);
    const posterC = await poster(c, restC.rest);
    clock.advance(21_000);
    const sent = await Promise.all([posterB.flush(), posterC.flush()]);
    expect(looksIn(alerts)).toBe(2);
    expect(sent.sort()).toEqual([0, 1]);
    expect(postsTo(alerts)).toBe(1);
    expect(posted([alerts])).toEqual([`${alerts}:${id}`]);
  });
});

describe('the poster cursor', () => {
  it('never moves backwards when two processes set it', async () => {
    const a = await proc(A);
    const b = await proc(B);
    await a.deliveries.setCursor(3);
    await Promise.all([a.deliveries.setCursor(7), b.deliveries.setCursor(5), b.deliveries.setCursor(9), a.deliveries.setCursor(8), b.deliveries.setCursor(2)]);
    expect(await a.deliveries.cursor()).toBe(9);
    await b.deliveries.setCursor(4);
    expect(await b.deliveries.cursor()).toBe(9);
  });
});

describe('two processes posting 150 events to 3 channels (450 deliveries), nonces not deduplicated', () => {
  it('a send held in one process’s queue past the old in-flight window is not taken by the other: 0 duplicated, 0 lost', async () => {
    const a = await proc(A);
    const b = await proc(B);
    const channels = [fake.channelId('alerts'), fake.channelId('general'), fake.addChannel({ name: 'news' }).id];
    await subscribe(a, channels);
    await a.deliveries.setCursor(0);
    const restA = heldRest();
    const restB = heldRest();
    const posterA = await poster(a, restA.rest, { renewEveryMs: 5 });
    const posterB = await poster(b, restB.rest, { renewEveryMs: 5 });

    // Twice, one process's send waits in its queue for 30 s (the old window was 20 s) while the other posts.
    const rounds: [Poster, ReturnType<typeof heldRest>, Poster, string][] = [
      [posterA, restA, posterB, channels[1]!],
      [posterB, restB, posterA, channels[2]!],
    ];
    for (const [n, [slow, slowRest, other, channel]] of rounds.entries()) {
      const ids = await events(a, n * 75 + 1, 75);
      const held = slowRest.hold(isMessageTo(channel, ids[39]));
      const stuck = slow.flush();
      await held.reached;
      clock.advance(30_000);
      await vi.waitFor(async () => {
        const row = (await a.deliveries.unresolved()).find((r) => r.eventId === ids[39] && r.channelId === channel);
        expect(row?.claimUntil && row.claimUntil > clock.now().toISOString()).toBe(true);
      });
      await other.flush();
      await other.flush();
      held.release();
      await stuck;
      clock.advance(1_000);
      await Promise.all([slow.flush(), other.flush()]);
      await slow.flush();
    }
    const all = posted(channels);
    const expected = channels.flatMap((c) => Array.from({ length: 150 }, (_, i) => `${c}:${i + 1}`));
    expect({ posts: all.length, duplicated: duplicates(all), lost: expected.filter((d) => !all.includes(d)).length }).toEqual({
      posts: 450,
      duplicated: 0,
      lost: 0,
    });
    expect(await a.deliveries.unresolved()).toEqual([]);
    // Each channel's posts in event order.
    for (const c of channels) {
      const order = posted([c]).map((p) => Number(p.split(':')[1]));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });
});
