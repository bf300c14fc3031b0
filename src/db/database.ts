// Opening the store. SQLite (better-sqlite3) is the embedded default; PostgreSQL (postgres.ts) serves the
// same Kysely queries when one machine or one process is not enough.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import { ConfigProblem } from '../config-problem.ts';
import { err, ok, type Result } from '../result.ts';
import type { Database } from './tables.ts';
import { migrateToLatest, type MigrationReport } from './migrate.ts';
import { DEFAULT_POOL_SIZE, parsePostgresUrl, type PostgresLocation } from './postgres-url.ts';

export type SqliteLocation = { dialect: 'sqlite'; filename: string };
export type StoreLocation = SqliteLocation | PostgresLocation;

/** Where the store is, for a person: the file, or the PostgreSQL URL without its password. */
export function describeStore(location: StoreLocation): string {
  return location.dialect === 'sqlite' ? location.filename : location.display;
}

export const DEFAULT_DATABASE_FILE = 'data/commitment-watch.sqlite';

/** Reads DATABASE_URL: empty means ./data/…, otherwise postgres(ql)://…, a file: URL, a path, or :memory:. */
export function parseDatabaseUrl(value: string | undefined, cwd = process.cwd(), poolSize = DEFAULT_POOL_SIZE): Result<StoreLocation> {
  const raw = value?.trim();
  if (!raw) return ok({ dialect: 'sqlite', filename: resolve(cwd, DEFAULT_DATABASE_FILE) });
  if (/^postgres(ql)?:\/\//i.test(raw)) return parsePostgresUrl(raw, poolSize);
  if (raw === ':memory:') return ok({ dialect: 'sqlite', filename: ':memory:' });
  const location = locate(raw, cwd);
  if (!location.ok) return location;
  // Kernel file systems are not disks: SQLite on /proc hangs or fails in ways that say nothing useful.
  // (/dev/shm is a real file system in memory, where SQLite works.)
  const under = (d: string) => location.value.filename === d || location.value.filename.startsWith(d + sep);
  const system = ['/proc', '/sys', '/dev'].find(under);
  if (system && !under('/dev/shm')) return err(`${location.value.filename} is under ${system}: expected an SQLite file on a disk`);
  return location;
}

function locate(raw: string, cwd: string): Result<SqliteLocation> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    // file:///abs/path is a URL; file:relative/path is the SQLite convention for a relative file.
    let filename: string;
    try {
      filename = raw.startsWith('file://') ? fileURLToPath(raw) : decodeURIComponent(raw.slice('file:'.length));
    } catch (error) {
      // A file URL with another host, or a broken %-escape: named like any other bad value.
      return err(`expected a file: URL or a path to an SQLite file (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!filename) return err('expected a file name after file:');
    return ok({ dialect: 'sqlite', filename: filename === ':memory:' ? filename : resolve(cwd, filename) });
  }
  // A single letter before ":" is a Windows drive, not a scheme.
  if (scheme && scheme.length > 1) {
    return err(`expected postgres://… or postgresql://… for PostgreSQL, or a file: URL or a path to an SQLite file (the ${scheme}: scheme is not supported)`);
  }
  return ok({ dialect: 'sqlite', filename: resolve(cwd, raw) });
}

/** How long better-sqlite3 may wait for a lock synchronously, holding up the event loop. */
export const BUSY_TIMEOUT_MS = 100;
/** How long a statement keeps retrying a lock another process holds, without blocking, before failing. */
export const BUSY_RETRY_MS = 30_000;

const isBusy = (error: unknown): boolean => error instanceof SQLite.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_BUSY_SNAPSHOT');

/** Runs a statement; while another process holds the lock, tries again after a pause that frees the event loop. */
async function retryWhileBusy<T>(run: () => Promise<T>, retryMs: number): Promise<T> {
  const giveUpAt = Date.now() + retryMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= giveUpAt) throw error;
      await delay(pause);
    }
  }
}

