// Versioned migrations, one file each in ./migrations, applied in name order at start.
import { readdir } from 'node:fs/promises';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { engineOf } from './engine.ts';

const migrationsDir = new URL('./migrations/', import.meta.url);

class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await readdir(migrationsDir)).filter((f) => /^\d{4}-[\w-]+\.(ts|js)$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of names) {
      migrations[file.replace(/\.(ts|js)$/, '')] = (await import(new URL(file, migrationsDir).href)) as Migration;
    }
    return migrations;
  }
}

/** `schema`: where PostgreSQL keeps the migration log when DATABASE_URL names one (else Kysely looks in every schema). */
export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Every migration the store has now, in order (the same numbered names on both engines). */
  all: string[];
}

/**
 * The advisory lock PostgreSQL migrations hold shared: Kysely reads the whole catalogue to find its log table,
 * and a schema dropped meanwhile (another bot's, or another test file's) fails that read. Whoever drops a
 * schema takes it exclusively.
 */
export const MIGRATION_LOCK = 0x63770002;

export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationReport> {
  if (engineOf(db) !== 'postgres') return migrate(db, schema);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock_shared(${MIGRATION_LOCK})`.execute(connection);
    try {
      return await migrate(connection, schema);
    } finally {
      await sql`select pg_advisory_unlock_shared(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}

async function migrate(db: Kysely<any>, schema: string | undefined): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, {
      cause: error,
    });
  }
  const all = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), all };
}
