// /feeds status and /feeds why end to end: the real discord.js Client against the local fake Discord, with
// feed state and items put in the store by a real poll of fixtures served on 127.0.0.1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import type { DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { embedLength } from '../src/discord/embed-limits.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import { createFetcher, type Fetcher } from '../src/feeds/fetch.ts';
import { Poller } from '../src/feeds/poller.ts';
import { FakeDiscord, PERMS, opt } from './support/fake-discord.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './support/discord-app.ts';
import { tempDir } from './support/register.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'feeds');
const MIN = 60_000;
const FIRST_ITEM =
  'http://www.parliament.uk/business/committees/committees-a-z/commons-select/administration-committee/news-parliament-2017/evaluation-report-ipsa-response-17-19/';
const NEW_ITEM = 'https://committees.example.org/news/new-1';

let fake: FakeDiscord;
let app: App;
let bot: DiscordFrontEnd;
let clock: ReturnType<typeof manualClock>;
let server: FeedServer;
let fetcher: Fetcher;
let dbFile: string;
let feeds: FeedSpec[];
let poller: Poller;

const config = () => discordTestConfig(fake, dbFile, { ALLOW_PRIVATE_FEED_ADDRESSES: 'true' });

/** The committee news fixture with one item inserted before its first (newest first). */
function committeeNewsWithNewItem(): string {
  const body = readFileSync(join(FIXTURES, 'parliament-committee-news-rss-2018.xml'), 'utf8');
  const item =
    '<item><title>Committee presses Government on export controls and Xinjiang @everyone</title><link>https://committees.example.org/news/new-1</link>' +
    '<guid>new-1</guid><description></description><pubDate>Sat, 01 Jun 2024 11:00:00 GMT</pubDate><category>News</category></item>';
  return body.replace('<item>', `${item}<item>`);
}

