// Kysely looks for its migration log through every schema on a PostgreSQL server; a schema another store
// drops at that moment fails the look-up with 3F000 (seen with parallel test files and the bench). The
// store still opens: the look-up is made again. Any other migration failure is still reported at once.
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../src/db/database.ts';

const vanished = () => ({ error: Object.assign(new Error('schema "cw_other_store" does not exist'), { code: '3F000' }), results: undefined });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('migrations while another schema is dropped', () => {
  it('open the store all the same, every migration applied once', async () => {
    const spy = vi.spyOn(Migrator.prototype, 'migrateToLatest').mockResolvedValueOnce(vanished());
    const store = await openStore({ dialect: 'sqlite', filename: ':memory:' });
    try {
      expect(spy).toHaveBeenCalledTimes(2);
      expect(store.migrations.all).toEqual(store.migrations.applied);
      expect(store.migrations.all.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('still fail on any other error, naming the migration', async () => {
    vi.spyOn(Migrator.prototype, 'migrateToLatest').mockResolvedValue({
      error: Object.assign(new Error('permission denied for schema cw'), { code: '42501' }),
      results: [{ migrationName: '0001-register', direction: 'Up', status: 'Error' }],
    });
    await expect(openStore({ dialect: 'sqlite', filename: ':memory:' })).rejects.toThrow(/0001-register failed: permission denied/);
  });
});
