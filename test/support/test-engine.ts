// Which engine the contract suite runs on. The vitest project "postgres" (vitest.config.ts) sets
// CW_TEST_ENGINE=postgres; there every store a test asks for (":memory:" or a file path) becomes a schema
// of its own on TEST_DATABASE_URL, named after the test file, and test/support/postgres-schemas.ts drops
// them after the file. The same path asked for twice (a restart) is the same schema, as it is the same file.
import { createHash } from 'node:crypto';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export const testDatabaseUrl = (): string => process.env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;

export const onPostgres = (): boolean => process.env.CW_TEST_ENGINE === 'postgres';

/** The prefix of every schema this test file makes (set per file by the setup file; a fallback for others). */
export function schemaPrefix(): string {
  return (globalThis as { __cwSchemaPrefix?: string }).__cwSchemaPrefix ?? `cw_t_${process.pid}`;
}

let fresh = 0;

/** A PostgreSQL URL whose search_path is a schema of this test file's own. */
export function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

/**
 * DATABASE_URL as the test gave it on SQLite; on PostgreSQL a schema standing for it: a new one for
 * ":memory:" (each is empty), the same one for the same file path.
 */
export function storeUrlFor(databaseUrl: string): string {
  if (!onPostgres() || /^postgres(ql)?:/i.test(databaseUrl)) return databaseUrl;
  const tag = databaseUrl === ':memory:' ? `m${++fresh}` : `f${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 10)}`;
  return schemaUrl(`${schemaPrefix()}_${tag}`);
}