// Kysely begins SQLite transactions with a plain (deferred) BEGIN; a second process that then
// tries to write gets SQLITE_BUSY without waiting. BEGIN IMMEDIATE takes the write lock up
// front, so two processes on one file queue instead of failing. The queueing is asynchronous: a
// short synchronous busy timeout, then retries with pauses, so a held lock never freezes the bot.
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly busyRetryMs: number,
  ) {
    super(config);
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return {
      executeQuery: (query) => retryWhileBusy(async () => connection.executeQuery(query), this.busyRetryMs),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  // SQLite rolls a transaction back by itself after some errors (a full disk, I/O errors); the ROLLBACK
  // Kysely then sends fails ("no transaction is active") and would hide the real cause. Nothing to undo then.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.sqlite.inTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
}

class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly busyRetryMs: number,
  ) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config, this.sqlite, this.busyRetryMs);
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
  /** What opening it migrated, and every migration it now has. */
  migrations: MigrationReport;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** How long a statement retries a lock held by another process (default BUSY_RETRY_MS). */
  busyRetryMs?: number;
}

/** Opens the store and runs every pending migration. A store that cannot be used is a ConfigProblem. */
export async function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<OpenStore> {
  if (location.dialect === 'postgres') {
    const { openPostgres, postgresProblem } = await import('./postgres.ts');
    const db = await openPostgres(location);
    let migrations: MigrationReport;
    try {
      migrations = await migrateToLatest(db, location.schema);
    } catch (error) {
      await db.destroy();
      throw postgresProblem((error as { cause?: unknown }).cause ?? error, location);
    }
    return { db, location, migrations, close: () => db.destroy() };
  }
  return openSqlite(location, options);
}

async function openSqlite(location: SqliteLocation, options: OpenStoreOptions): Promise<OpenStore> {
  const problem = (text: string) => new ConfigProblem('DATABASE_URL', `${location.filename} ${text}`);
  let sqlite: SQLite.Database;
  try {
    if (location.filename !== ':memory:') {
      if (statSync(location.filename, { throwIfNoEntry: false })?.isDirectory()) throw problem('is a directory: expected an SQLite file (or where to create one)');
      mkdirSync(dirname(location.filename), { recursive: true });
    }
    sqlite = new SQLite(location.filename, { timeout: BUSY_TIMEOUT_MS });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    throw storeProblem(error, problem);
  }
  const db = new Kysely<Database>({
    dialect: new ImmediateTransactionSqliteDialect({ database: withStatementCache(sqlite) }, sqlite, options.busyRetryMs ?? BUSY_RETRY_MS),
  });
  let migrations: MigrationReport;
  try {
    migrations = await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw storeProblem(error, problem);
  }
  return { db, location, migrations, close: () => db.destroy() };
}

/** A store error as the problem an operator can fix, or the error itself when it is not one of those. */
function storeProblem(error: unknown, problem: (text: string) => ConfigProblem): unknown {
  if (error instanceof ConfigProblem) return error;
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') return problem("is not an SQLite database: point DATABASE_URL at the bot's store, or at a new file");
  if (code.startsWith('SQLITE_CORRUPT')) return problem(`is corrupt (${detail}): restore it from a backup, or move it aside to start afresh`);
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM')
    return problem(`cannot be written (${detail}): the bot needs to write to it and its folder`);
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOTDIR' || code === 'EROFS') return problem(`cannot be opened or created (${detail})`);
  if (code === 'SQLITE_FULL') return problem(`cannot be written: the database or disk is full`);
  if (error instanceof SQLite.SqliteError) return problem(`cannot be used (${code}: ${detail})`);
  return error;
}

const databases = new WeakMap<object, Kysely<Database>>();

/** Remembers which database an opened App stands on (app.ts), for databaseOf. */
export function rememberDatabase(owner: object, db: Kysely<Database>): void {
  databases.set(owner, db);
}

/**
 * The database under an App that openApp opened, for tests that stage what no store writes (a crash between
 * a send and its record, a row another process left). Product code goes through the stores the App holds:
 * the dependency-cruiser rule "kysely-only-in-stores" keeps Kysely out of it.
 */
export function databaseOf(owner: object): Kysely<Database> {
  const db = databases.get(owner);
  if (!db) throw new Error('this App was not opened by openApp');
  return db;
}
