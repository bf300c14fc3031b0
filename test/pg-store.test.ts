// PostgreSQL's own behaviour (the "postgres" vitest project only): the URL and its errors, migrate and seed
// from the CLI, the same migrations as SQLite, and search answering the README's questions as FTS5 does.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { databaseOf } from '../src/db/database.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../src/store/register-store.ts';
import { cli, testConfig } from './support/register.ts';
import { schemaPrefix, schemaUrl, storeUrlFor } from './support/test-engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'hunter2-Secret';
// Port 1 on loopback: nothing listens there, so the connection is refused at once (and never leaves the machine).
const REFUSED = `postgres://bot:${SECRET}@127.0.0.1:1/cw`;

function runReal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('DATABASE_URL for PostgreSQL', () => {
  it('selects PostgreSQL for postgres:// and postgresql://, with DATABASE_POOL_SIZE (default 10)', () => {
    for (const url of ['postgres://u@127.0.0.1/cw', 'postgresql://u@127.0.0.1:5433/cw']) {
      const config = loadConfig({ DATABASE_URL: url });
      expect(config.ok && config.value.store).toMatchObject({ dialect: 'postgres', poolSize: 10 });
    }
    const sized = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/cw', DATABASE_POOL_SIZE: '25' });
    expect(sized.ok && sized.value.store).toMatchObject({ dialect: 'postgres', poolSize: 25 });
    for (const bad of ['0', 'ten', '2.5', '5000']) {
      const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/cw', DATABASE_POOL_SIZE: bad });
      expect(config.ok ? [] : config.error).toEqual([expect.stringMatching(/^DATABASE_POOL_SIZE: expected a whole number of connections from 1 to 1000/)]);
    }
  });

  it('names a bad URL in one line, without its password', () => {
    const config = loadConfig({ DATABASE_URL: `postgres://bot:${SECRET}@127.0.0.1:port/cw` });
    expect(config.ok ? [] : config.error).toEqual([
      expect.stringMatching(
        /^DATABASE_URL: expected a PostgreSQL URL such as postgres:\/\/user:password@host:5432\/database \(this one could not be read: postgres:\/\/bot@127\.0\.0\.1:port\/cw\)$/,
      ),
    ]);
    expect(JSON.stringify(config)).not.toContain(SECRET);
  });

  it('a password holding an unescaped / # ? or @, or a broken %-escape: exit 2, one line, never the password', async () => {
    // A URL parser ends the user part at the first / ? or #, taking the rest of the password for a port or a path.
    for (const url of [
      `postgres://bot:1234/${SECRET}@127.0.0.1:1/cw`,
      `postgres://bot:99#${SECRET}@127.0.0.1:1/cw`,
      `postgres://bot:${SECRET}/x@127.0.0.1:1/cw`,
      `postgres://bot:a@b/${SECRET}@127.0.0.1:1/cw`,
      `postgres://bot:${SECRET}@127.0.0.1:1/c%zzw`,
    ]) {
      const r = await cli(['stats'], { env: { DATABASE_URL: url } });
      expect([url, r.code]).toEqual([url, 2]);
      expect(r.stderr, url).toMatch(/^Configuration problem:\n {2}- DATABASE_URL: [^\n]*postgres:\/\/bot@127\.0\.0\.1:1\/c[^\n]*\n$/);
      expect(r.stderr + r.stdout, url).not.toContain(SECRET);
    }
  });

  it('an unreachable server: exit 2, one line naming DATABASE_URL, never the password or a stack', async () => {
    const r = await cli(['stats'], { env: { DATABASE_URL: REFUSED } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'Configuration problem:\n  - DATABASE_URL: postgres://bot@127.0.0.1:1/cw cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused): is the server running?\n',
    );
    const real = await runReal(['stats'], { DATABASE_URL: REFUSED });
    expect(real.code).toBe(2);
    expect(real.out).toContain('DATABASE_URL: postgres://bot@127.0.0.1:1/cw cannot connect to PostgreSQL');
    expect(real.out).not.toContain(SECRET);
    expect(real.out).not.toMatch(/\n\s+at /);
  });

  it('a database or user the server does not have is named, with what to do', async () => {
    const url = new URL(storeUrlFor(':memory:'));
    url.pathname = '/cw_no_such_database';
    const noDb = await cli(['stats'], { env: { DATABASE_URL: url.href } });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/DATABASE_URL: .* has no database cw_no_such_database: create it/);
    const user = new URL(storeUrlFor(':memory:'));
    user.username = 'cw_no_such_role';
    user.password = SECRET;
    const noUser = await cli(['stats'], { env: { DATABASE_URL: user.href } });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toMatch(/refused user cw_no_such_role: check the user name and password/);
    expect(noUser.stderr).not.toContain(SECRET);
  });
});

