// One synthetic register for the benchmarks that need a big one (the query core, the tracker page):
// 200 recommendations and `size` commitments of made-up words, in a SQLite file of its own; onPostgres()
// puts the same rows on PostgreSQL (TEST_DATABASE_URL, or the local server) in a schema of its own.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openStore, parseDatabaseUrl, type OpenStore } from '../src/db/database.ts';
import { MIGRATION_LOCK } from '../src/db/migrate.ts';
import type { Database } from '../src/db/tables.ts';
import { redactUrl } from '../src/db/postgres-url.ts';
import { STATUSES, type CommitmentSeed, type RecommendationSeed } from '../src/domain.ts';
import { applySeeds } from '../src/seed/apply-seeds.ts';
import { KyselyRegisterStore } from '../src/store/kysely-register-store.ts';

const DEPARTMENTS = [
  'Foreign, Commonwealth and Development Office',
  'Department for Business and Trade',
  'Home Office',
  'Cabinet Office',
  'Department for Education',
];
const THEMES = [
  'The Multilateral System',
  'Diaspora and Culture',
  'Forced labour and the private sector',
  'Technology and research',
  "The UK's approach to atrocity prevention",
];

/** A repeatable pseudo-random sequence in [0, 1): the same register on every run. */
export function rng(seed: number): () => number {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** p50 and p99 of `runs` calls, after `warmUp` calls that are not counted. */
export async function time(label: string, runs: number, fn: (i: number) => Promise<unknown>, warmUp = 0) {
  for (let i = 0; i < warmUp; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export type BenchEngine = 'sqlite' | 'postgres';

/** The PostgreSQL server the bench uses: TEST_DATABASE_URL, or the local one the tests use. */
export const benchDatabaseUrl = (): string => process.env.TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';

/** Why the bench cannot use PostgreSQL (one line, no password), or undefined when a server answers. */
export async function postgresUnavailable(url = benchDatabaseUrl()): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL server answered at ${redactUrl(url)} (${error instanceof Error ? error.message : String(error)}); set TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new schema name for one bench run: cw_bench_<name>_<random>. */
export const benchSchema = (name: string): string => `cw_bench_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;

/** The bench server's URL with search_path set to `schema` (the store creates it). */
export function benchSchemaUrl(schema: string): string {
  const url = new URL(benchDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

/** Drops a bench schema and all it holds, on its own connection (the store's pool may be broken or closed). */
export async function dropBenchSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl(), connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    // Exclusive: no store is reading the catalogue to migrate while a schema goes (src/db/migrate.ts).
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface SyntheticRegister {
  engine: BenchEngine;
  name: string;
  opened: OpenStore;
  store: KyselyRegisterStore;
  /** How long seeding took, in ms (through the store, on SQLite). */
  seedMs: number;
  /** On PostgreSQL, how long copying the seeded rows over took, in ms. */
  copyMs: number;
  /** Closes the store and removes its file (or drops its schema). */
  close(): Promise<void>;
}

/** Seeds a register of `size` commitments whose text is drawn by `sentence` (n words) and `random`. */
export async function syntheticRegister(name: string, size: number, random: () => number, sentence: (n: number) => string): Promise<SyntheticRegister> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const recommendations: RecommendationSeed[] = Array.from({ length: 200 }, (_, i) => ({
    number: i + 1,
    theme: pick(THEMES),
    text: `The Government should ${sentence(30)}.`,
    response: `We ${sentence(60)}.`,
    position: pick(['accepted', 'accepted-in-part', 'noted', 'not-accepted'] as const),
    rationale: 'Synthetic.',
    departments: [pick(DEPARTMENTS)],
  }));
  const commitments: CommitmentSeed[] = Array.from({ length: size }, (_, i) => ({
    id: `commitment-${i}`,
    title: `Commitment ${i}: ${sentence(8)}`,
    quote: `We will ${sentence(40)}.`,
    recommendations: [1 + (i % 200)],
    department: pick(DEPARTMENTS),
    madeIn: 'response',
    madeOn: '2021-11-01',
    deadline: random() < 0.3 ? { date: `202${Math.floor(random() * 6)}-0${1 + Math.floor(random() * 9)}-15`, revised: [] } : undefined,
    status: pick(STATUSES),
    statusReason: 'Synthetic.',
    history: [],
    evidence: [],
    watch: { names: [], any: [sentence(2)], all: [], none: [], feedKinds: [], bills: [] },
    rules: [],
  }));
  const file = join(tmpdir(), `cw-bench-${name}-${process.pid}.sqlite`);
  const removeFile = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  };
  let sqlite: OpenStore | undefined;
  try {
    sqlite = await openAt(file);
    const store = new KyselyRegisterStore(sqlite.db);
    const manifest = {
      id: 'bench',
      title: 'Bench',
      committee: 'Bench Committee',
      documents: [{ id: 'response', kind: 'government-response' as const, title: 'R', published: '2021-11-14' }],
    };
    const seedStart = performance.now();
    await applySeeds(store, [{ manifest, recommendations, commitments }], new Date('2026-01-01T00:00:00Z'));
    const seedMs = performance.now() - seedStart;
    const done = sqlite;
    return { engine: 'sqlite', name, opened: done, store, seedMs, copyMs: 0, close: () => done.close().finally(removeFile) };
  } catch (error) {
    // A register that failed half-way leaves no file behind.
    await sqlite?.close().catch(() => undefined);
    removeFile();
    throw error;
  }
}

/**
 * The same register on PostgreSQL, in a schema of its own (dropped on close, or at once if this fails).
 * The seed path takes two transactions per commitment (minutes for 10,000 here), so the rows of the
 * seeded SQLite register are copied over in batches instead: the same register, in seconds.
 */
export async function onPostgres(from: SyntheticRegister): Promise<SyntheticRegister> {
  const schema = benchSchema(from.name);
  let postgres: OpenStore | undefined;
  try {
    postgres = await openAt(benchSchemaUrl(schema));
    const copyStart = performance.now();
    await copyRegister(from.opened.db, postgres.db);
    const copyMs = performance.now() - copyStart;
    const done = postgres;
    const close = async () => {
      try {
        await done.close();
      } finally {
        await dropBenchSchema(schema);
      }
    };
    return { engine: 'postgres', name: from.name, opened: done, store: new KyselyRegisterStore(done.db), seedMs: from.seedMs, copyMs, close };
  } catch (error) {
    await postgres?.close().catch(() => undefined);
    await dropBenchSchema(schema).catch(() => undefined);
    throw error;
  }
}

async function openAt(databaseUrl: string): Promise<OpenStore> {
  const location = parseDatabaseUrl(databaseUrl);
  if (!location.ok) throw new Error(location.error);
  return openStore(location.value);
}

/** The register's tables, parents first; search_index's tsvector is generated from title and body. */
const REGISTER_TABLES = ['registers', 'documents', 'recommendations', 'commitments', 'commitment_recommendations', 'history', 'search_docs'] as const;

/** Copies a seeded register row for row (ids kept), then lets PostgreSQL's planner see the new rows. */
async function copyRegister(from: Kysely<Database>, to: Kysely<Database>): Promise<void> {
  await to.transaction().execute(async (trx) => {
    for (const table of REGISTER_TABLES) {
      const rows = (await from.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + 500))
          .execute();
    }
    const words = await sql<{ rowid: number; title: string; body: string }>`select rowid, title, body from search_index`.execute(from);
    for (let i = 0; i < words.rows.length; i += 500)
      await trx
        .insertInto('search_index')
        .values(words.rows.slice(i, i + 500))
        .execute();
    for (const table of ['history', 'search_docs'] as const) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(trx);
    }
  });
  // Autovacuum would soon analyse the new rows and vacuum them, which also merges the GIN index's pending
  // list (until then every search scans that list: 5.5 ms instead of 0.1 ms for a word with no match,
  // measured here). The bench measures that steady state at once.
  await sql`vacuum analyze`.execute(to);
}
