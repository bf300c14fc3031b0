// End to end: the real discord.js Client, logged into the local fake Discord, driving the bot.
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { databaseOf } from '../src/db/database.ts';
import { manualClock } from '../src/clock.ts';
import type { DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { FakeDiscord, PERMS, opt, type PostedMessage } from './support/fake-discord.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './support/discord-app.ts';
import { tempDir } from './support/register.ts';

let fake: FakeDiscord;
let app: App;
let bot: DiscordFrontEnd;
let clock: ReturnType<typeof manualClock>;
let dbFile: string;
const times: number[] = [];

const config = () => discordTestConfig(fake, dbFile);

async function boot(): Promise<void> {
  ({ app, bot } = await openDiscordApp(config(), clock, { listPageSize: 1 }));
}
async function shutdown(): Promise<void> {
  await bot.stop();
  await app.close();
}

beforeEach(async () => {
  fake = await startFakeDiscord();
  dbFile = join(tempDir('cw-discord-'), 'cw.sqlite');
  clock = manualClock('2024-06-01T12:00:00Z');
  await deployCommands(config(), () => undefined);
  await boot();
});

afterEach(async () => {
  for (const t of fake.responseTimes()) times.push(t.ms);
  for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
  expect(fake.unexpectedRequests()).toEqual([]);
  await shutdown();
  await fake.close();
});

afterAll(() => {
  const sorted = [...times].sort((a, b) => a - b);
  const p99 = sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)];
  console.info(
    `[discord] interaction response time over ${sorted.length} interactions: p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, p99 ${p99?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
  );
});

const alerts = () => fake.channelId('alerts');
const general = () => fake.channelId('general');

async function subscribe(channelId: string, extra: Record<string, string> = {}) {
  const r = await fake
    .slashCommand({
      name: 'alerts',
      subcommand: 'subscribe',
      options: { channel: opt.channel(channelId), ...extra },
      user: 'carol',
      permissions: PERMS.MANAGE_GUILD,
    })
    .settled();
  expect(r.content).toMatch(/^Subscribed/);
}

async function evidenceEvent(commitmentId: string, link: string, title = 'Penalties consultation @everyone <@123> **bold**') {
  return (await app.outbox.record({
    type: 'evidence',
    commitmentId,
    payload: { commitment: commitmentId, item: { title, link }, feed: 'govuk' },
    dedupeKey: `evidence:${commitmentId}:${link}`,
    createdAt: clock.now().toISOString(),
  }))!;
}

describe('deploy', () => {
  it('registered every command to the guild', () => {
    expect(
      fake
        .commands(fake.guildId)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['alerts', 'commitment', 'digest', 'feeds', 'help', 'recommendation', 'register']);
    expect(fake.commands(fake.guildId).find((c) => c.name === 'alerts')?.default_member_permissions).toBe('32');
  });
  it('reports unchanged on a second deploy', async () => {
    const lines: string[] = [];
    const result = await deployCommands(config(), (l) => lines.push(l));
    expect(result).toMatchObject({ added: [], updated: [], removed: [] });
    expect(lines.join('\n')).toMatch(/unchanged: /);
  });
});

describe('reading the register', () => {
  it('/commitment show answers with an embed', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'modern-slavery-penalties' } }).settled();
    expect(r.ephemeral).toBe(false);
    expect(r.allowed_mentions).toEqual({ parse: [] });
    const e = r.embeds![0]!;
    expect(e.title).toContain('Financial penalties');
    expect(e.description).toContain('as soon as Parliamentary time allows');
    const fields = Object.fromEntries(e.fields!.map((f) => [f.name, f.value]));
    expect(fields.Status).toBe('stalled');
    expect(fields.Department).toContain('Home Office');
    expect(fields.Deadline).toContain('OVERDUE');
    expect(fields.Deadline).not.toContain('No date given'); // dated: overdue says it all
    expect(fields.Recommendation).toMatch(/^3 — /);
    // Undated: how long it has been open instead.
    const undated = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'report-export-controls-review' } }).settled();
    expect(undated.embeds![0]!.fields!.find((f) => f.name === 'Deadline')?.value).toBe('“at the conclusion of its current review”\nNo date given · open 2 years');
    expect(fields['Last change']).toContain('No bill was introduced');
    expect(fields['Last change']).toContain('https://example.org/no-bill');
    expect(e.color).toBeTypeOf('number');
  });

  it('/commitment show of an unknown id answers privately with the closest ids', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'modern-slavery' } }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('modern-slavery-penalties');
  });

  it('autocomplete offers at most 25 choices, by id or words', async () => {
    const byId = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: 'trade' }, focused: 'commitment' });
    expect(byId.length).toBeGreaterThan(0);
    expect(byId.length).toBeLessThanOrEqual(25);
    expect(byId[0]!.value).toBe('trade-envoy-training');
    const byWords = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: 'penalties' }, focused: 'commitment' });
    expect(byWords.map((c) => c.value)).toContain('modern-slavery-penalties');
    const empty = await fake.autocomplete({ name: 'commitment', subcommand: 'show', options: { commitment: '' }, focused: 'commitment' });
    expect(empty.length).toBeLessThanOrEqual(25);
  });

  it('/commitment search ranks with snippets, /commitment history lists changes, /recommendation show', async () => {
    const s = await fake.slashCommand({ name: 'commitment', subcommand: 'search', options: { text: 'penalties' } }).settled();
    expect(s.embeds![0]!.fields![0]!.name).toContain('modern-slavery-penalties');
    expect(s.embeds![0]!.fields![0]!.value.length).toBeGreaterThan(0);
    // A recommendation hit is named once: "Recommendation 3 — Slavery", not "Recommendation 3 — Recommendation 3: Slavery".
    const recHit = s.embeds![0]!.fields!.find((f) => f.name.includes('Recommendation 3'));
    expect(recHit?.name).toMatch(/^\d+\. Recommendation 3 — Slavery$/);
    const h = await fake.slashCommand({ name: 'commitment', subcommand: 'history', options: { commitment: 'modern-slavery-penalties' } }).settled();
    expect(h.embeds![0]!.fields!.map((f) => f.value).join('\n')).toContain('not started → stalled');
    const rec = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 3 } }).settled();
    expect(rec.embeds![0]!.title).toMatch(/^Recommendation 3/);
    expect(rec.embeds![0]!.fields!.find((f) => f.name === 'Commitments it produced')?.value).toContain('modern-slavery-penalties');
    const missing = await fake.slashCommand({ name: 'recommendation', subcommand: 'show', options: { number: 30 } }).settled();
    expect(missing).toMatchObject({ ephemeral: true });
    expect(missing.content).toMatch(/no recommendation 30/);
  });

  it('/help answers privately', async () => {
    const r = await fake.slashCommand({ name: 'help' }).settled();
    expect(r.ephemeral).toBe(true);
    expect(r.embeds![0]!.description).toContain('/commitment show');
  });
});

describe('/commitment evidence', () => {
  it('lists what was found, newest first, escaped, within one embed, saying how many are shown', async () => {
    const empty = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'trade-envoy-training' } }).settled();
    expect(empty.embeds![0]!.description).toMatch(/^No evidence yet/);
    const rows = Array.from({ length: 60 }, (_, i) => ({
      commitment_id: 'report-export-controls-review',
      url: `https://www.gov.uk/government/news/item-${i}`,
      title: `Export controls item ${i} **@everyone** ${'detail '.repeat(8)}`,
      published: `2024-05-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00.000Z`,
      source: 'govuk-dbt',
      score: 3.5,
      matched: JSON.stringify(['export control']),
      note: null,
      found_at: '2024-06-01T10:00:00.000Z',
    }));
    await databaseOf(app).insertInto('evidence').values(rows).execute();
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'report-export-controls-review' } }).settled();
    const e = r.embeds![0]!;
    expect(r.allowed_mentions).toEqual({ parse: [] });
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    const lines = e.description!.split('\n');
    expect(lines[0]).toMatch(/^• 2024-05-28 \[Export controls item \d+ \\\*\\\*@\u200beveryone/);
    expect(lines.every((l, i) => i === 0 || l.slice(2, 12) <= lines[i - 1]!.slice(2, 12))).toBe(true);
    expect(e.footer!.text).toBe(
      `report-export-controls-review · ${lines.length} of 60 shown (newest first; commitment-watch evidence report-export-controls-review lists all)`,
    );
    const unknown = await fake.slashCommand({ name: 'commitment', subcommand: 'evidence', options: { commitment: 'export-review' } }).settled();
    expect(unknown).toMatchObject({ ephemeral: true });
    expect(unknown.content).toContain('report-export-controls-review');
  });
});

