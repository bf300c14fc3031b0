// `tsx bench/discord-outage.ts`: what one channel answering 500 for an hour costs, against the local fake
// Discord (127.0.0.1) with the poster's 5-second timer simulated on an injected clock: the requests sent
// to the failing channel, and how many of the alerts meant for a healthy channel got there meanwhile.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { startDiscord, type DiscordDeps } from '../src/discord/client.ts';
import { silentLogger } from '../src/log.ts';
import { FakeDiscord } from '../test/support/fake-discord.ts';

const TOKEN = 'fake-bot-token-for-the-outage-benchmark';
const fake = await FakeDiscord.start({ token: TOKEN, heartbeatIntervalMs: 200 });
const file = join(tmpdir(), `cw-outage-${process.pid}.sqlite`);
const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: file, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off' });
if (!config.ok) throw new Error(config.error.join('; '));
const clock = manualClock('2024-06-01T12:00:00Z');
const app = await openApp(config.value, clock);
// No real waits between in-flush retries (older posters slept between attempts).
const deps = { logger: silentLogger, posterIntervalMs: 0, readyTimeoutMs: 5_000, sleep: () => Promise.resolve() } as DiscordDeps;
const bot = await startDiscord(app, deps);
const subscriptions = app.subscriptions;
const [healthy, failing] = [fake.channelId('alerts'), fake.channelId('general')];
for (const channelId of [healthy, failing]) {
  await subscriptions.upsert(
    {
      guildId: fake.guildId,
      channelId,
      frequency: 'immediately',
      timeZone: 'Europe/London',
      filters: { commitments: [], departments: [], themes: [], statuses: [] },
      createdBy: 'bench',
    },
    '2024-06-01T11:00:00.000Z',
  );
}
fake.failChannel(failing, 500);
let events = 0;
for (let t = 0; t < 3_600_000; t += 5_000) {
  if (t % 300_000 === 0) {
    events++;
    await app.outbox.record({
      type: 'evidence',
      commitmentId: app.registers[0]!.commitments[0]!.id,
      payload: { item: { title: `Item ${events}`, link: `https://www.gov.uk/${events}` }, feed: 'govuk' },
      dedupeKey: `bench-${events}`,
      createdAt: clock.now().toISOString(),
    });
  }
  await bot.poster.flush().catch(() => undefined);
  clock.advance(5_000);
}
const toFailing = fake.requests({ path: new RegExp(`^/channels/${failing}/`) }).length;
const delivered = fake.messagesIn(healthy).length;
console.log(`one channel answering 500 for an hour: ${toFailing} requests to it; the healthy channel got ${delivered} of ${events} alerts`);
await bot.stop();
await app.close();
await fake.close();
rmSync(file, { force: true });
rmSync(`${file}-wal`, { force: true });
rmSync(`${file}-shm`, { force: true });