beforeEach(async () => {
  fake = await startFakeDiscord();
  server = await startFeedServer();
  fetcher = createFetcher({ userAgent: 'commitment-watch-test', allowPrivateNetworks: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 1_000_000 });
  dbFile = join(tempDir('cw-discord-feeds-'), 'cw.sqlite');
  clock = manualClock('2024-06-01T12:00:00Z');
  await deployCommands(config(), () => undefined);
  ({ app, bot } = await openDiscordApp(config(), clock));

  // Two polls: the first records the committee feed silently (first fetch) and fails on the broken one;
  // the second finds one new item that matches a commitment.
  server.serveFile('/committee.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
  server.route('/broken.rss', (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
  });
  feeds = [
    { id: 'committee', url: server.url('/committee.rss'), everyMs: 15 * MIN },
    { id: 'broken', url: server.url('/broken.rss'), kind: 'generic', everyMs: 15 * MIN },
  ];
  poller = new Poller({ feedStore: app.feeds, registerStore: app.store, fetcher, clock, timeZone: 'Europe/London' });
  await poller.pollOnce(feeds);
  server.serveBody('/committee.rss', committeeNewsWithNewItem(), { 'content-type': 'application/rss+xml' });
  clock.advance(16 * MIN);
  await poller.pollOnce(feeds);
});

afterEach(async () => {
  for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
  expect(fake.unexpectedRequests()).toEqual([]);
  // The polls in beforeEach fetched from the local feed server (127.0.0.1) only.
  expect(server.requests().length).toBeGreaterThan(0);
  await bot.stop();
  await app.close();
  fetcher.close();
  await server.close();
  await fake.close();
});

describe('/feeds status', () => {
  it('lists every feed, failing first, with kind, health, reason, last success and failures', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'status' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    const e = r.embeds![0]!;
    expect(e.title).toBe('Feeds');
    expect(e.description).toContain('2 feeds: 1 failing, 0 disabled, 1 healthy');
    const [broken, committee] = e.fields!;
    expect(broken!.name).toBe('🔴 broken');
    expect(broken!.value).toContain('Kind: generic');
    expect(broken!.value).toContain('Health: **failing**');
    expect(broken!.value).toMatch(/Reason: .*500/);
    expect(broken!.value).toContain('Last success: never');
    expect(broken!.value).toContain('Consecutive failures: 2');
    expect(committee!.name).toBe('🟢 committee');
    expect(committee!.value).toContain('generic (detected)');
    expect(committee!.value).toContain('Health: **healthy**');
    expect(committee!.value).toContain('Last success: 2024-06-01 12:16 UTC');
    expect(committee!.value).toContain('Consecutive failures: 0');
  });

  it('shows which process polled each feed last and which holds it now, escaped', async () => {
    // The feeds were polled by this process (the bot's); now another process (its name has markdown) holds one.
    const mine = new Poller({ feedStore: app.feeds, registerStore: app.store, fetcher, clock, timeZone: 'Europe/London', owner: app.processId });
    clock.advance(16 * MIN);
    await mine.pollOnce(feeds);
    const until = new Date(clock.now().getTime() + 5 * MIN).toISOString();
    expect(await app.feeds.claim('broken', 'bot_2:77:**ab**', clock.now().toISOString(), until)).toBeDefined();
    const status = async () => {
      const r = await fake.slashCommand({ name: 'feeds', subcommand: 'status' }).settled();
      return Object.fromEntries(r.embeds![0]!.fields!.map((f) => [f.name, f.value]));
    };
    let fields = await status();
    expect(fields['🟢 committee']).toContain(`Last polled by: ${app.processId.replace(/[_*~`|\\]/g, '\\$&')}`);
    expect(fields['🟢 committee']).not.toContain('Polling now');
    expect(fields['🔴 broken']).toContain('Polling now: bot\\_2:77:\\*\\*ab\\*\\* (until 2024-06-01 12:37 UTC)');
    clock.advance(5 * MIN); // its claim expired: nobody holds it now
    fields = await status();
    expect(fields['🔴 broken']).not.toContain('Polling now');
    expect(fields['🔴 broken']).toContain('Last polled by:');
  });

  it('stays within embed limits with many feeds', async () => {
    const store = app.feeds;
    const many: FeedSpec[] = Array.from({ length: 80 }, (_, i) => ({
      id: `feed-${String(i).padStart(2, '0')}-${'x'.repeat(40)}`,
      url: `https://example.org/${i}.rss`,
      everyMs: 15 * MIN,
    }));
    await store.syncFeeds(many);
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'status' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.embeds!.length).toBeGreaterThan(0);
    expect(r.embeds!.length).toBeLessThanOrEqual(10);
    expect(r.embeds!.reduce((n, e) => n + embedLength(e as never), 0)).toBeLessThanOrEqual(6000);
    for (const e of r.embeds!) expect(e.fields!.length).toBeLessThanOrEqual(25);
    // Feeds never polled say so, rather than "healthy, last success never".
    expect(r.embeds!.flatMap((e) => e.fields!).find((f) => f.name.includes('feed-00'))?.value).toContain('Not polled yet: waiting for its first slot');
  });
});

describe('/feeds why', () => {
  it('explains a matched item: the commitment, its score and terms, and the decision', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'why', options: { url: opt.string(NEW_ITEM) } }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    const e = r.embeds![0]!;
    expect(e.title).toContain('Committee presses Government on export controls');
    expect(e.url).toBe(NEW_ITEM);
    const fields = Object.fromEntries(e.fields!.map((f) => [f.name, f.value]));
    expect(fields['Feed committee']).toContain('new item');
    expect(fields.Commitments).toMatch(/✅ `report-export-controls-review` score \d/);
    expect(fields.Commitments).toContain('export control');
    expect(e.description).toMatch(/^Posted: /);
    expect(fields.Decisions).toContain('posted as event');
    expect(JSON.stringify(e)).not.toMatch(/@everyone/);
  });

  it('explains why an item of the first fetch was not posted', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'why', options: { url: opt.string(FIRST_ITEM) } }).settled();
    expect(r.ephemeral).toBe(true);
    const e = r.embeds![0]!;
    expect(e.title).toBe("Findings from research on new MPs' experiences published");
    expect(e.description).toMatch(/^Not posted: .*first fetch/);
    expect(e.fields!.find((f) => f.name === 'Feed committee')?.value).toContain('first fetch');
  });

  it('answers privately that an unknown item has not been seen', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'why', options: { url: opt.string('https://www.gov.uk/government/news/never-seen') } }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    expect(r.content).toMatch(/^The bot has not seen that item/);
  });

  it('refuses a link that is not http(s)', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'why', options: { url: opt.string('ftp://example.org/item') } }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('expected an http(s) URL');
  });
});