describe('/commitment list paging', () => {
  it('pages for the person who asked only, and expires', async () => {
    const r = await fake.slashCommand({ name: 'commitment', subcommand: 'list', user: 'bob' }).settled();
    expect(r.embeds![0]!.footer!.text).toMatch(/^Page 1 of 3/);
    // Each line flags what is late: overdue when dated, how long open when not.
    const text = r.embeds![0]!.description!;
    expect(text).toMatch(/`report-export-controls-review`\*\* — .*\nin progress · Department for Business and Trade · open 2 years, no date/);
    const msg = () => fake.message(r.messageId!)! as PostedMessage;
    const next = () => msg().components[0]!.components!.find((b) => b.label === 'Next')!.custom_id!;

    const other = await fake.button({ customId: next(), message: msg(), user: 'carol' }).settled();
    expect(other).toMatchObject({ ephemeral: true });
    expect(other.content).toMatch(/only the person who asked/i);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 1/);

    const own = await fake.button({ customId: next(), message: msg(), user: 'bob' }).settled();
    expect(own.type).toBe(7);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 2 of 3/);

    clock.advance(11 * 60_000);
    const late = fake.button({ customId: next(), message: msg(), user: 'bob' });
    await late.reply();
    await fake.waitFor(() => (late.responses().some((x) => x.kind === 'followup') ? true : undefined));
    expect(late.responses().find((x) => x.kind === 'followup')).toMatchObject({ ephemeral: true, content: expect.stringMatching(/expired/) });
    expect(msg().components).toEqual([]);
    expect(msg().embeds[0]!.footer!.text).toMatch(/^Page 2/);
  });
});

