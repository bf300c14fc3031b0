// The store under faults: a full disk, a write lock held by another process, and stores that cannot be
// used at all (each reported as a DATABASE_URL problem an operator can fix, never a raw SqliteError).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigProblem } from '../src/config-problem.ts';
import { loadConfig } from '../src/config.ts';
import { describeStore, openStore, type OpenStore } from '../src/db/database.ts';
import { tempDir } from './support/register.ts';

let dir: string;
let store: OpenStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});
const fresh = async () => {
  dir = tempDir('cw-store-');
  store = await openStore({ dialect: 'sqlite', filename: join(dir, 'cw.sqlite') });
  return store;
};

describe('a full disk', () => {
  it('reports "database or disk is full" (not the failed ROLLBACK), writes nothing, and succeeds once there is room', async () => {
    const { db } = await fresh();
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(db); // the disk is (nearly) full
    const write = () =>
      db.transaction().execute(async (tx) => {
        for (let i = 0; i < 50; i++)
          await tx
            .insertInto('discord_state')
            .values({ key: `k${i}`, value: 'x'.repeat(4000) })
            .execute();
      });
    await expect(write()).rejects.toThrow(/database or disk is full/);
    expect(await db.selectFrom('discord_state').selectAll().where('key', 'like', 'k%').execute()).toEqual([]);
    await sql.raw('pragma max_page_count = 1073741823').execute(db); // space freed
    await write();
    expect(await db.selectFrom('discord_state').selectAll().where('key', 'like', 'k%').execute()).toHaveLength(50);
  });
});

describe('a write lock held by another process', () => {
  it('never holds up the event loop for more than a few hundred ms; the write goes through once the lock is released', async () => {
    const { db, location } = await fresh();
    const other = new SQLite(describeStore(location));
    other.exec('begin immediate');
    let last = performance.now();
    let longest = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
      if (ticks === 20) other.exec('commit'); // the other process is done after ~20 ticks of ours
    }, 25);
    try {
      await db.insertInto('discord_state').values({ key: 'locked-out', value: 'then in' }).execute();
    } finally {
      clearInterval(timer);
      other.close();
    }
    expect(ticks).toBeGreaterThanOrEqual(20);
    expect(longest).toBeLessThan(400);
    expect(await db.selectFrom('discord_state').select('value').where('key', '=', 'locked-out').executeTakeFirst()).toEqual({ value: 'then in' });
  });
});

describe('a store that cannot be used', () => {
  const open = (filename: string) => openStore({ dialect: 'sqlite', filename });
  const problem = async (filename: string) => {
    const error = await open(filename).then(
      (s) => (store = s),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigProblem);
    expect((error as ConfigProblem).variable).toBe('DATABASE_URL');
    return (error as ConfigProblem).message;
  };

  it('a directory, a file that is not a database, a corrupt database, a folder that is a file: DATABASE_URL and the problem', async () => {
    dir = tempDir('cw-store-');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expect(await problem(folder)).toMatch(/^DATABASE_URL: .*folder is a directory/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(200));
    expect(await problem(text)).toMatch(/^DATABASE_URL: .*notes\.txt is not an SQLite database/);
    const corrupt = join(dir, 'corrupt.sqlite');
    const good = new SQLite(corrupt);
    good.exec("create table t (x); insert into t values ('a');");
    good.close();
    const bytes = Buffer.alloc(8192, 0xab);
    Buffer.from('SQLite format 3\0').copy(bytes); // a valid header over garbage pages
    writeFileSync(corrupt, bytes);
    expect(await problem(corrupt)).toMatch(/^DATABASE_URL: .*corrupt\.sqlite (is corrupt|is not an SQLite database)/);
    expect(await problem(join(text, 'inside.sqlite'))).toMatch(/^DATABASE_URL: .*cannot be opened or created/);
  });

  it('a file: URL that is not one (a remote host, a broken %-escape) is named, not thrown', () => {
    dir = tempDir('cw-store-'); // (afterEach removes it)
    for (const url of ['file://otherhost/cw.sqlite', 'file:%zz.sqlite']) {
      const config = loadConfig({ DATABASE_URL: url });
      expect(config.ok ? [] : config.error, url).toEqual([expect.stringMatching(/^DATABASE_URL: expected a file: URL or a path to an SQLite file \(.+\)$/)]);
    }
  });

  it('refuses a store under /proc, /sys or /dev before opening anything', () => {
    for (const url of ['/proc/self/cw.sqlite', 'file:///sys/cw.sqlite', '/dev/shm/../null']) {
      const config = loadConfig({ DATABASE_URL: url });
      expect(config.ok ? [] : config.error).toEqual([expect.stringMatching(/^DATABASE_URL: .* is under \/(proc|sys|dev): expected an SQLite file on a disk/)]);
    }
    // /dev/shm is a real (memory) file system where SQLite works: a store there is accepted.
    const shm = loadConfig({ DATABASE_URL: '/dev/shm/cw.sqlite' });
    expect(shm.ok && describeStore(shm.value.store)).toBe('/dev/shm/cw.sqlite');
  });
});
