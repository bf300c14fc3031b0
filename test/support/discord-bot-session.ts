// One bot session per test for the end-to-end Discord tests (test/discord-bot*.test.ts): the local fake
// Discord, the commands deployed to its guild, and the app on the mini register with the real discord.js
// front end logged in. `useDiscordBot()` registers the hooks; the bindings below are live (ES modules),
// so a test reads `fake`, `app`, `bot` and `clock` as they are in the current test.
// After every test: nothing posted may ping anyone, and the bot sent no request the fake has no route for.
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { App } from '../../src/app.ts';
import { manualClock } from '../../src/clock.ts';
import type { DiscordFrontEnd } from '../../src/discord/client.ts';
import { deployCommands } from '../../src/discord/deploy-commands.ts';
import { PERMS, opt, type FakeDiscord } from './fake-discord.ts';
import { discordTestConfig, openDiscordApp, startFakeDiscord } from './discord-app.ts';
import { tempDir } from './register.ts';

export let fake: FakeDiscord;
export let app: App;
export let bot: DiscordFrontEnd;
export let clock: ReturnType<typeof manualClock>;
let dbFile: string;

export const config = () => discordTestConfig(fake, dbFile);

/** Starts the bot on this test's database (again, after `shutdown()`: a restart). */
export async function boot(): Promise<void> {
  ({ app, bot } = await openDiscordApp(config(), clock, { listPageSize: 1 }));
}
export async function shutdown(): Promise<void> {
  await bot.stop();
  await app.close();
}

export function useDiscordBot(): void {
  beforeEach(async () => {
    fake = await startFakeDiscord();
    dbFile = join(tempDir('cw-discord-'), 'cw.sqlite');
    clock = manualClock('2024-06-01T12:00:00Z');
    await deployCommands(config(), () => undefined);
    await boot();
  });

  afterEach(async () => {
    for (const m of fake.channels.flatMap((c) => fake.messagesIn(c.id))) expect(m.allowed_mentions).toEqual({ parse: [] });
    expect(fake.unexpectedRequests()).toEqual([]);
    await shutdown();
    await fake.close();
  });
}

export const alerts = () => fake.channelId('alerts');
export const general = () => fake.channelId('general');

export async function subscribe(channelId: string, extra: Record<string, string> = {}) {
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

export async function evidenceEvent(commitmentId: string, link: string, title = 'Penalties consultation @everyone <@123> **bold**') {
  return (await app.outbox.record({
    type: 'evidence',
    commitmentId,
    payload: { commitment: commitmentId, item: { title, link }, feed: 'govuk' },
    dedupeKey: `evidence:${commitmentId}:${link}`,
    createdAt: clock.now().toISOString(),
  }))!;
}