describe('/feeds enable', () => {
  const store = () => app.feeds;
  const brokenRequests = () => server.requests('/broken.rss').length;

  it('refuses a non-editor privately and changes nothing', async () => {
    const r = await fake.slashCommand({ name: 'feeds', subcommand: 'enable', options: { feed: opt.string('broken') }, user: 'bob' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toMatch(/Only editors/);
    expect((await store().getFeed('broken'))!.health).toBe('failing');
  });

  it('puts a disabled feed back: healthy at once, one recovered event naming the editor, polled at its next slot', async () => {
    // Disabled, with its next probe a day away: the scheduler would leave it alone until then.
    await store().transaction((tx) =>
      tx.updateFeed('broken', {
        health: 'disabled',
        healthReason: 'disabled after 10 failures in a row',
        consecutiveFailures: 10,
        nextAttemptAt: '2024-06-02T12:16:00.000Z',
      }),
    );
    const lastEvent = (await app.outbox.after(0, 1000)).at(-1)!.id;
    clock.advance(16 * MIN);
    const skipped = brokenRequests();
    await poller.pollOnce(feeds);
    expect(brokenRequests()).toBe(skipped);

    const r = await fake
      .slashCommand({ name: 'feeds', subcommand: 'enable', options: { feed: opt.string('broken') }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(r.ephemeral).toBe(true);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    expect(r.content).toBe('`broken` was disabled; it is healthy again and will be polled at its next slot. If it still fails, it backs off and is reported again.');
    expect(await store().getFeed('broken')).toMatchObject({ health: 'healthy', consecutiveFailures: 0, nextAttemptAt: null });
    const events = (await app.outbox.after(lastEvent, 1000)).filter((e) => e.type === 'feed-health');
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ feed: 'broken', change: 'recovered', previous: 'disabled', health: 'healthy' });
    expect(String(events[0]!.payload.reason)).toContain(`re-enabled by discord:${fake.userId('carol')} (was disabled: disabled after 10 failures in a row)`);

    // Pressing it again is harmless: nothing to do, no second event.
    const again = await fake
      .slashCommand({ name: 'feeds', subcommand: 'enable', options: { feed: opt.string('broken') }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(again.content).toBe('`broken` is already healthy: nothing to do.');
    expect((await app.outbox.after(lastEvent, 1000)).filter((e) => e.type === 'feed-health')).toHaveLength(1);

    clock.advance(16 * MIN);
    await poller.pollOnce(feeds);
    expect(brokenRequests()).toBe(skipped + 1);
    expect((await store().getFeed('broken'))!.health).toBe('failing');
  });

  it('never races a poll in progress: while one holds the feed, enabling it is refused and changes nothing', async () => {
    const now = clock.now().toISOString();
    expect(await store().claim('broken', 'a-poll-in-another-process', now, new Date(clock.now().getTime() + 5 * MIN).toISOString())).toBeDefined();
    const before = (await app.outbox.after(0, 1000)).length;
    const r = await fake
      .slashCommand({ name: 'feeds', subcommand: 'enable', options: { feed: opt.string('broken') }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(r).toMatchObject({ ephemeral: true, content: 'The feed broken is being polled right now: try again in a minute.' });
    expect((await store().getFeed('broken'))!.health).toBe('failing');
    expect(await app.outbox.after(0, 1000)).toHaveLength(before);
  });

  it('names the closest feed ids for an unknown one', async () => {
    const r = await fake
      .slashCommand({ name: 'feeds', subcommand: 'enable', options: { feed: opt.string('brokn') }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toMatch(/^no feed has the id "brokn"/);
    expect(r.content).toContain('Closest feed ids: `broken`');
  });

  it('autocompletes feed ids, failing and disabled first, and the nearest id for a typo', async () => {
    const all = await fake.autocomplete({ name: 'feeds', subcommand: 'enable', options: { feed: '' }, focused: 'feed' });
    expect(all.map((c) => c.value)).toEqual(['broken', 'committee']);
    expect(all[0]!.name).toBe('🔴 broken — failing');
    const typo = await fake.autocomplete({ name: 'feeds', subcommand: 'enable', options: { feed: 'comitee' }, focused: 'feed' });
    expect(typo[0]!.value).toBe('committee');
  });
});
