// The register: documents, recommendations, commitments, their append-only history and evidence,
// the durable outbox of events, and the full-text index.
import { sql, type Kysely } from 'kysely';
import { engineOf, withSerialId } from '../engine.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('committee', 'text', (c) => c.notNull())
    .addColumn('seed_hash', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('documents')
    .addColumn('register_id', 'text', (c) => c.notNull().references('registers.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('committee', 'text')
    .addColumn('paper_number', 'text')
    .addColumn('session', 'text')
    .addColumn('received', 'text')
    .addColumn('published', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addPrimaryKeyConstraint('documents_pk', ['register_id', 'id'])
    .execute();

  await db.schema
    .createTable('recommendations')
    .addColumn('register_id', 'text', (c) => c.notNull().references('registers.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('response_same_as', 'integer')
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('departments', 'text', (c) => c.notNull())
    .addColumn('seed_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('recommendations_pk', ['register_id', 'number'])
    .execute();

  await db.schema
    .createTable('commitments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('register_id', 'text', (c) => c.notNull().references('registers.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('quote', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('original_department', 'text')
    .addColumn('made_in', 'text', (c) => c.notNull())
    .addColumn('made_on', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text') // JSON: { date?, text?, revised[] }
    .addColumn('deadline_date', 'text') // the effective date, for the overdue filter
    .addColumn('status', 'text', (c) => c.notNull()) // the latest history entry's "to", kept in step
    .addColumn('watch', 'text', (c) => c.notNull()) // JSON WatchTerms
    .addColumn('rules', 'text', (c) => c.notNull()) // JSON ProposalRule[]
    .addColumn('ordinal', 'integer', (c) => c.notNull()) // order in the seed: the document's order
    .addColumn('seed_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('commitments_status').on('commitments').column('status').execute();
  await db.schema.createIndex('commitments_department').on('commitments').column('department').execute();
  await db.schema.createIndex('commitments_deadline').on('commitments').column('deadline_date').execute();
  // The list order: lets a filtered page stop early instead of sorting every match.
  await db.schema.createIndex('commitments_order').on('commitments').columns(['register_id', 'ordinal', 'id']).execute();

  await db.schema
    .createTable('commitment_recommendations')
    .addColumn('commitment_id', 'text', (c) => c.notNull().references('commitments.id'))
    .addColumn('register_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('commitment_recommendations_pk', ['commitment_id', 'number'])
    .execute();
  await db.schema.createIndex('commitment_recommendations_by_rec').on('commitment_recommendations').columns(['register_id', 'number']).execute();

  await db.schema
    .createTable('history')
    .$call(withSerialId(db))
    .addColumn('commitment_id', 'text', (c) => c.notNull().references('commitments.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(trim(reason)) > 0`))
    .addColumn('evidence', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('seed_key', 'text', (c) => c.unique()) // identifies an entry that came from the seed
    .execute();
  await db.schema.createIndex('history_by_commitment').on('history').columns(['commitment_id', 'at']).execute();

  await db.schema
    .createTable('evidence')
    .$call(withSerialId(db))
    .addColumn('commitment_id', 'text', (c) => c.notNull().references('commitments.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('published', 'text')
    .addColumn('source', 'text', (c) => c.notNull()) // "seed" or a feed id
    .addColumn('score', 'real')
    .addColumn('matched', 'text', (c) => c.notNull()) // JSON string[]: the watch terms that matched
    .addColumn('note', 'text')
    .addColumn('found_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('evidence_once', ['commitment_id', 'url'])
    .execute();

  // The durable outbox: every event is written in the same transaction as the change it reports,
  // once (dedupe_key), and consumed by the Discord poster and the digest.
  await db.schema
    .createTable('events')
    .$call(withSerialId(db))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('commitment_id', 'text')
    .addColumn('feed_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull()) // JSON
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_by_time').on('events').column('created_at').execute();

  // What is indexed, by id: the FTS row with the same rowid holds its text, so re-indexing one
  // document deletes by rowid instead of scanning the index.
  await db.schema
    .createTable('search_docs')
    .$call(withSerialId(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addUniqueConstraint('search_docs_once', ['kind', 'ref'])
    .execute();
  // The words of each document: SQLite's FTS5, or on PostgreSQL a stored tsvector (title weighted A, body
  // B) under a GIN index. Both keep the row id in `rowid`, so the store writes them the same way. The GIN
  // index is written through (fastupdate off): the register is small and rarely written, and a pending list
  // left by a seed made searches 70 times slower until autovacuum came by.
  if (engineOf(db) === 'postgres') {
    await sql`create table search_index (
      rowid integer primary key,
      title text not null,
      body text not null,
      document tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
      ) stored
    )`.execute(db);
    await sql`create index search_index_document on search_index using gin (document) with (fastupdate = off)`.execute(db);
  } else {
    await sql`create virtual table search_index using fts5(
      title, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'search_index',
    'search_docs',
    'events',
    'evidence',
    'history',
    'commitment_recommendations',
    'commitments',
    'recommendations',
    'documents',
    'registers',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
