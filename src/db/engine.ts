// What differs between the two engines, in one place: which one a Kysely instance stands on, and the
// column types that are spelled differently. Migrations and stores ask here instead of sniffing SQL.
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** Any Kysely instance or transaction, whatever its tables. */
type Queryable = Pick<Kysely<unknown>, 'getExecutor'>;

export function engineOf(db: Queryable): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * An integer primary key the database numbers itself: SQLite's AUTOINCREMENT (never reuses an id, so an
 * outbox cursor never skips a new event), PostgreSQL's identity column (a sequence, never reused either).
 */
export function withSerialId(db: Queryable, column = 'id') {
  const postgres = engineOf(db) === 'postgres';
  return <TB extends string, C extends string>(table: CreateTableBuilder<TB, C>) =>
    table.addColumn(column, 'integer', (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()));
}
