// The shared send pacer: processes on one store take turns through one schedule, so together they never go
// past the rate in any second, and one process alone may use all of it. Virtual time: nothing sleeps.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openStore, type OpenStore } from '../src/db/database.ts';
import { pacedRequest } from '../src/discord/paced-request.ts';
import { DEFAULT_GLOBAL_RATE, sendPacer, type SendPacer, type SendSlotStore } from '../src/send-pacer.ts';
import { KyselySendSlotStore } from '../src/store/send-slot-store.ts';
import { openApp } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { startDiscord } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { silentLogger } from '../src/log.ts';
import { discordTestConfig, startFakeDiscord } from './support/discord-app.ts';
import { PERMS, opt } from './support/fake-discord.ts';
import { MINI_SEEDS, tempDir } from './support/register.ts';
import { busiestWindow, virtualTime, type VirtualTime } from './support/virtual-time.ts';

const RATE = DEFAULT_GLOBAL_RATE;
const INTERVAL = Math.ceil(1e6 / RATE) / 1000;
let opened: OpenStore[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const o of opened) await o.close();
  opened = [];
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A store on the SQLite file a "process" opens (its own connection), as a second `npm start` would. */
async function processStore(file: string): Promise<SendSlotStore> {
  const o = await openStore({ dialect: 'sqlite', filename: file });
  opened.push(o);
  return new KyselySendSlotStore(o.db);
}

/** Each pacer sends `count` requests one after another, as the poster does; the times they went out. */
async function send(time: VirtualTime, pacers: SendPacer[], count: number): Promise<number[][]> {
  const sent = pacers.map(() => [] as number[]);
  await time.run(
    pacers.map((pacer, p) => async () => {
      for (let i = 0; i < count; i++) {
        await pacer.wait();
        sent[p]!.push(time.now());
      }
    }),
  );
  return sent;
}

describe('send pacer on one SQLite store', () => {
  it('two processes together never send more than the rate in any second, and use all of it', async () => {
    dir = tempDir('cw-pacer-');
    const file = join(dir, 'cw.sqlite');
    const time = virtualTime();
    const start = time.now();
    const pacers = [await processStore(file), await processStore(file)].map((store) => sendPacer({ store, now: time.now, sleep: time.sleep }));
    const sent = await send(time, pacers, 150);
    const all = sent.flat();
    expect(busiestWindow(all)).toBeLessThanOrEqual(RATE);
    // All of the rate: 300 requests in 299 intervals, shared about evenly.
    expect(Math.max(...all) - start).toBeCloseTo(299 * INTERVAL, 1);
    for (const s of sent) expect(s.length).toBe(150);
  });

  it('one process alone gets the whole rate', async () => {
    dir = tempDir('cw-pacer-');
    const time = virtualTime();
    const start = time.now();
    const [sent] = await send(time, [sendPacer({ store: await processStore(join(dir, 'cw.sqlite')), now: time.now, sleep: time.sleep })], 150);
    expect(busiestWindow(sent!)).toBe(RATE);
    expect(Math.max(...sent!) - start).toBeCloseTo(149 * INTERVAL, 1);
  });

  it('without a shared schedule (each process pacing itself) two processes send twice the rate', async () => {
    dir = tempDir('cw-pacer-');
    const time = virtualTime();
    const pacers = [await processStore(join(dir, 'a.sqlite')), await processStore(join(dir, 'b.sqlite'))].map((store) =>
      sendPacer({ store, now: time.now, sleep: time.sleep }),
    );
    const sent = await send(time, pacers, 150);
    expect(busiestWindow(sent.flat())).toBe(2 * RATE);
  });

  it('an idle schedule lends no burst: after a quiet minute the next requests are still spaced', async () => {
    dir = tempDir('cw-pacer-');
    const time = virtualTime();
    const pacer = sendPacer({ store: await processStore(join(dir, 'cw.sqlite')), now: time.now, sleep: time.sleep });
    await send(time, [pacer], 10);
    await time.run([() => time.sleep(60_000)]);
    const [after] = await send(time, [pacer], RATE * 2);
    expect(busiestWindow(after!)).toBe(RATE);
  });
});

describe('a clock stepped back', () => {
  it('does not hold every request for the step: a schedule far ahead of the clock starts again from now', async () => {
    dir = tempDir('cw-pacer-');
    const store = await processStore(join(dir, 'cw.sqlite'));
    const t = Date.parse('2024-06-01T12:00:00Z');
    // Slots taken while this machine's clock read an hour ahead, before NTP stepped it back.
    for (let i = 0; i < 3; i++) await store.take('step', 1, INTERVAL, t + 3_600_000);
    const after = await store.take('step', 1, INTERVAL, t);
    expect(after.firstAt - after.now).toBeLessThanOrEqual(INTERVAL);
    // The schedule goes on from there: the next request waits its turn.
    const next = await store.take('step', 1, INTERVAL, t);
    expect(next.firstAt - after.firstAt).toBeCloseTo(INTERVAL, 3);
  });

  it('a real queue (ten seconds of requests waiting) is kept', async () => {
    dir = tempDir('cw-pacer-');
    const store = await processStore(join(dir, 'cw.sqlite'));
    const t = Date.parse('2024-06-01T12:00:00Z');
    await store.take('queue', RATE * 10, INTERVAL, t);
    const next = await store.take('queue', 1, INTERVAL, t);
    expect(next.firstAt - t).toBeCloseTo(RATE * 10 * INTERVAL, 3);
  });
});

