// Two bot processes posting from ONE SQLite file at once (two child processes running the real poster,
// each its own process identity), against the local fake Discord, which does NOT drop repeated nonces.
// One is killed (SIGKILL) part-way, at the worst moment — as Discord creates a message, before the poster
// hears of it — and started again. Its claims expire; the others finish its work. Every 5th post of each
// process waits 400 ms in its REST queue (as behind a rate limit), longer than a claim (500 ms in the child)
// would last unrenewed: the other process must leave it alone. Every delivery arrives exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openApp } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { DISCORD_TOKEN, startFakeDiscord } from './support/discord-app.ts';
import type { FakeDiscord } from './support/fake-discord.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';
import { recordEvidenceEvents, subscribeImmediately } from './support/posting-setup.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const EVENTS = 50;
const CHANNELS = 4; // 200 deliveries
let fake: FakeDiscord | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
});

it(`two processes posting ${EVENTS} events to ${CHANNELS} channels, one killed part-way and started again: 0 lost, 0 duplicated`, async () => {
  fake = await startFakeDiscord();
  const dbFile = join(tempDir('cw-kill-two-'), 'cw.sqlite');
  const channels = [fake.channelId('alerts'), fake.channelId('general'), fake.addChannel({ name: 'news' }).id, fake.addChannel({ name: 'press' }).id];
  const app = await openApp(testConfig({ DATABASE_URL: dbFile }), manualClock('2024-06-01T12:00:00Z'), { seedsDir: MINI_SEEDS });
  await subscribeImmediately(app, fake.guildId, channels);
  await app.deliveries.setCursor(0);
  await recordEvidenceEvents(app, { count: EVENTS });
  await app.close();

  const start = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/poster-child.ts', dbFile, fake!.apiUrl, DISCORD_TOKEN, MINI_SEEDS, '5', '400'], {
      cwd: root,
      stdio: 'ignore',
    });
    children.push(child);
    return new Promise<number | null>((resolve) => child.on('close', resolve)).then((code) => ({ child, code }));
  };
  // The first process is killed as the 30th message is created (by either process: it is posting then or not).
  let created = 0;
  let killed = false;
  const first = start();
  const second = start();
  const unhook = fake.faults.onMessage(() => {
    if (++created === 30) killed = children[0]!.kill('SIGKILL');
  });
  const firstEnd = await first;
  unhook();
  expect(killed).toBe(true);
  expect(firstEnd.code).toBe(null); // killed, not finished
  const again = await start();
  const secondEnd = await second;
  expect([again.code, secondEnd.code]).toEqual([0, 0]);

  const deliveries = channels.flatMap((c) => fake!.messagesIn(c).map((m) => `${c}:${m.embeds[0]?.footer?.text.replace(/.*event #/, '')}`));
  const expected = channels.flatMap((c) => Array.from({ length: EVENTS }, (_, i) => `${c}:${i + 1}`));
  const duplicated = deliveries.length - new Set(deliveries).size;
  const lost = expected.filter((d) => !deliveries.includes(d)).length;
  console.info(
    `[two processes, kill -9] ${expected.length} deliveries: ${lost} lost, ${duplicated} duplicated, ${fake.requests({ method: 'POST' }).length} posts sent`,
  );
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
}, 60_000);
