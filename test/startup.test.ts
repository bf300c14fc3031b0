// `npm start` as an operator meets it: every configuration problem is found before anything connects to
// Discord and reported in one line naming the variable (exit 2); a token Discord rejects ends the bot
// with one error line saying what to do (exit 3). Run as child processes against the local fake Discord.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FakeDiscord } from './support/fake-discord.ts';
import { DISCORD_TOKEN, startFakeDiscord } from './support/discord-app.ts';
import { MINI_SEEDS, tempDir } from './support/register.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let fake: FakeDiscord;
let dir: string;

beforeEach(async () => {
  fake = await startFakeDiscord();
  dir = tempDir('cw-start-');
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

// Root may write anywhere: a store it must not write to is tried as "nobody" instead.
const asSomeoneElse = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

function start(
  env: Record<string, string>,
  onStderr: (text: string) => void = () => undefined,
  user: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; stderr: string }> {
  const feeds = join(dir, 'feeds.json');
  writeFileSync(feeds, '[]');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    ...user,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: join(dir, 'cw.sqlite'),
      SEEDS_DIR: MINI_SEEDS,
      FEEDS_FILE: feeds,
      GOVUK_CONTENT_API_URL: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr(stderr);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

it('a store that is a directory: exit 2 with one line naming DATABASE_URL, before connecting to Discord', async () => {
  const folder = join(dir, 'store');
  mkdirSync(folder);
  const { code, stderr } = await start({ DATABASE_URL: folder });
  expect(code).toBe(2);
  expect(stderr).toMatch(/^Configuration problem:\n {2}- DATABASE_URL: .*store is a directory[^\n]*\nSee \.env\.example/);
  expect(stderr).not.toMatch(/SqliteError|\n\s+at /);
  expect(fake.requests()).toEqual([]);
});

it('a store the bot cannot write: exit 2 with one line naming DATABASE_URL, before connecting to Discord', async () => {
  const folder = join(dir, 'read-only');
  mkdirSync(folder);
  const file = join(folder, 'cw.sqlite');
  const existing = new SQLite(file);
  existing.exec('create table kept (x)');
  existing.close();
  chmodSync(file, 0o444);
  chmodSync(folder, 0o555);
  chmodSync(dir, 0o755);
  try {
    const { code, stderr } = await start({ DATABASE_URL: file, HOME: dir }, undefined, asSomeoneElse);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Configuration problem:\n {2}- DATABASE_URL: .*read-only\/cw\.sqlite cannot be (written|opened)[^\n]*\nSee \.env\.example/);
    expect(fake.requests()).toEqual([]);
  } finally {
    chmodSync(folder, 0o755);
  }
});

it('a feed list that does not load: exit 2 naming FEEDS_FILE, before connecting to Discord', async () => {
  const feeds = join(dir, 'broken.yaml');
  writeFileSync(feeds, 'feeds:\n  - id: x\n    url: not a url\n');
  const { code, stderr } = await start({ FEEDS_FILE: feeds });
  expect(code).toBe(2);
  expect(stderr).toMatch(/^Configuration problem:\n {2}- FEEDS_FILE: /);
  expect(stderr.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(1);
  expect(fake.requests()).toEqual([]);
});

it('a token Discord rejects: one error line saying what to do, exit 3, the token never printed', async () => {
  const { code, stderr } = await start({ DISCORD_TOKEN: 'a-token-that-was-reset-in-the-portal' });
  expect(code).toBe(3);
  const errors = stderr.split('\n').filter((l) => /"level":(50|60)/.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/rejected the bot token.*Reset Token.*DISCORD_TOKEN/);
  expect(stderr).not.toContain('a-token-that-was-reset-in-the-portal');
});

it('the gateway closed with 4004 while running: one error line saying what to do, a clean stop, exit 3', async () => {
  let closed = false;
  const { code, stderr } = await start({}, (text) => {
    if (!closed && text.includes('"msg":"started"')) {
      closed = true;
      void fake.disconnectClients(4004);
    }
  });
  expect(closed).toBe(true);
  expect(code).toBe(3);
  const errors = stderr.split('\n').filter((l) => /"level":(50|60)/.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/rejected the bot token.*Reset Token.*DISCORD_TOKEN/);
  expect(stderr).toContain('"msg":"stopped"');
});