describe('migrate and seed on PostgreSQL', () => {
  it('migrate creates the store (the same numbered migrations as SQLite), seed fills it, both idempotent', async () => {
    const url = schemaUrl(`${schemaPrefix()}_cli`);
    const first = await cli(['migrate', '--json'], { env: { DATABASE_URL: url } });
    expect(first.code).toBe(0);
    const report = first.json() as { store: string; applied: string[]; migrations: string[] };
    expect(report.applied).toEqual(report.migrations);
    const onSqlite = (await cli(['migrate', '--json'], { env: { DATABASE_URL: ':memory:' } })).json() as typeof report;
    // (cli maps ":memory:" to a schema here; the migration names come from the same folder either way.)
    expect(report.migrations).toEqual(onSqlite.migrations);
    expect(report.migrations[0]).toBe('0001-register');
    const again = await cli(['migrate'], { env: { DATABASE_URL: url } });
    expect(again.stdout).toContain('Up to date');
    const seeded = await cli(['seed', '--json'], { env: { DATABASE_URL: url } });
    expect(seeded.code).toBe(0);
    const reseeded = (await cli(['seed', '--json'], { env: { DATABASE_URL: url } })).json() as Record<string, { created: number; updated: number }>;
    for (const [what, t] of Object.entries(reseeded)) expect([what, t.created, t.updated]).toEqual([what, 0, 0]);
    const stats = await cli(['stats', '--json'], { env: { DATABASE_URL: url } });
    expect(stats.code).toBe(0);
  });
});

// The searches the README shows, and the questions its users ask, on the real register.
const SEARCHES = [
  'modern slavery penalties',
  'export controls',
  'forced labour supply chains',
  'sanctions',
  'Uyghur students',
  'cotton imports',
  'research security',
];

describe('search on PostgreSQL answers as SQLite FTS5 does', () => {
  let sqlite: App;
  let postgres: App;
  beforeAll(async () => {
    const clock = manualClock('2026-12-01T12:00:00Z');
    // The project's seeds: the real register, not the mini one.
    // The project's own seeds (the real register); SQLite in memory beside a schema of this file's.
    const onSqlite = loadConfig({ DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
    if (!onSqlite.ok) throw new Error(onSqlite.error.join('; '));
    sqlite = await openApp(onSqlite.value, clock);
    postgres = await openApp(testConfig(), clock);
  });
  afterAll(async () => {
    await sqlite?.close();
    await postgres?.close();
  });

  it('gives the same best result for each search, and mostly the same top five', async () => {
    expect([sqlite.config.store.dialect, postgres.config.store.dialect]).toEqual(['sqlite', 'postgres']);
    for (const text of SEARCHES) {
      const a = await sqlite.queries.search(text);
      const b = await postgres.queries.search(text);
      expect(b.length, text).toBeGreaterThan(0);
      expect(`${b[0]!.kind}:${b[0]!.id}`, text).toBe(`${a[0]!.kind}:${a[0]!.id}`);
      const top = (hits: typeof a) => new Set(hits.slice(0, 5).map((h) => `${h.kind}:${h.id}`));
      const shared = [...top(a)].filter((k) => top(b).has(k)).length;
      expect(shared, text).toBeGreaterThanOrEqual(Math.min(3, top(a).size));
    }
  });

  it('highlights the matching words in the snippet and survives query syntax in user text', async () => {
    const [hit] = await postgres.queries.search('penalties');
    expect(hit?.snippet).toMatch(new RegExp(`${SNIPPET_OPEN}penalt\\w*${SNIPPET_CLOSE}`, 'i'));
    for (const text of ['"unclosed', 'a OR', '-', 'slavery & | ! :*', "'; drop table commitments; --"]) {
      await expect(postgres.queries.search(text)).resolves.toBeInstanceOf(Array);
    }
    // Still there, and counted as a number (node-postgres returns bigint counts as strings unless told).
    const { n } = await databaseOf(postgres)
      .selectFrom('commitments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe((await sqlite.queries.list()).total);
  });
});
