// The register store's seed writes (KyselyRegisterStore delegates to them): each seed record is written
// once, and again only when its content hash changes, so a re-seed never overwrites what changed at run time.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { engineOf } from '../db/engine.ts';
import { effectiveDeadline, type CommitmentSeed, type RecommendationSeed, type RegisterManifest } from '../domain.ts';
import type { CommitmentsTable, Database, RecommendationsTable } from '../db/tables.ts';
import { DomainError } from './errors.ts';
import type { SeedHistoryEntry, SeedOutcome } from './register-store.ts';
import { indexDocument } from './search-index.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Several processes starting at once on one PostgreSQL each apply the seeds: each seed write reads then
 * writes, so they take turns under one transaction-scoped advisory lock (SQLite's BEGIN IMMEDIATE already
 * serialises them).
 */
async function seedLock(trx: Transaction<Database>): Promise<void> {
  if (engineOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
}
const SEED_LOCK = 0x63770001; // "cw" and 1: this program's seed writes

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export async function upsertRegister(db: Kysely<Database>, manifest: RegisterManifest): Promise<SeedOutcome> {
  const seedHash = hashOf(manifest);
  return db.transaction().execute(async (trx) => {
    await seedLock(trx);
    const existing = await trx.selectFrom('registers').select('seed_hash').where('id', '=', manifest.id).executeTakeFirst();
    if (existing?.seed_hash === seedHash) return 'unchanged';
    const row = { id: manifest.id, title: manifest.title, committee: manifest.committee, seed_hash: seedHash };
    if (existing) await trx.updateTable('registers').set(row).where('id', '=', manifest.id).execute();
    else await trx.insertInto('registers').values(row).execute();
    await trx.deleteFrom('documents').where('register_id', '=', manifest.id).execute();
    await trx
      .insertInto('documents')
      .values(
        manifest.documents.map((d) => ({
          register_id: manifest.id,
          id: d.id,
          kind: d.kind,
          title: d.title,
          committee: d.committee ?? null,
          paper_number: d.paperNumber ?? null,
          session: d.session ?? null,
          received: d.received ?? null,
          published: d.published,
          url: d.url ?? null,
        })),
      )
      .execute();
    return existing ? 'updated' : 'created';
  });
}

export async function upsertRecommendation(db: Kysely<Database>, registerId: string, rec: RecommendationSeed, sharedResponse: string): Promise<SeedOutcome> {
  const row: RecommendationsTable = {
    register_id: registerId,
    number: rec.number,
    theme: rec.theme,
    text: rec.text,
    response: rec.response ?? sharedResponse,
    response_same_as: rec.responseSameAs ?? null,
    position: rec.position,
    rationale: rec.rationale,
    departments: JSON.stringify(rec.departments),
    seed_hash: '',
  };
  row.seed_hash = hashOf(row);
  return db.transaction().execute(async (trx) => {
    await seedLock(trx);
    const existing = await trx
      .selectFrom('recommendations')
      .select('seed_hash')
      .where('register_id', '=', registerId)
      .where('number', '=', rec.number)
      .executeTakeFirst();
    if (existing?.seed_hash === row.seed_hash) return 'unchanged';
    if (existing) {
      await trx.updateTable('recommendations').set(row).where('register_id', '=', registerId).where('number', '=', rec.number).execute();
    } else {
      await trx.insertInto('recommendations').values(row).execute();
    }
    await indexDocument(trx, {
      kind: 'recommendation',
      ref: `${registerId}:${rec.number}`,
      title: `Recommendation ${rec.number}: ${rec.theme}`,
      body: `${row.text}\n${row.response}`,
    });
    return existing ? 'updated' : 'created';
  });
}

export async function upsertCommitment(db: Kysely<Database>, registerId: string, seed: CommitmentSeed, ordinal: number): Promise<SeedOutcome> {
  // Status and history are not part of the row's seed hash: they live in the history table.
  const row: Omit<CommitmentsTable, 'status'> = {
    id: seed.id,
    register_id: registerId,
    title: seed.title,
    quote: seed.quote,
    department: seed.department,
    original_department: seed.originalDepartment ?? null,
    made_in: seed.madeIn,
    made_on: seed.madeOn,
    deadline: seed.deadline ? JSON.stringify(seed.deadline) : null,
    deadline_date: effectiveDeadline(seed.deadline) ?? null,
    watch: JSON.stringify(seed.watch),
    rules: JSON.stringify(seed.rules),
    ordinal,
    seed_hash: '',
  };
  row.seed_hash = hashOf([row, seed.recommendations]);
  return db.transaction().execute(async (trx) => {
    await seedLock(trx);
    const existing = await trx.selectFrom('commitments').select(['seed_hash', 'register_id']).where('id', '=', seed.id).executeTakeFirst();
    if (existing && existing.register_id !== registerId) {
      throw new DomainError('invalid', `commitment id ${seed.id} is already used by register ${existing.register_id}`);
    }
    if (existing?.seed_hash === row.seed_hash) return 'unchanged';
    if (existing) await trx.updateTable('commitments').set(row).where('id', '=', seed.id).execute();
    else
      await trx
        .insertInto('commitments')
        .values({ ...row, status: seed.status })
        .execute();
    await trx.deleteFrom('commitment_recommendations').where('commitment_id', '=', seed.id).execute();
    await trx
      .insertInto('commitment_recommendations')
      .values(seed.recommendations.map((number) => ({ commitment_id: seed.id, register_id: registerId, number })))
      .execute();
    await indexDocument(trx, { kind: 'commitment', ref: `${registerId}:${seed.id}`, title: seed.title, body: seed.quote });
    return existing ? 'updated' : 'created';
  });
}

export async function upsertSeedHistory(
  db: Kysely<Database>,
  commitmentId: string,
  seedKey: string,
  entry: SeedHistoryEntry,
  recordedAt: string,
): Promise<SeedOutcome> {
  return db.transaction().execute(async (trx) => {
    await seedLock(trx);
    const existing = await trx.selectFrom('history').selectAll().where('seed_key', '=', seedKey).executeTakeFirst();
    const evidence = JSON.stringify(entry.evidence);
    if (existing) {
      if (existing.reason === entry.reason && existing.evidence === evidence && existing.to_status === entry.to) return 'unchanged';
      await trx.updateTable('history').set({ reason: entry.reason, evidence, to_status: entry.to }).where('id', '=', existing.id).execute();
    } else {
      const before = await trx
        .selectFrom('history')
        .select('to_status')
        .where('commitment_id', '=', commitmentId)
        .where('at', '<=', entry.at)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      await trx
        .insertInto('history')
        .values({
          commitment_id: commitmentId,
          at: entry.at,
          from_status: before?.to_status ?? null,
          to_status: entry.to,
          reason: entry.reason,
          evidence,
          actor: 'seed',
          recorded_at: recordedAt,
          seed_key: seedKey,
        })
        .execute();
    }
    await syncStatus(trx, commitmentId);
    return existing ? 'updated' : 'created';
  });
}

export async function upsertSeedEvidence(
  db: Kysely<Database>,
  commitmentId: string,
  evidence: { url: string; title: string; date?: string | undefined; note?: string | undefined },
  foundAt: string,
): Promise<SeedOutcome> {
  const values = { title: evidence.title, published: evidence.date ?? null, note: evidence.note ?? null };
  const existing = await db
    .selectFrom('evidence')
    .select(['id', 'title', 'published', 'note', 'source'])
    .where('commitment_id', '=', commitmentId)
    .where('url', '=', evidence.url)
    .executeTakeFirst();
  if (!existing) {
    await db
      .insertInto('evidence')
      .values({ commitment_id: commitmentId, url: evidence.url, ...values, source: 'seed', score: null, matched: '[]', found_at: foundAt })
      .execute();
    return 'created';
  }
  // Evidence the monitors found first stays theirs; only seed evidence takes the seed's wording.
  if (existing.source !== 'seed' || (existing.title === values.title && existing.published === values.published && existing.note === values.note)) {
    return 'unchanged';
  }
  await db.updateTable('evidence').set(values).where('id', '=', existing.id).execute();
  return 'updated';
}

/** A commitment's status is the "to" of its latest history entry; kept in its row for filtering. */
async function syncStatus(db: Db, commitmentId: string): Promise<void> {
  const latest = await db
    .selectFrom('history')
    .select('to_status')
    .where('commitment_id', '=', commitmentId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (latest) await db.updateTable('commitments').set({ status: latest.to_status }).where('id', '=', commitmentId).execute();
}
