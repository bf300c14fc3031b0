// End to end against the local fake Discord: alerts posted to subscribed channels — once, escaped, across
// restarts and crashes, and through 403s, 429s and 5xx.
import { databaseOf } from '../src/db/database.ts';
import { describe, expect, it } from 'vitest';
import { PERMS } from './support/fake-discord.ts';
import { fake, app, bot, clock, boot, shutdown, alerts, general, subscribe, evidenceEvent, useDiscordBot } from './support/discord-bot-session.ts';

useDiscordBot();

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
    clock.advance(60_000); // restarted a minute later: that send can no longer be in flight
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
    clock.advance(60_000);
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
});
