// End to end through the local fake Discord: /digest schedule, /digest preview, and the digest then
// posted by the scheduler through the real discord.js REST client — the same content as the preview.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { databaseOf } from '../src/db/database.ts';
import { manualClock } from '../src/clock.ts';
import type { DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { DigestService } from '../src/digest/digest-service.ts';
import { discordSender } from '../src/discord/digest-sender.ts';
import { FakeDiscord, PERMS, opt } from './support/fake-discord.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './support/discord-app.ts';
import { tempDir } from './support/register.ts';

let fake: FakeDiscord;
let app: App;
let bot: DiscordFrontEnd;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  fake = await startFakeDiscord();
  clock = manualClock('2024-06-01T12:00:00Z');
  const config = discordTestConfig(fake, join(tempDir('cw-digest-'), 'cw.sqlite'));
  await deployCommands(config, () => undefined);
  ({ app, bot } = await openDiscordApp(config, clock));
});

afterEach(async () => {
  for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
  await bot.stop();
  await app.close();
  await fake.close();
});

const withoutFooter = (embeds: { footer?: unknown; type?: unknown }[] | undefined) => (embeds ?? []).map(({ footer: _f, type: _t, ...rest }) => rest);

describe('/digest', () => {
  it('schedule needs Manage Server', async () => {
    const r = await fake
      .slashCommand({ name: 'digest', subcommand: 'schedule', options: { channel: opt.channel(fake.channelId('alerts')) }, user: 'carol' })
      .settled();
    expect(r.ephemeral).toBe(true);
    expect(r.content).toContain('Manage Server');
    expect(fake.commands(fake.guildId).find((c) => c.name === 'digest')?.default_member_permissions).toBe('32');
  });

  it('preview shows what is then posted', async () => {
    const alerts = fake.channelId('alerts');
    const s = await fake
      .slashCommand({
        name: 'digest',
        subcommand: 'schedule',
        options: { channel: opt.channel(alerts), weekday: opt.integer(6), hour: opt.integer(9), timezone: opt.string('Europe/London') },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(s.content).toMatch(/Saturdays at 09:00 Europe\/London/);
    await app.outbox.record({
      type: 'evidence',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        feed: 'govuk',
        item: { title: 'Penalties consultation @everyone **bold**', link: 'https://example.org/penalties' },
      },
      dedupeKey: 'evidence:1',
      createdAt: '2024-06-03T10:00:00.000Z',
    });
    clock.set('2024-06-08T08:00:20Z'); // Saturday 09:00:20 BST
    const preview = await fake.slashCommand({ name: 'digest', subcommand: 'preview', options: { channel: opt.channel(alerts) }, user: 'carol' }).settled();
    expect(preview.ephemeral).toBe(true);
    expect(JSON.stringify(preview.embeds)).toContain('https://example.org/penalties');
    expect(JSON.stringify(preview.embeds)).not.toContain('@everyone');

    const subscriptions = app.subscriptions;
    const service = new DigestService({ app, subscriptions, sender: discordSender(bot.client, subscriptions, clock), clock });
    const report = await service.tick(clock.now());
    expect(report.failed).toEqual([]);
    expect(report.posted).toHaveLength(1);
    const posted = fake.messagesIn(alerts);
    expect(posted).toHaveLength(1);
    expect(withoutFooter(posted[0]!.embeds)).toEqual(withoutFooter(preview.embeds));
    expect(posted[0]!.embeds.at(-1)!.footer).toMatchObject({ text: expect.stringMatching(/cw-g-\w+-\w+-0$/) });
    await service.tick(new Date('2024-06-08T08:05:00Z'));
    expect(fake.messagesIn(alerts)).toHaveLength(1);
  });

  it('a digest part sent just before a crash is found after the restart, however many messages came after it', async () => {
    const alerts = fake.channelId('alerts');
    await fake
      .slashCommand({
        name: 'digest',
        subcommand: 'schedule',
        options: { channel: opt.channel(alerts), weekday: opt.integer(6), hour: opt.integer(9) },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    clock.set('2024-06-08T08:00:20Z');
    const subscriptions = app.subscriptions;
    const service = () => new DigestService({ app, subscriptions, sender: discordSender(bot.client, subscriptions, clock), clock });
    expect((await service().tick(clock.now())).posted).toHaveLength(1);
    const [original] = fake.messagesIn(alerts);
    // The crash: Discord took the part, the run never recorded it. Then 120 messages bury it (more than one page of 100).
    await databaseOf(app).updateTable('digest_runs').set({ state: 'pending', parts_sent: 0, message_ids: '[]', posted_at: null }).execute();
    fake.seedMessages(alerts, 120);
    clock.set('2024-06-08T08:10:00Z');
    const report = await service().tick(clock.now());
    expect(report.failed).toEqual([]);
    expect(
      fake
        .messagesIn(alerts)
        .filter((m) => m.embeds.length > 0)
        .map((m) => m.id),
    ).toEqual([original!.id]);
    const run = await databaseOf(app).selectFrom('digest_runs').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({ state: 'posted', message_ids: JSON.stringify([original!.id]) });
  });

  it('a stop while a part is in flight: that part finishes and is recorded, the next is not sent', async () => {
    const alerts = fake.channelId('alerts');
    const sender = discordSender(bot.client, app.subscriptions, clock);
    const part = (n: number) => ({ part: n, content: `part ${n}`, embeds: [] });
    let stopping = false;
    const recorded: Array<[number, string]> = [];
    fake.faults.slowAnswers(alerts, 300, 1);
    fake.faults.onMessage(() => (stopping = true)); // the stop comes while Discord is answering part 0
    const result = await sender.send(alerts, [part(0), part(1)], 'cw-g-1-stop', {
      resumed: false,
      stopping: () => stopping,
      onSent: (p, id) => {
        recorded.push([p, id]);
        return Promise.resolve();
      },
    });
    expect(result.ok).toBe(false);
    expect(fake.messagesIn(alerts).map((m) => m.content)).toEqual(['part 0']);
    expect(recorded).toEqual([[0, fake.messagesIn(alerts)[0]!.id]]);
  });
});
