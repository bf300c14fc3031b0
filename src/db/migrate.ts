// Versioned migrations, one file each in ./migrations, applied in name order at start.
import { readdir } from 'node:fs/promises';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

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

export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its log table through every schema on the server: another schema dropped at that moment
  // (another store's, a test's) fails the look-up with 3F000. Ours was created before this, so look again.
  for (let retry = 0; retry < 3 && droppedMeanwhile(error); retry++) ({ error, results } = await migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, {
      cause: error,
    });
  }
  const all = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), all };
}

const droppedMeanwhile = (error: unknown): boolean => (error as { code?: unknown } | undefined)?.code === '3F000';
