// Setup file of the "postgres" vitest project: each test file gets a schema prefix of its own, and every
// schema made under it is dropped after the file, whatever the tests left open.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { MIGRATION_LOCK } from '../../src/db/migrate.ts';
import { testDatabaseUrl } from './test-engine.ts';

beforeAll((suite) => {
  const file = 'filepath' in suite && typeof suite.filepath === 'string' ? suite.filepath : suite.name;
  const tag = createHash('sha256').update(file).digest('hex').slice(0, 6);
  (globalThis as { __cwSchemaPrefix?: string }).__cwSchemaPrefix = `cw_t${tag}_${randomBytes(3).toString('hex')}`;
});

afterAll(async () => {
  const prefix = (globalThis as { __cwSchemaPrefix?: string }).__cwSchemaPrefix;
  if (!prefix) return;
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    // Exclusive: no store is reading the catalogue to migrate while a schema goes (src/db/migrate.ts).
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const { rows } = await client.query<{ name: string }>(`select nspname as name from pg_namespace where nspname like $1`, [`${prefix}\\_%`]);
    for (const { name } of rows) await client.query(`drop schema "${name}" cascade`);
  } finally {
    await client.end();
  }
});