describe('the delivery REST client', () => {
  it('a request waits for its slot before it goes; an abort while waiting sends nothing', async () => {
    const time = virtualTime();
    const made: Array<{ url: string; at: number }> = [];
    const store: SendSlotStore = { take: (_n, _c, _i, now) => Promise.resolve({ firstAt: now + 500, now }) };
    const request = pacedRequest(sendPacer({ store, now: time.now, sleep: time.sleep }), (url) => {
      made.push({ url, at: time.now() });
      return Promise.resolve(new Response('{}') as never);
    });
    const start = time.now();
    await time.run([async () => void (await request('http://127.0.0.1/a', {}))]);
    expect(made).toEqual([{ url: 'http://127.0.0.1/a', at: start + 500 }]);

    const aborted = new AbortController();
    aborted.abort();
    await expect(request('http://127.0.0.1/b', { signal: aborted.signal })).rejects.toThrow();
    expect(made).toHaveLength(1);
  });

  it('DISCORD_GLOBAL_RATE sets the rate; a bad value is named', () => {
    const config = (rate?: string) => loadConfig({ DATABASE_URL: ':memory:', ...(rate === undefined ? {} : { DISCORD_GLOBAL_RATE: rate }) });
    const unset = config();
    expect(unset.ok && unset.value.discordGlobalRate).toBe(48);
    const set = config('40.5');
    expect(set.ok && set.value.discordGlobalRate).toBe(40.5);
    for (const bad of ['0', 'fast', '-3']) {
      const r = config(bad);
      expect(r.ok ? [] : r.error).toEqual([expect.stringMatching(/^DISCORD_GLOBAL_RATE: expected requests per second above 0/)]);
    }
  });
});

describe('the bot', () => {
  it('takes a slot of the shared schedule for every alert it posts, and none for its interaction answers', async () => {
    const fake = await startFakeDiscord();
    dir = tempDir('cw-pacer-');
    const config = discordTestConfig(fake, join(dir, 'cw.sqlite'));
    await deployCommands(config, () => undefined);
    const clock = manualClock('2024-06-01T12:00:00Z');
    const app = await openApp(config, clock, { seedsDir: MINI_SEEDS });
    let taken = 0;
    const shared = app.sendSlots;
    app.sendSlots = { take: (...args) => ((taken += args[1]), shared.take(...args)) };
    const bot = await startDiscord(app, { logger: silentLogger, posterIntervalMs: 0, readyTimeoutMs: 5_000 });
    try {
      for (const channel of [fake.channelId('alerts'), fake.channelId('general')]) {
        const r = await fake
          .slashCommand({ name: 'alerts', subcommand: 'subscribe', options: { channel: opt.channel(channel) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
          .settled();
        expect(r.content).toMatch(/^Subscribed/);
      }
      expect(taken).toBe(0);
      await app.outbox.record({
        type: 'evidence',
        commitmentId: 'modern-slavery-penalties',
        payload: { commitment: 'modern-slavery-penalties', item: { title: 'Penalties', link: 'https://www.gov.uk/p' }, feed: 'govuk' },
        dedupeKey: 'e1',
        createdAt: clock.now().toISOString(),
      });
      expect(await bot.poster.flush()).toBe(2);
      expect(fake.requests({ method: 'POST', path: /^\/channels\/\d+\/messages$/ })).toHaveLength(2);
      expect(taken).toBe(2);
    } finally {
      await bot.stop();
      await app.close();
      await fake.close();
    }
  });

  it("takes a slot for each copy of a proposal it edits to show the decision (not the button's own answer)", async () => {
    const fake = await startFakeDiscord();
    dir = tempDir('cw-pacer-');
    const config = discordTestConfig(fake, join(dir, 'cw.sqlite'));
    await deployCommands(config, () => undefined);
    const clock = manualClock('2024-06-01T12:00:00Z');
    const app = await openApp(config, clock, { seedsDir: MINI_SEEDS });
    let taken = 0;
    const shared = app.sendSlots;
    app.sendSlots = { take: (...args) => ((taken += args[1]), shared.take(...args)) };
    const bot = await startDiscord(app, { logger: silentLogger, posterIntervalMs: 0, readyTimeoutMs: 5_000 });
    const [alerts, general] = [fake.channelId('alerts'), fake.channelId('general')];
    try {
      for (const channel of [alerts, general]) {
        const r = await fake
          .slashCommand({ name: 'alerts', subcommand: 'subscribe', options: { channel: opt.channel(channel) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
          .settled();
        expect(r.content).toMatch(/^Subscribed/);
      }
      await app.outbox.record({
        type: 'status-proposal',
        commitmentId: 'modern-slavery-penalties',
        payload: {
          commitment: 'modern-slavery-penalties',
          from: 'stalled',
          to: 'in-progress',
          rule: 'bill-progress',
          reason: 'Bill reached 2nd reading',
          item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
        },
        dedupeKey: 'p-paced',
        createdAt: clock.now().toISOString(),
      });
      expect(await bot.poster.flush()).toBe(2);
      expect(taken).toBe(2);
      const inGeneral = fake.messagesIn(general).at(-1)!;
      const dismiss = inGeneral.components[0]!.components![1]!.custom_id!;
      const pressed = await fake.button({ customId: dismiss, message: inGeneral, user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
      expect(pressed.type).toBe(7);
      await fake.waitFor(() => (fake.messagesIn(alerts).at(-1)!.components.length === 0 ? true : undefined), 2_000, 'the copy in #alerts to be closed');
      // The edit of the copy in #alerts went through the shared schedule, as every other request to a channel.
      expect(fake.requests({ method: 'PATCH', path: /^\/channels\/\d+\/messages\/\d+$/ })).toHaveLength(1);
      expect(taken).toBe(3);
    } finally {
      await bot.stop();
      await app.close();
      await fake.close();
    }
  });
});
