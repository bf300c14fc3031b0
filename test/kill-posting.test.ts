// kill -9 while posting: a child process runs the real poster against the local fake Discord, which does
// NOT drop repeated nonces, and is killed (SIGKILL) again and again — each time at the worst moment, as
// Discord creates a message and before the poster hears of it. Every delivery must arrive exactly once.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
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
const EVENTS = 15;
const KILLS = 5;
let fake: FakeDiscord | undefined;
let dir: string | undefined;

afterEach(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it(`killed ${KILLS} times while posting ${EVENTS} events to 3 channels: 0 lost, 0 duplicated`, async () => {
  fake = await startFakeDiscord();
  dir = tempDir('cw-kill-');
  const dbFile = join(dir, 'cw.sqlite');
  const channels = [fake.channelId('alerts'), fake.channelId('general'), fake.addChannel({ name: 'news' }).id];
  const app = await openApp(testConfig({ DATABASE_URL: dbFile }), manualClock('2024-06-01T12:00:00Z'), { seedsDir: MINI_SEEDS });
  await subscribeImmediately(app, fake.guildId, channels);
  await app.deliveries.setCursor(0);
  await recordEvidenceEvents(app, { count: EVENTS });
  await app.close();

  let kills = 0;
  let finished = false;
  for (let round = 0; round <= KILLS && !finished; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/poster-child.ts', dbFile, fake.apiUrl, DISCORD_TOKEN, MINI_SEEDS], {
      cwd: root,
      stdio: 'ignore',
    });
    let created = 0;
    const killAfter = 3 + ((round * 5) % 7); // a different moment each round
    const unhook = fake.faults.onMessage(() => {
      if (round < KILLS && ++created === killAfter && child.kill('SIGKILL')) kills++;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    unhook();
    finished = code === 0;
  }
  expect(kills).toBe(KILLS);
  expect(finished).toBe(true);

  const deliveries = channels.flatMap((c) => fake!.messagesIn(c).map((m) => `${c}:${m.embeds[0]?.footer?.text.replace(/.*event #/, '')}`));
  const expected = channels.flatMap((c) => Array.from({ length: EVENTS }, (_, i) => `${c}:${i + 1}`));
  const duplicated = deliveries.length - new Set(deliveries).size;
  const lost = expected.filter((d) => !deliveries.includes(d)).length;
  console.info(
    `[kill -9] ${kills} kills, ${expected.length} deliveries: ${lost} lost, ${duplicated} duplicated, ${fake.requests({ method: 'POST' }).length} posts sent`,
  );
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  expect(new Set(deliveries)).toEqual(new Set(expected));
}, 60_000);
