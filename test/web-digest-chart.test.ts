// The weekly digest carries the tracker's scoreboard chart as a PNG, through the real discord.js REST
// client to the local fake Discord: the multipart upload holds a valid PNG, the embed shows it, the text
// stays. With PUBLIC_URL set, the digest and /commitment show link to the tracker's pages.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import type { DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { DigestService } from '../src/digest/digest-service.ts';
import { discordSender } from '../src/discord/digest-sender.ts';
import { scoreboardSvg } from '../src/web/chart.tsx';
import { scoreboardPng } from '../src/web/chart-png.ts';
import { FakeDiscord, PERMS, opt } from './support/fake-discord.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './support/discord-app.ts';
import { readPng } from './support/png.ts';
import { tempDir } from './support/register.ts';

let fake: FakeDiscord | undefined;
let app: App | undefined;
let bot: DiscordFrontEnd | undefined;
let dir: string | undefined;

afterEach(async () => {
  await bot?.stop();
  await app?.close();
  await fake?.close();
  fake = app = bot = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(env: NodeJS.ProcessEnv = {}) {
  fake = await startFakeDiscord();
  const clock = manualClock('2024-06-01T12:00:00Z');
  dir = tempDir('cw-chart-');
  const config = discordTestConfig(fake, join(dir, 'cw.sqlite'), env);
  await deployCommands(config, () => undefined);
  ({ app, bot } = await openDiscordApp(config, clock));
  return { fake, app, bot, clock };
}

async function postDigest(env: NodeJS.ProcessEnv = {}) {
  const { fake, app, bot, clock } = await start(env);
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
  const preview = await fake.slashCommand({ name: 'digest', subcommand: 'preview', options: { channel: opt.channel(alerts) }, user: 'carol' }).settled();
  const subscriptions = app.subscriptions;
  const report = await new DigestService({ app, subscriptions, sender: discordSender(bot.client, subscriptions, clock), clock }).tick(clock.now());
  expect(report.failed).toEqual([]);
  const [message] = fake.messagesIn(alerts);
  const [upload] = fake.requests({ method: 'POST', path: new RegExp(`/channels/${alerts}/messages$`) });
  return { message: message!, upload: upload!, preview };
}

describe('the weekly digest’s picture', () => {
  it('is uploaded as a valid PNG, shown in the embed, described in words, and the text stays', async () => {
    const { message, upload } = await postDigest();
    expect(upload.files).toHaveLength(1);
    const file = upload.files[0]!;
    expect(file).toMatchObject({ filename: 'scoreboard.png', contentType: 'image/png' });
    const png = readPng(file.data);
    expect(png.width).toBeGreaterThanOrEqual(560);
    expect(png.height).toBeGreaterThan(200);

    const embed = message.embeds[0]!;
    expect(embed.image).toMatchObject({ url: 'attachment://scoreboard.png' });
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'scoreboard.png', description: '3 commitments: 1 not started, 1 in progress, 1 stalled.' }),
    ]);
    // For those who cannot see the picture, the scoreboard is still written out.
    expect(embed.description).toContain('**Scoreboard**');
    expect(embed.description).toMatch(/1\s+stalled/);
    expect(embed.url).toBeUndefined();
  });

  it('comes with /digest preview too: what is previewed is what is posted, picture included', async () => {
    const { preview } = await postDigest();
    expect(preview.ephemeral).toBe(true);
    expect(preview.embeds![0]!.image).toMatchObject({ url: 'attachment://scoreboard.png' });
    expect(preview.files).toHaveLength(1);
    expect(preview.files[0]!.filename).toBe('scoreboard.png');
    readPng(preview.files[0]!.data);
  });

  it('draws its words: the chart with text differs from the chart without it (a font was found)', () => {
    const counts = { 'not-started': 7, 'in-progress': 18, stalled: 0, delivered: 2, 'partly-delivered': 1, abandoned: 0, unclear: 0 };
    const withText = scoreboardPng({ counts, title: '28 commitments by status' });
    const svg = scoreboardSvg({ counts, title: '28 commitments by status' }).replace(/<text[^>]*>.*?<\/text>/g, '');
    const withoutText = Buffer.from(new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: false } }).render().asPng());
    readPng(withText);
    expect(withText.equals(withoutText)).toBe(false);
    // Text adds ink: the drawn PNG compresses to more bytes than the bars alone.
    expect(withText.length).toBeGreaterThan(withoutText.length + 2_000);
  });
});

describe('PUBLIC_URL', () => {
  it('links the digest to the tracker page and /commitment show to the commitment’s page', async () => {
    const { message } = await postDigest({ PUBLIC_URL: 'https://tracker.example.org/watch/' });
    expect(message.embeds[0]!.url).toBe('https://tracker.example.org/watch/');
    const r = await fake!.slashCommand({ name: 'commitment', subcommand: 'show', options: { commitment: 'modern-slavery-penalties' } }).settled();
    const embed = r.embeds![0]!;
    expect(embed.url).toBe('https://tracker.example.org/watch/commitments/modern-slavery-penalties');
    expect(embed.fields).toContainEqual(
      expect.objectContaining({ name: 'On the tracker', value: '<https://tracker.example.org/watch/commitments/modern-slavery-penalties>' }),
    );

    // An alert links to the page of the commitment it is about.
    await fake!
      .slashCommand({
        name: 'alerts',
        subcommand: 'subscribe',
        options: { channel: opt.channel(fake!.channelId('general')) },
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    await app!.store.changeStatus(
      { commitmentId: 'trade-envoy-training', to: 'in-progress', reason: 'Course drafted', evidence: [], actor: 'cli:test' },
      '2024-06-08T08:01:00Z',
    );
    await bot!.poster.flush();
    const alert = fake!.messagesIn(fake!.channelId('general')).find((m) => m.embeds[0]?.title?.startsWith('Status changed'));
    expect(alert!.embeds[0]!.fields).toContainEqual(
      expect.objectContaining({ name: 'On the tracker', value: '<https://tracker.example.org/watch/commitments/trade-envoy-training>' }),
    );
  });
});