describe('/commitment set-status', () => {
  it('refuses a non-editor privately and records nothing', async () => {
    const r = await fake
      .slashCommand({
        name: 'commitment',
        subcommand: 'set-status',
        user: 'bob',
        options: { commitment: 'trade-envoy-training', status: 'delivered', reason: 'Course ran in May' },
      })
      .settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toMatch(/Only editors/);
    expect((await app.queries.history('trade-envoy-training')).ok && (await app.store.history('trade-envoy-training')).length).toBe(1);
  });

  it('records a change by an editor (the editor role or Manage Server) with actor discord:<id>', async () => {
    await fake
      .slashCommand({
        name: 'alerts',
        subcommand: 'editor-role',
        options: { role: opt.role(fake.roleId('Editors')) },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    const r = await fake
      .slashCommand({
        name: 'commitment',
        subcommand: 'set-status',
        user: 'alice',
        options: { commitment: 'trade-envoy-training', status: 'delivered', reason: 'Course ran in May', source: 'https://www.gov.uk/x' },
      })
      .settled();
    expect(r.ephemeral).toBe(false);
    expect(r.embeds![0]!.description).toContain('not started → delivered');
    const last = (await app.store.history('trade-envoy-training')).at(-1)!;
    expect(last).toMatchObject({ to: 'delivered', actor: `discord:${fake.userId('alice')}`, evidence: ['https://www.gov.uk/x'] });
  });

  it('explains a bad source URL and an unknown commitment', async () => {
    const bad = await fake
      .slashCommand({
        name: 'commitment',
        subcommand: 'set-status',
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
        options: { commitment: 'trade-envoy-training', status: 'delivered', reason: 'Course ran', source: 'ftp://x' },
      })
      .settled();
    expect(bad).toMatchObject({ ephemeral: true });
    expect(bad.content).toMatch(/expected an http\(s\) URL/);
    const unknown = await fake
      .slashCommand({
        name: 'commitment',
        subcommand: 'set-status',
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
        options: { commitment: 'trade-envoy', status: 'delivered', reason: 'Course ran' },
      })
      .settled();
    expect(unknown.content).toContain('trade-envoy-training');
    expect(await app.store.history('trade-envoy-training')).toHaveLength(1);
  });
});

describe('/alerts', () => {
  const subscriptions = () => app.subscriptions;

  it('refuses a channel the bot cannot post in, naming what is missing, and saves nothing', async () => {
    const r = await fake
      .slashCommand({
        name: 'alerts',
        subcommand: 'subscribe',
        options: { channel: opt.channel(fake.channelId('locked')) },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toBe(
      `I cannot post in <#${fake.channelId('locked')}>: I am missing Send Messages there. Give my role (or me) those permissions in that channel, then run this again. Nothing was saved.`,
    );
    expect(await subscriptions().list()).toEqual([]);
    const digest = await fake
      .slashCommand({
        name: 'digest',
        subcommand: 'schedule',
        options: { channel: opt.channel(fake.channelId('locked')) },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(digest.content).toMatch(/^I cannot post in .*: I am missing Send Messages there/);
    expect(await subscriptions().list()).toEqual([]);

    // Able to post but not to read back: subscribed, with a note on what that costs.
    const noHistory = fake.addChannel({ name: 'no-history', denyBot: PERMS.READ_MESSAGE_HISTORY | PERMS.EMBED_LINKS });
    await fake.waitFor(() => (bot.client.channels.cache.has(noHistory.id) ? true : undefined), 2_000, 'the new channel in the cache');
    const noEmbeds = await fake
      .slashCommand({ name: 'alerts', subcommand: 'subscribe', options: { channel: opt.channel(noHistory.id) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(noEmbeds.content).toMatch(/I am missing Embed Links there/);
    const partly = fake.addChannel({ name: 'partly', denyBot: PERMS.READ_MESSAGE_HISTORY });
    await fake.waitFor(() => (bot.client.channels.cache.has(partly.id) ? true : undefined), 2_000, 'the new channel in the cache');
    const ok = await fake
      .slashCommand({ name: 'alerts', subcommand: 'subscribe', options: { channel: opt.channel(partly.id) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(ok.content).toMatch(/^Subscribed <#\d+>: immediately, everything\. Note: without Read Message History there I cannot check after a crash/);
    expect((await subscriptions().list()).map((s) => s.channelId)).toEqual([partly.id]);
  });

  it('needs Manage Server; subscribe, list and unsubscribe', async () => {
    const refused = await fake.slashCommand({ name: 'alerts', subcommand: 'list', user: 'bob' }).settled();
    expect(refused).toMatchObject({ ephemeral: true, content: expect.stringMatching(/Manage Server/) });
    await subscribe(alerts(), { department: 'Home Office' });
    const list = await fake.slashCommand({ name: 'alerts', subcommand: 'list', user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(list.ephemeral).toBe(true);
    expect(list.embeds![0]!.description).toContain(`<#${alerts()}>`);
    expect(list.embeds![0]!.description).toContain('Home Office');
    const un = await fake
      .slashCommand({ name: 'alerts', subcommand: 'unsubscribe', options: { channel: opt.channel(alerts()) }, user: 'carol', permissions: PERMS.MANAGE_GUILD })
      .settled();
    expect(un.content).toMatch(/^Unsubscribed/);
    expect(await bot.poster.flush()).toBe(0);
  });
});

describe('posting', () => {
  it('posts an event to a subscribed channel once, with the evidence link, escaped', async () => {
    await subscribe(alerts());
    await subscribe(general(), { commitment: 'trade-envoy-training' });
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/penalties');
    expect(await bot.poster.flush()).toBe(1);
    const [m] = fake.messagesIn(alerts());
    expect(m!.embeds[0]!.title).toBe('New evidence: modern-slavery-penalties');
    const text = JSON.stringify(m!.embeds);
    expect(text).toContain('https://www.gov.uk/penalties');
    expect(text).not.toMatch(/@everyone|<@123>/);
    expect(m!.nonce).toMatch(/^cw-/);
    expect(m!.pings).toEqual([]);
    expect(fake.messagesIn(general())).toEqual([]); // filtered out
    expect(await bot.poster.flush()).toBe(0);
  });

  it('a status change shows from → to with the reason and source', async () => {
    await subscribe(alerts());
    await app.store.changeStatus(
      { commitmentId: 'modern-slavery-penalties', to: 'in-progress', reason: 'Bill introduced', evidence: ['https://bills.parliament.uk/1'], actor: 'cli:test' },
      clock.now().toISOString(),
    );
    await bot.poster.flush();
    const e = fake.messagesIn(alerts())[0]!.embeds[0]!;
    const fields = JSON.stringify(e.fields);
    expect(fields).toContain('stalled → **in progress**');
    expect(fields).toContain('Bill introduced');
    expect(fields).toContain('https://bills.parliament.uk/1');
  });

  it('an event posted before a restart is not posted again after it', async () => {
    await subscribe(alerts());
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/a');
    await bot.poster.flush();
    // A crash after the send but before 'sent' was written: the row stays 'sending'.
    await databaseOf(app).updateTable('discord_deliveries').set({ state: 'sending', message_id: null }).execute();
    await shutdown();
    await boot();
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/b');
    expect(await bot.poster.flush()).toBe(1);
    expect(fake.messagesIn(alerts()).map((m) => m.embeds[0]!.fields![0]!.value)).toEqual([expect.stringContaining('gov.uk/a'), expect.stringContaining('gov.uk/b')]);
    const rows = await databaseOf(app).selectFrom('discord_deliveries').selectAll().orderBy('event_id').execute();
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(rows[0]!.message_id).toBe(fake.messagesIn(alerts())[0]!.id);
    await shutdown();
    await boot();
    expect(await bot.poster.flush()).toBe(0);
    expect(fake.messagesIn(alerts())).toHaveLength(2);
  });

  it('finds a post sent just before a crash even when many messages came after it, and does not post it again', async () => {
    await subscribe(alerts());
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/buried');
    await bot.poster.flush();
    const original = fake.messagesIn(alerts())[0]!;
    // The crash: sent, but 'sent' never written. Then the channel moves on: 120 messages bury the post (more than one page of 100).
    await databaseOf(app).updateTable('discord_deliveries').set({ state: 'sending', message_id: null }).execute();
    fake.seedMessages(alerts(), 120);
    await shutdown();
    await boot();
    expect(await bot.poster.flush()).toBe(0);
    expect(
      fake
        .messagesIn(alerts())
        .filter((m) => m.embeds.length > 0)
        .map((m) => m.id),
    ).toEqual([original.id]);
    const row = await databaseOf(app).selectFrom('discord_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'sent', message_id: original.id });
    const lookups = fake.requests({ method: 'GET', path: `/channels/${alerts()}/messages` });
    expect(lookups.at(-1)!.url).toMatch(/[?&]after=\d+/);
  });

  it('a channel answering 403 is marked broken, shown in /alerts list, and not retried', async () => {
    await subscribe(general());
    fake.failChannel(general(), 403);
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/c');
    expect(await bot.poster.flush()).toBe(0);
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/d');
    await bot.poster.flush();
    expect(fake.requests({ method: 'POST', path: `/channels/${general()}/messages` })).toHaveLength(1);
    const list = await fake.slashCommand({ name: 'alerts', subcommand: 'list', user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(list.embeds![0]!.description).toMatch(/Broken.*403/);
  });

  it('429 is waited out and posted once; after a 5xx the channel is tried again once its backoff has passed', async () => {
    await subscribe(alerts());
    fake.rateLimitNext(alerts(), 0.05);
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/e');
    expect(await bot.poster.flush()).toBe(1);
    expect(fake.requests({ method: 'POST', path: `/channels/${alerts()}/messages` }).map((r) => r.status)).toEqual([429, 200]);
    fake.serverErrorNext(alerts(), 1);
    await evidenceEvent('modern-slavery-penalties', 'https://www.gov.uk/f');
    expect(await bot.poster.flush()).toBe(0);
    expect(await bot.poster.flush()).toBe(0); // still waiting
    clock.advance(5_000);
    expect(await bot.poster.flush()).toBe(1);
    expect(fake.messagesIn(alerts())).toHaveLength(2);
  });

  it('a proposal: a non-editor is refused, an editor confirms, the message shows who; a second press says decided', async () => {
    await subscribe(alerts());
    await app.outbox.record({
      type: 'status-proposal',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        from: 'stalled',
        to: 'in-progress',
        rule: 'bill-progress',
        reason: 'Modern Slavery Bill reached 2nd reading',
        item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
      },
      dedupeKey: 'p1',
      createdAt: clock.now().toISOString(),
    });
    await bot.poster.flush();
    const msg = () => fake.messagesIn(alerts())[0]!;
    const ids = msg().components[0]!.components!.map((c) => c.custom_id);
    expect(msg().components[0]!.components!.map((c) => c.label)).toEqual(['Confirm', 'Dismiss']);
    const refused = await fake.button({ customId: ids[0]!, message: msg(), user: 'bob' }).settled();
    expect(refused).toMatchObject({ ephemeral: true, content: expect.stringMatching(/Only editors/) });
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('stalled');

    const ok = await fake.button({ customId: ids[0]!, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(ok.type).toBe(7);
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('in-progress');
    const last = (await app.store.history('modern-slavery-penalties')).at(-1)!;
    expect(last).toMatchObject({
      actor: `discord:${fake.userId('carol')}`,
      reason: 'Modern Slavery Bill reached 2nd reading',
      evidence: ['https://bills.parliament.uk/2'],
    });
    expect(msg().components).toEqual([]);
    expect(JSON.stringify(msg().embeds)).toContain(`by <@${fake.userId('carol')}>`);
    expect(msg().pings).toEqual([]);

    const again = await fake.button({ customId: ids[1]!, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(again).toMatchObject({ ephemeral: true, content: expect.stringMatching(/already confirmed/) });
  });

  it('confirming a proposal the commitment has since moved past changes nothing: proposals only move forward', async () => {
    await subscribe(alerts());
    await app.outbox.record({
      type: 'status-proposal',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        from: 'stalled',
        to: 'in-progress',
        rule: 'bill-progress',
        reason: 'Modern Slavery Bill reached 2nd reading',
        item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
      },
      dedupeKey: 'p-behind',
      createdAt: clock.now().toISOString(),
    });
    await bot.poster.flush();
    // Meanwhile an editor records the commitment delivered.
    await app.store.changeStatus(
      { commitmentId: 'modern-slavery-penalties', to: 'delivered', reason: 'The penalties are in force.', evidence: [], actor: 'discord:123456789012345678' },
      clock.now().toISOString(),
    );
    const msg = () => fake.messagesIn(alerts()).at(-1)!;
    const confirm = msg().components[0]!.components![0]!.custom_id!;
    const pressed = await fake.button({ customId: confirm, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(pressed.type).toBe(7);
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('delivered');
    expect(msg().embeds[0]!.fields!.at(-1)).toMatchObject({
      name: 'Decision',
      value: expect.stringMatching(/^✅ confirmed, but nothing changed: modern-slavery-penalties is now delivered; in-progress would move it back — by/),
    });
  });

  it('a proposal posted to two channels is decided once, and both messages show the decision without buttons', async () => {
    await subscribe(alerts());
    await subscribe(general());
    const proposal = async (key: string) =>
      app.outbox.record({
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
        dedupeKey: key,
        createdAt: clock.now().toISOString(),
      });
    await proposal('p-two');
    expect(await bot.poster.flush()).toBe(2);
    const inAlerts = () => fake.messagesIn(alerts()).at(-1)!;
    const inGeneral = () => fake.messagesIn(general()).at(-1)!;
    const dismiss = inGeneral().components[0]!.components![1]!.custom_id!;
    const pressed = await fake.button({ customId: dismiss, message: inGeneral(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(pressed.type).toBe(7);
    // The other copy is edited after the press is answered.
    await fake.waitFor(() => (inAlerts().components.length === 0 ? true : undefined), 2_000, 'the copy in #alerts to be closed');
    for (const m of [inAlerts(), inGeneral()]) {
      expect(m.components).toEqual([]);
      expect(m.embeds[0]!.fields!.at(-1)).toMatchObject({
        name: 'Decision',
        value: expect.stringMatching(new RegExp(`^✖️ dismissed — by <@${fake.userId('carol')}>`)),
      });
      expect(m.allowed_mentions).toEqual({ parse: [] });
    }
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('stalled');

    // A copy left with live buttons (the bot stopped before editing it) is closed when it is next pressed.
    const id = await proposal('p-stale');
    await bot.poster.flush();
    await databaseOf(app)
      .insertInto('discord_proposal_decisions')
      .values({
        event_id: id!,
        decision: 'confirmed',
        decided_by: `discord:${fake.userId('carol')}`,
        decided_at: clock.now().toISOString(),
        outcome: 'confirmed: now in-progress',
      })
      .execute();
    const confirm = inAlerts().components[0]!.components![0]!.custom_id!;
    const stale = await fake.button({ customId: confirm, message: inAlerts(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(stale).toMatchObject({ ephemeral: true, content: expect.stringMatching(/already confirmed/) });
    await fake.waitFor(() => (inAlerts().components.length + inGeneral().components.length === 0 ? true : undefined), 2_000, 'both copies to be closed');
    for (const m of [inAlerts(), inGeneral()]) {
      expect(m.components).toEqual([]);
      expect(m.embeds[0]!.fields!.filter((f) => f.name === 'Decision')).toEqual([
        { name: 'Decision', value: expect.stringMatching(/^✅ confirmed: now in-progress — by/) },
      ]);
    }
  });
});
