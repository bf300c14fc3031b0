// Delivery under faults, end to end through the local fake Discord with the fault injected: one failing
// channel, a deleted channel, answers that never come, a revoked token, a stop in the middle of a send,
// a busy channel before a crash. The fake does NOT drop repeated nonces (Discord would, for a while), so
// every duplicate the bot could cause shows.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { onPostgres } from './support/test-engine.ts';
import { databaseOf, describeStore } from '../src/db/database.ts';
import { manualClock } from '../src/clock.ts';
import type { DiscordDeps, DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { gatewayCloseProblem } from '../src/discord/fatal.ts';
import { startPoster } from '../src/discord/poster.ts';
import type { DiscordRefused } from '../src/discord/refused.ts';
import { createLogger } from '../src/log.ts';
import { FakeDiscord, PERMS, opt } from './support/fake-discord.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './support/discord-app.ts';
import { tempDir } from './support/register.ts';

let fake: FakeDiscord;
let app: App;
let bot: DiscordFrontEnd;
let clock: ReturnType<typeof manualClock>;
let fatal: DiscordRefused[];
let logs: string;

async function boot(deps: Partial<DiscordDeps> = {}): Promise<void> {
  const config = discordTestConfig(fake, join(tempDir('cw-faults-'), 'cw.sqlite'));
  await deployCommands(config, () => undefined);
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  ({ app, bot } = await openDiscordApp(config, clock, { logger: createLogger('debug', sink), onFatal: (p) => fatal.push(p), ...deps }));
}

beforeEach(async () => {
  fake = await startFakeDiscord();
  clock = manualClock('2024-06-01T12:00:00Z');
  fatal = [];
  logs = '';
  await boot();
});

afterEach(async () => {
  for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
  await bot.stop();
  await app.close();
  await fake.close();
});

const alerts = () => fake.channelId('alerts');
const general = () => fake.channelId('general');
const posts = (channelId: string) => fake.messagesIn(channelId).filter((m) => m.embeds.length > 0);
const footers = (channelId: string) => posts(channelId).map((m) => m.embeds[0]!.footer!.text.replace(/.*(event #\d+)$/, '$1'));

async function subscribe(channelId: string) {
  const r = await fake
    .slashCommand({ name: 'alerts', subcommand: 'subscribe', options: { channel: opt.channel(channelId) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
    .settled();
  expect(r.content).toMatch(/^Subscribed/);
}

async function evidenceEvent(n: number): Promise<number> {
  return (await app.outbox.record({
    type: 'evidence',
    commitmentId: 'modern-slavery-penalties',
    payload: { commitment: 'modern-slavery-penalties', item: { title: `Penalties ${n}`, link: `https://www.gov.uk/p${n}` }, feed: 'govuk' },
    dedupeKey: `evidence:${n}`,
    createdAt: clock.now().toISOString(),
  }))!;
}

const delivery = (eventId: number, channelId: string) =>
  databaseOf(app).selectFrom('discord_deliveries').selectAll().where('event_id', '=', eventId).where('channel_id', '=', channelId).executeTakeFirstOrThrow();

describe('each channel fails alone', () => {
  it('a channel answering 500 for an hour costs a dozen requests, the others are posted to, and it catches up in order once', async () => {
    await subscribe(alerts());
    await subscribe(general());
    fake.failChannel(general(), 500);
    const ids = [await evidenceEvent(1), await evidenceEvent(2), await evidenceEvent(3)];
    await bot.poster.flush();
    expect(footers(alerts())).toEqual(ids.map((id) => `event #${id}`));
    // An hour of the poster's 5-second timer.
    for (let t = 0; t < 3_600_000; t += 5_000) {
      clock.advance(5_000);
      await bot.poster.flush();
    }
    const outage = fake.requests({ path: `/channels/${general()}/messages` }).length;
    expect(outage).toBeLessThanOrEqual(15);
    await evidenceEvent(4);
    await bot.poster.flush();
    expect(posts(alerts())).toHaveLength(4);

    fake.clearFaults(general());
    clock.advance(10 * 60_000);
    expect(await bot.poster.flush()).toBe(4);
    expect(footers(general())).toEqual(footers(alerts()));
  });

  it('after a failed send and a failed look, this process tries again on its backoff, not held back as if another had the send in flight', async () => {
    await bot.stop();
    await app.close();
    await boot({ deliveryTimeoutMs: 15_000 }); // another process's send may be in flight for 20 s
    await subscribe(alerts());
    fake.serverErrorNext(alerts(), 2); // the send, then the look
    await evidenceEvent(1);
    await bot.poster.flush();
    clock.advance(5_000);
    await bot.poster.flush();
    clock.advance(10_000); // 15 s after the send: its own, known to have ended
    await bot.poster.flush();
    expect(posts(alerts())).toHaveLength(1);
  });

  it('a channel deleted while a delivery to it was pending is marked broken; the others go on', async () => {
    await subscribe(alerts());
    const deleted = general();
    const general_ = () => deleted;
    await subscribe(deleted);
    fake.failChannel(deleted, 500);
    await evidenceEvent(1);
    await bot.poster.flush();
    fake.clearFaults(deleted);
    fake.deleteChannel(deleted);
    clock.advance(60_000);
    await evidenceEvent(2);
    await bot.poster.flush();
    expect(posts(alerts())).toHaveLength(2);
    const sub = await app.subscriptions.get(general_());
    expect(sub?.brokenReason).toMatch(/404 \(10003: Unknown Channel\)/);
    const before = fake.requests({ path: `/channels/${general_()}/messages` }).length;
    clock.advance(60 * 60_000);
    await evidenceEvent(3);
    await bot.poster.flush();
    expect(fake.requests({ path: `/channels/${general_()}/messages` })).toHaveLength(before);
    expect(posts(alerts())).toHaveLength(3);

    // A server admin removes it although the channel cannot be picked any more.
    const manager = { user: 'carol', permissions: PERMS.MANAGE_GUILD };
    const list = await fake.slashCommand({ name: 'alerts', subcommand: 'list', ...manager }).settled();
    expect(list.embeds![0]!.description).toContain(`/alerts unsubscribe subscription:${deleted}`);
    const choices = await fake.autocomplete({ name: 'alerts', subcommand: 'unsubscribe', options: { subscription: '' }, focused: 'subscription', ...manager });
    expect(choices[0]).toEqual({
      name: expect.stringMatching(new RegExp(`^deleted channel ${deleted} — immediately — broken: Discord answered 404`)),
      value: deleted,
    });
    expect(choices.map((c) => c.name)).toContain('#alerts — immediately');
    const un = await fake.slashCommand({ name: 'alerts', subcommand: 'unsubscribe', options: { subscription: deleted }, ...manager }).settled();
    expect(un.content).toMatch(/^Unsubscribed/);
    expect(await app.subscriptions.get(deleted)).toBeUndefined();
  });
});

describe('two processes on one store', () => {
  it('resolve the same failed send and the same queued alert at the same moment: each is posted once', async () => {
    await subscribe(alerts());
    fake.failChannel(alerts(), 500);
    const ids = [await evidenceEvent(1)];
    await bot.poster.flush(); // event 1: 'sending', its outcome unknown (a 500)
    clock.advance(1_000);
    ids.push(await evidenceEvent(2));
    await bot.poster.flush(); // event 2: 'queued' behind it
    expect((await delivery(ids[1]!, alerts())).state).toBe('queued');
    fake.clearFaults(alerts());
    clock.advance(10 * 60_000);
    // A second bot process on the same store, with its own (empty) backoff.
    const other = await startPoster({
      app: { ...app, processId: 'second-process:2:00000002' },
      rest: bot.deliveryRest,
      subscriptions: app.subscriptions,
      logger: createLogger('silent'),
    });
    await Promise.all([bot.poster.flush(), other.flush()]);
    await other.stop();
    expect(footers(alerts())).toEqual(ids.map((id) => `event #${id}`));
    for (const id of ids) expect(await delivery(id, alerts())).toMatchObject({ state: 'sent' });
  });
});

describe('two processes on one store, one send in flight', () => {
  it('a send another process still has in flight is not looked for and resent: one copy', async () => {
    await subscribe(alerts());
    const id = await evidenceEvent(1);
    // Process A's request is on its way (written 'sending'), Discord has not created the message yet.
    let release!: () => void;
    let onTheWay!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const posting = new Promise<void>((resolve) => (onTheWay = resolve));
    const rest = bot.deliveryRest;
    const heldRest = {
      post: async (...args: Parameters<typeof rest.post>) => (onTheWay(), await gate, rest.post(...args)),
      get: (...args: Parameters<typeof rest.get>) => rest.get(...args),
    };
    const a = await startPoster({
      app: { ...app, processId: 'second-process:2:00000002' },
      rest: heldRest as unknown as typeof rest,
      subscriptions: app.subscriptions,
      logger: createLogger('silent'),
    });
    const sending = a.flush();
    await posting;
    expect((await delivery(id, alerts())).state).toBe('sending');
    clock.advance(1_000);
    await bot.poster.flush(); // process B, a second later
    release();
    await sending;
    await a.stop();
    expect(posts(alerts())).toHaveLength(1);
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sent', message_id: posts(alerts())[0]!.id });
  });
});

describe('an answer that never comes', () => {
  it('a send whose connection was cut is looked for before it is sent again: one copy', async () => {
    await subscribe(alerts());
    fake.faults.dropAnswers(alerts(), 1);
    const id = await evidenceEvent(1);
    await bot.poster.flush();
    clock.advance(5_000);
    await bot.poster.flush();
    expect(posts(alerts())).toHaveLength(1);
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sent', message_id: posts(alerts())[0]!.id });
  });

  it('a send answered after the timeout is looked for before it is sent again: one copy', async () => {
    await bot.stop();
    await app.close();
    await boot({ deliveryTimeoutMs: 100 });
    await subscribe(alerts());
    fake.faults.slowAnswers(alerts(), 400, 1);
    const id = await evidenceEvent(1);
    expect(await bot.poster.flush()).toBe(0);
    clock.advance(5_000);
    await bot.poster.flush();
    expect(posts(alerts())).toHaveLength(1);
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sent', message_id: posts(alerts())[0]!.id });
    expect(logs).toMatch(/"retryInMs":5000/);
  });

  it('a post lost in a crash is found after more than a page of messages in the minute BEFORE the send', async () => {
    clock.set(new Date());
    await subscribe(alerts());
    const id = await evidenceEvent(1);
    await bot.poster.flush();
    const original = posts(alerts())[0]!;
    // The crash: sent, 'sent' never written. The channel was busy in the minute before: 150 messages.
    await databaseOf(app).updateTable('discord_deliveries').set({ state: 'sending', message_id: null }).execute();
    fake.seedMessages(alerts(), 150, Date.now() - 30_000);
    clock.advance(30_000); // the restart: that send can no longer be in flight
    await bot.poster.flush();
    expect(posts(alerts()).map((m) => m.id)).toEqual([original.id]);
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sent', message_id: original.id });
  });
});

describe('a rejected token is fatal', () => {
  it('a 401 on a post: one fatal problem saying what to do, and no retries', async () => {
    await subscribe(alerts());
    fake.faults.revokeToken();
    await evidenceEvent(1);
    await expect(bot.poster.flush()).rejects.toThrow(/rejected the bot token/);
    await expect(bot.poster.flush()).rejects.toThrow(/rejected the bot token/);
    expect(fake.requests({ method: 'POST', path: `/channels/${alerts()}/messages` })).toHaveLength(1);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.message).toMatch(/Reset Token.*DISCORD_TOKEN/);
  });

  it('gateway close 4004 is the same rule; 4014 names its cause; 4000 reconnects as before', async () => {
    await fake.disconnectClients(4000);
    await fake.waitFor(() => (fake.gatewayEvents().filter((e) => e.type === 'resume').length > 0 ? true : undefined), 5_000, 'a resume');
    expect(fatal).toEqual([]);
    await fake.disconnectClients(4014);
    await fake.waitFor(() => (fatal.length ? true : undefined), 5_000, 'a fatal problem');
    expect(fatal[0]!.message).toMatch(/closed the gateway for good \(4014\): an intent/);
    fatal.length = 0;
    await bot.stop();
    await app.close();
    await boot();
    await fake.disconnectClients(4004);
    await fake.waitFor(() => (fatal.length ? true : undefined), 5_000, 'a fatal problem');
    expect(fatal[0]!.message).toMatch(/rejected the bot token.*Reset Token/);
  });

  it('every close discord.js gives up on is fatal, each naming its cause; the closes it recovers from are not', () => {
    for (const code of [4004, 4010, 4011, 4012, 4013, 4014])
      expect(gatewayCloseProblem(code)?.message, String(code)).toMatch(new RegExp(code === 4004 ? 'rejected the bot token' : `for good \\(${code}\\): \\w+`));
    for (const code of [1000, 4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009]) expect(gatewayCloseProblem(code), String(code)).toBeUndefined();
  });
});

describe('a stop', () => {
  it('in the middle of a send waits for Discord’s answer and records the message as sent', async () => {
    await subscribe(alerts());
    const id = await evidenceEvent(1);
    fake.faults.slowAnswers(alerts(), 300, 1);
    const flushing = bot.poster.flush();
    await fake.waitFor(() => (posts(alerts()).length ? true : undefined), 2_000, 'the message to be created');
    await bot.stop();
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sent', message_id: posts(alerts())[0]!.id });
    await flushing;
  });

  it('is bounded: when Discord is slower than the bound, the stop goes on and the post is left to be looked for', async () => {
    await subscribe(alerts());
    const id = await evidenceEvent(1);
    fake.faults.slowAnswers(alerts(), 800, 1);
    const flushing = bot.poster.flush();
    await fake.waitFor(() => (posts(alerts()).length ? true : undefined), 2_000, 'the message to be created');
    await bot.poster.stop(50);
    expect(await delivery(id, alerts())).toMatchObject({ state: 'sending' });
    expect(logs).toContain('still in flight at the stop');
    await flushing;
  });
});

// SQLite's file lock; on PostgreSQL writers take row locks and never wait on one another's whole store.
describe.skipIf(onPostgres())('a write lock held by another process', () => {
  it('a command that writes is deferred within Discord’s 3 seconds, then answered once the lock is released', async () => {
    const other = new SQLite(describeStore(app.config.store));
    other.exec('begin immediate');
    const cmd = fake.slashCommand({
      name: 'alerts',
      subcommand: 'subscribe',
      options: { channel: opt.channel(alerts()) },
      user: 'carol',
      permissions: PERMS.MANAGE_GUILD,
    });
    try {
      expect((await cmd.reply()).type).toBe(5); // deferred: Discord shows "thinking…"
    } finally {
      other.exec('commit');
      other.close();
    }
    expect((await cmd.settled()).content).toMatch(/^Subscribed/);
  });
});

describe('what reaches the logs and the channels', () => {
  it('a failed interaction reply is logged without the interaction token', async () => {
    fake.faults.failInteractionCallbacks(500, 10);
    const cmd = fake.slashCommand({ name: 'help', user: 'carol' });
    await fake.waitFor(() => (logs.includes('interaction failed') ? true : undefined), 5_000, 'the failure to be logged');
    expect(logs).toContain('/callback');
    expect(logs).not.toContain(cmd.token);
  });

  it('bidirectional and zero-width characters in a reason do not reach the channel', async () => {
    await subscribe(alerts());
    await app.outbox.record({
      type: 'status-change',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        from: 'stalled',
        to: 'in-progress',
        reason: 'Bill\u202E txet desrever\u2066 \u200Bhidden\uFEFF',
        actor: 'seed',
      },
      dedupeKey: 'bidi',
      createdAt: clock.now().toISOString(),
    });
    await bot.poster.flush();
    const text = JSON.stringify(posts(alerts())[0]!.embeds);
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200C-\u200F\uFEFF]/);
    expect(posts(alerts())[0]!.embeds[0]!.fields!.find((f) => f.name === 'Reason')!.value).toBe('Bill txet desrever hidden');
  });

  it('a search echoed in a public reply loses its bidirectional and zero-width characters', async () => {
    const r = await fake
      .slashCommand({ name: 'commitment', subcommand: 'search', options: { text: opt.string('\u202Eseitlanep\u2066 \u200Bslavery\uFEFF') }, user: 'carol' })
      .settled();
    expect(r.ephemeral).toBeFalsy();
    expect(r.embeds![0]!.title).toBe('Search: seitlanep slavery');
  });

  it('the "not found" reply echoes the id with its markdown escaped', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: opt.string('**loud** ~~x~~') }, user: 'carol' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('\\*\\*loud\\*\\* \\~\\~x\\~\\~');
  });
});
