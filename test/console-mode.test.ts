import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { MINI_SEEDS, tempDir } from './support/register.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

it('npm start without a token runs in console mode without loading discord.js, and stops cleanly on SIGINT, closing the database', async () => {
  const dir = tempDir();
  const db = join(dir, 'db.sqlite');
  // No feeds: the test must not reach any address but 127.0.0.1, even if a poll slot falls in it.
  const feeds = join(dir, 'feeds.json');
  writeFileSync(feeds, '[]');
  const loads = join(dir, 'loads.txt');
  const child = spawn(process.execPath, ['--import', './test/support/record-loads.js', '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      RECORD_LOADS_TO: loads,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db,
      SEEDS_DIR: MINI_SEEDS,
      FEEDS_FILE: feeds,
      GOVUK_CONTENT_API_URL: 'off',
      LOG_LEVEL: 'info',
      WEB_PORT: '0',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/Tracker page: \S+\n/.test(stdout)) resolve();
    });
    child.on('close', () => reject(new Error(`exited early:\n${stdout}\n${stderr}`)));
  });
  expect(stdout).toContain('CONSOLE MODE');
  expect(stdout).toContain('DISCORD_TOKEN');
  expect(stdout).toMatch(/Register loaded: mini \(3 recommendations, 3 commitments\)/);
  // Console mode serves the tracker page too, and says where.
  const address = /Tracker page: (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout)?.[1];
  expect(address).toBeDefined();
  expect(await (await fetch(new URL('healthz', address))).json()).toEqual({ status: 'ok', registers: 1 });
  const code = await new Promise<number | null>((resolve) => {
    child.removeAllListeners('close');
    child.on('close', resolve);
    child.kill('SIGINT');
  });
  expect(code).toBe(0);
  // discord.js (~35 MB resident) is loaded only in Discord mode; its formatters package is small and allowed.
  const loaded = readFileSync(loads, 'utf8').split('\n');
  expect(loaded.some((url) => url.includes('/node_modules/kysely/'))).toBe(true);
  expect(loaded.filter((url) => /\/node_modules\/(discord\.js|@discordjs\/(?!formatters\/))/.test(url))).toEqual([]);
  expect(stderr).toContain('"msg":"stopped"');
  // SQLite removes the write-ahead log when the last connection closes cleanly.
  expect(existsSync(`${db}-wal`)).toBe(false);
  expect(existsSync(db)).toBe(true);
});
