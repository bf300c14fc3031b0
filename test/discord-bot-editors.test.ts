// End to end against the local fake Discord: what editors and server managers do — /commitment set-status
// (only editors change statuses) and /alerts (subscribing channels the bot can post in).
import { describe, expect, it } from 'vitest';
import { PERMS, opt } from './support/fake-discord.ts';
import { fake, app, bot, alerts, subscribe, useDiscordBot } from './support/discord-bot-session.ts';

useDiscordBot();

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
