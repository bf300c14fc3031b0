// Opening the store. SQLite (better-sqlite3) is the embedded default; every query goes through Kysely
// so that a PostgreSQL dialect can serve the same code when one machine is not enough.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import { err, ok, type Result } from '../result.ts';
import type { Database } from './tables.ts';
import { migrateToLatest } from './migrate.ts';

export type StoreLocation = { dialect: 'sqlite'; filename: string };

export const DEFAULT_DATABASE_FILE = 'data/commitment-watch.sqlite';

/** Reads DATABASE_URL: empty means ./data/…, otherwise a file: URL, a path, or :memory:. */
export function parseDatabaseUrl(value: string | undefined, cwd = process.cwd()): Result<StoreLocation> {
  const raw = value?.trim();
  if (!raw) return ok({ dialect: 'sqlite', filename: resolve(cwd, DEFAULT_DATABASE_FILE) });
  if (raw === ':memory:') return ok({ dialect: 'sqlite', filename: ':memory:' });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    // file:///abs/path is a URL; file:relative/path is the SQLite convention for a relative file.
    const filename = raw.startsWith('file://') ? fileURLToPath(raw) : decodeURIComponent(raw.slice('file:'.length));
    if (!filename) return err('expected a file name after file:');
    return ok({ dialect: 'sqlite', filename: filename === ':memory:' ? filename : resolve(cwd, filename) });
  }
  // A single letter before ":" is a Windows drive, not a scheme.
  if (scheme && scheme.length > 1) {
    const hint = scheme.startsWith('postgres')
      ? 'PostgreSQL is not supported yet'
      : `the ${scheme}: scheme is not supported`;
    return err(`expected a file: URL or a path to an SQLite file (${hint})`);
  }
  return ok({ dialect: 'sqlite', filename: resolve(cwd, raw) });
}

// Kysely begins SQLite transactions with a plain (deferred) BEGIN; a second process that then
// tries to write gets SQLITE_BUSY without waiting. BEGIN IMMEDIATE takes the write lock up
// front, so the busy timeout applies and two processes on one file queue instead of failing.
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }
}

/**
 * better-sqlite3 behind Kysely, with prepared statements reused by their SQL text (least recently used
 * dropped past `max`). Kysely prepares every query anew, and preparing was a tenth of a poll cycle's CPU.
 * Safe here: Kysely runs one query at a time on this single connection and never streams.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) cache.delete(sql);
      else statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close: () => sqlite.close(),
  };
}

export interface OpenStore {
  db: Kysely<Database>;
  location: StoreLocation;
  close(): Promise<void>;
}

/** Opens the store and runs every pending migration. */
export async function openStore(location: StoreLocation): Promise<OpenStore> {
  if (location.filename !== ':memory:') mkdirSync(dirname(location.filename), { recursive: true });
  const sqlite = new SQLite(location.filename, { timeout: 10_000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateTransactionSqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, location, close: () => db.destroy() };
}

/** An in-memory store, migrated: what tests use. */
export function openMemoryStore(): Promise<OpenStore> {
  return openStore({ dialect: 'sqlite', filename: ':memory:' });
}
