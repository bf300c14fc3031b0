// Two real bot processes (`src/main.ts`, as `npm start` runs it) on one PostgreSQL, against the local fake
// Discord, which does NOT drop repeated nonces: 200 deliveries, one process killed with SIGKILL part-way
// (at the moment Discord creates one of its messages) and started again. Every delivery arrives exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { databaseOf } from '../src/db/database.ts';
import { DISCORD_TOKEN, startFakeDiscord } from './support/discord-app.ts';
import type { FakeDiscord } from './support/fake-discord.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';
import { recordEvidenceEvents, subscribeImmediately } from './support/posting-setup.ts';
import { schemaPrefix, schemaUrl } from './support/test-engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const EVENTS = 40;
const CHANNELS = 5; // 40 × 5 = 200 deliveries
let fake: FakeDiscord | undefined;
let dir: string | undefined;
const children: ChildProcess[] = [];
let logs = '';

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startBot(name: string, databaseUrl: string, feeds: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: fake!.applicationId,
      DISCORD_API_URL: fake!.apiUrl,
      DATABASE_URL: databaseUrl,
      SEEDS_DIR: MINI_SEEDS,
      FEEDS_FILE: feeds,
      GOVUK_CONTENT_API_URL: 'off',
      WEB_PORT: 'off',
      LOG_LEVEL: 'warn',
    },
  });
  child.stderr?.on('data', (d: Buffer) => (logs += `[${name}] ${d.toString()}`));
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on('close', resolve)));

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}; the processes said:\n${logs.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('two bot processes, one killed with SIGKILL part-way and started again: 200 deliveries, each posted exactly once', async () => {
  fake = await startFakeDiscord();
  dir = tempDir('cw-two-');
  const feeds = join(dir, 'feeds.json');
  writeFileSync(feeds, '[]');
  const databaseUrl = schemaUrl(`${schemaPrefix()}_two`);
  const channels = [
    fake.channelId('alerts'),
    fake.channelId('general'),
    ...Array.from({ length: CHANNELS - 2 }, (_, i) => fake!.addChannel({ name: `news-${i}` }).id),
  ];

  // The store as the operator would leave it: subscriptions, and events the processes have not yet posted.
  const app: App = await openApp(testConfig({ DATABASE_URL: databaseUrl }), manualClock('2024-06-01T12:00:00Z'), { seedsDir: MINI_SEEDS });
  try {
    await subscribeImmediately(app, fake.guildId, channels);
    const base = await app.outbox.newestId();
    await app.deliveries.setCursor(base);
    await recordEvidenceEvents(app, { count: EVENTS, keyPrefix: 'two-' });

    let a = startBot('bot-a', databaseUrl, feeds);
    startBot('bot-b', databaseUrl, feeds);
    // Killed at the worst moment: as Discord creates a message, before the process hears of it.
    let killed = false;
    const unhook = fake.faults.onMessage(() => {
      if (!killed && fake!.requests({ method: 'POST' }).length >= 60) killed = a.kill('SIGKILL');
    });
    await until('the kill', () => killed, 60_000);
    unhook();
    await exited(a);
    a = startBot('bot-a', databaseUrl, feeds);

    // Ours only: the processes also post what they find themselves (the mini register's overdue deadlines).
    const ours = (id: number) => id > base && id <= base + EVENTS;
    const delivered = () =>
      channels.flatMap((c) =>
        fake!
          .messagesIn(c)
          .map((m) => Number(m.embeds[0]?.footer?.text.replace(/.*event #/, '')))
          .filter(ours)
          .map((id) => `${c}:${id}`),
      );
    await until('every delivery', () => new Set(delivered()).size >= EVENTS * CHANNELS, 75_000);
    await until('nothing left unresolved', async () => (await app.deliveries.unresolved()).length === 0, 30_000);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map(exited));

    const deliveries = delivered();
    const duplicated = deliveries.length - new Set(deliveries).size;
    expect(new Set(deliveries).size).toBe(EVENTS * CHANNELS);
    expect(duplicated).toBe(0);
    // The work was shared: the deliveries were claimed by more than one process (the killed one among them).
    const owners = await databaseOf(app)
      .selectFrom('discord_deliveries')
      .select('claim_owner')
      .where('event_id', '>', base)
      .where('event_id', '<=', base + EVENTS)
      .distinct()
      .execute();
    expect(owners.length).toBeGreaterThanOrEqual(2);
  } finally {
    await app.close();
  }
}, 150_000);
