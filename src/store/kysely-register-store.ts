// The register store over Kysely. Plain query-builder SQL throughout, so a PostgreSQL dialect can
// run it; only the full-text index (search-index.ts) is SQLite-specific.
import { sql, type Kysely, type Selectable } from 'kysely';
import {
  POSITIONS,
  SETTLED_STATUSES,
  StatusChange,
  STATUSES,
  type CommitmentSeed,
  type Position,
  type RecommendationSeed,
  type RegisterManifest,
  type SourceDocument,
  type Status,
  WatchTerms,
} from '../domain.ts';
import { engineOf } from '../db/engine.ts';
import type { CommitmentsTable, Database, EvidenceTable, HistoryTable, RecommendationsTable } from '../db/tables.ts';
import { recordEvent } from './outbox-store.ts';
import { statusChangeEvent } from '../event-kinds.ts';
import { DomainError } from './errors.ts';
import type {
  CommitmentRow,
  EvidenceView,
  HistoryView,
  ListFilter,
  PageRequest,
  RecommendationRow,
  RegisterStore,
  Scoreboard,
  SearchHit,
  SeedHistoryEntry,
  SeedOutcome,
} from './register-store.ts';
import { searchIndex } from './search-index.ts';
import { upsertCommitment, upsertRecommendation, upsertRegister, upsertSeedEvidence, upsertSeedHistory } from './register-seeding.ts';

export class KyselyRegisterStore implements RegisterStore {
  private readonly postgres: boolean;
  constructor(private readonly db: Kysely<Database>) {
    this.postgres = engineOf(db) === 'postgres';
  }

  upsertRegister(manifest: RegisterManifest): Promise<SeedOutcome> {
    return upsertRegister(this.db, manifest);
  }

  upsertRecommendation(registerId: string, rec: RecommendationSeed, sharedResponse: string): Promise<SeedOutcome> {
    return upsertRecommendation(this.db, registerId, rec, sharedResponse);
  }

  upsertCommitment(registerId: string, seed: CommitmentSeed, ordinal: number): Promise<SeedOutcome> {
    return upsertCommitment(this.db, registerId, seed, ordinal);
  }

  upsertSeedHistory(commitmentId: string, seedKey: string, entry: SeedHistoryEntry, recordedAt: string): Promise<SeedOutcome> {
    return upsertSeedHistory(this.db, commitmentId, seedKey, entry, recordedAt);
  }

  upsertSeedEvidence(
    commitmentId: string,
    evidence: { url: string; title: string; date?: string | undefined; note?: string | undefined },
    foundAt: string,
  ): Promise<SeedOutcome> {
    return upsertSeedEvidence(this.db, commitmentId, evidence, foundAt);
  }

  async changeStatus(input: StatusChange, at: string): Promise<HistoryView> {
    const parsed = StatusChange.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError('invalid', `${issue?.path.join('.') || 'change'}: ${issue?.message ?? 'invalid'}`);
    }
    const change = parsed.data;
    return this.db.transaction().execute(async (trx) => {
      // FOR UPDATE on PostgreSQL: a second process changing the same commitment waits here and then reads the
      // status the first wrote (READ COMMITTED would let both read the old one: two histories, two alerts).
      // SQLite's BEGIN IMMEDIATE already serialises the transaction.
      const current = await trx
        .selectFrom('commitments')
        .select('status')
        .where('id', '=', change.commitmentId)
        .$if(this.postgres, (q) => q.forUpdate())
        .executeTakeFirst();
      if (!current) throw new DomainError('not-found', `no commitment with id ${change.commitmentId}`);
      if (current.status === change.to) throw new DomainError('no-change', `${change.commitmentId} is already ${change.to}`);
      const inserted = await trx
        .insertInto('history')
        .values({
          commitment_id: change.commitmentId,
          at,
          from_status: current.status,
          to_status: change.to,
          reason: change.reason,
          evidence: JSON.stringify(change.evidence),
          actor: change.actor,
          recorded_at: at,
          seed_key: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('commitments').set({ status: change.to }).where('id', '=', change.commitmentId).execute();
      const view: HistoryView = {
        id: inserted.id,
        at,
        from: current.status as Status,
        to: change.to,
        reason: change.reason,
        evidence: change.evidence,
        actor: change.actor,
        recordedAt: at,
      };
      await recordEvent(trx, statusChangeEvent(change.commitmentId, view));
      return view;
    });
  }

  async getCommitment(id: string): Promise<CommitmentRow | undefined> {
    const row = await this.db.selectFrom('commitments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return (await this.withRecommendations([row]))[0];
  }

  async commitmentIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('commitments').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  async idsMatching(text: string, limit: number): Promise<{ id: string; title: string }[]> {
    // A range on the primary key finds prefixes through the index; instr()/strpos() scans only for the rest.
    const prefixed = await this.db
      .selectFrom('commitments')
      .select(['id', 'title'])
      .where('id', '>=', text)
      .where('id', '<', `${text}\uffff`)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (prefixed.length >= limit) return prefixed;
    // On PostgreSQL the same test as LIKE patterns, whose selectivity the planner estimates from statistics:
    // strpos() it guesses matches a third of the rows, and walks the whole primary key in order for a rare
    // word (8.6 ms at 10,000 commitments, against 4.2 ms scanning and sorting the few it finds).
    const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    const containing = await this.db
      .selectFrom('commitments')
      .select(['id', 'title'])
      .where((eb) =>
        this.postgres ? eb.and([eb('id', 'like', `%${escaped}%`), eb('id', 'not like', `${escaped}%`)]) : eb(eb.fn('instr', ['id', eb.val(text)]), '>', 1),
      )
      .orderBy('id')
      .limit(limit - prefixed.length)
      .execute();
    return [...prefixed, ...containing];
  }

  async listCommitments(filter: ListFilter, page: PageRequest): Promise<{ total: number; items: CommitmentRow[] }> {
    let query = this.db.selectFrom('commitments');
    if (filter.register) query = query.where('register_id', '=', filter.register);
    if (filter.status?.length) query = query.where('status', 'in', filter.status);
    if (filter.ids) query = filter.ids.length ? query.where('id', 'in', filter.ids) : query.where(sql<boolean>`0 = 1`);
    if (filter.department) {
      const like = `%${filter.department.toLowerCase()}%`;
      query = query.where((eb) => eb.or([eb(eb.fn('lower', ['department']), 'like', like), eb(eb.fn('lower', ['original_department']), 'like', like)]));
    }
    if (filter.overdueOn) {
      query = query.where('deadline_date', '<', filter.overdueOn).where('status', 'not in', [...SETTLED_STATUSES]);
    }
    if (filter.theme || filter.position) {
      const { theme, position } = filter;
      query = query.where('id', 'in', (eb) => {
        let sub = eb
          .selectFrom('commitment_recommendations as cr')
          .innerJoin('recommendations as r', (join) => join.onRef('r.register_id', '=', 'cr.register_id').onRef('r.number', '=', 'cr.number'))
          .select('cr.commitment_id');
        if (theme) sub = sub.where((sb) => sb(sb.fn('lower', ['r.theme']), 'like', `%${theme.toLowerCase()}%`));
        if (position) sub = sub.where('r.position', '=', position);
        return sub;
      });
    }
    const counted = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('register_id').orderBy('ordinal').orderBy('id').limit(page.limit).offset(page.offset).execute();
    return { total: Number(counted.n), items: await this.withRecommendations(rows) };
  }

  async history(commitmentId: string): Promise<HistoryView[]> {
    const rows = await this.db.selectFrom('history').selectAll().where('commitment_id', '=', commitmentId).orderBy('at').orderBy('id').execute();
    return rows.map(historyView);
  }

  async evidence(commitmentId: string, limit?: number): Promise<EvidenceView[]> {
    let query = this.db
      .selectFrom('evidence')
      .selectAll()
      .where('commitment_id', '=', commitmentId)
      .orderBy(sql`coalesce(published, found_at)`, 'desc')
      .orderBy('id', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    const rows = await query.execute();
    return rows.map(evidenceView);
  }

  async recentChanges(limit: number): Promise<(HistoryView & { commitmentId: string })[]> {
    const rows = await this.db
      .selectFrom('history')
      .selectAll()
      .where('from_status', 'is not', null)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...historyView(r), commitmentId: r.commitment_id }));
  }

  async recentEvidence(limit: number): Promise<(EvidenceView & { commitmentId: string; id: number })[]> {
    const rows = await this.db.selectFrom('evidence').selectAll().orderBy('found_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ ...evidenceView(r), commitmentId: r.commitment_id, id: r.id }));
  }

  async statusCounts(registerId?: string): Promise<Record<Status, number>> {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    let query = this.db.selectFrom('commitments').select(['status', (eb) => eb.fn.countAll<number>().as('n')]);
    if (registerId) query = query.where('register_id', '=', registerId);
    for (const r of await query.groupBy('status').execute()) counts[r.status as Status] = Number(r.n);
    return counts;
  }

  async facets(): Promise<{ departments: string[]; themes: string[] }> {
    const [departments, themes] = await Promise.all([
      this.db.selectFrom('commitments').select('department').distinct().orderBy('department').execute(),
      this.db.selectFrom('recommendations').select('theme').distinct().orderBy('theme').execute(),
    ]);
    return { departments: departments.map((d) => d.department), themes: themes.map((t) => t.theme) };
  }

  async getRecommendation(number: number, registerId?: string): Promise<RecommendationRow | undefined> {
    let query = this.db.selectFrom('recommendations').selectAll().where('number', '=', number);
    if (registerId) query = query.where('register_id', '=', registerId);
    const row = await query.orderBy('register_id').executeTakeFirst();
    return row ? (await this.recommendationRows([row]))[0] : undefined;
  }

  async listRecommendations(registerId?: string): Promise<RecommendationRow[]> {
    let query = this.db.selectFrom('recommendations').selectAll();
    if (registerId) query = query.where('register_id', '=', registerId);
    return this.recommendationRows(await query.orderBy('register_id').orderBy('number').execute());
  }

  async documents(registerId: string): Promise<SourceDocument[]> {
    const rows = await this.db.selectFrom('documents').selectAll().where('register_id', '=', registerId).orderBy('published').execute();
    return rows.map((d) => ({
      id: d.id,
      kind: d.kind as SourceDocument['kind'],
      title: d.title,
      published: d.published,
      ...(d.committee ? { committee: d.committee } : {}),
      ...(d.paper_number ? { paperNumber: d.paper_number } : {}),
      ...(d.session ? { session: d.session } : {}),
      ...(d.received ? { received: d.received } : {}),
      ...(d.url ? { url: d.url } : {}),
    }));
  }

  async registers(): Promise<{ id: string; title: string; committee: string }[]> {
    return this.db.selectFrom('registers').select(['id', 'title', 'committee']).orderBy('id').execute();
  }

  search(text: string, limit: number): Promise<SearchHit[]> {
    return searchIndex(this.db, text, limit);
  }

  async scoreboard(registerId?: string): Promise<Scoreboard> {
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    const byPosition = Object.fromEntries(POSITIONS.map((p) => [p, 0])) as Record<Position, number>;
    let statusQuery = this.db
      .selectFrom('commitments')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status');
    if (registerId) statusQuery = statusQuery.where('register_id', '=', registerId);
    for (const r of await statusQuery.execute()) byStatus[r.status as Status] = Number(r.n);
    let positionQuery = this.db
      .selectFrom('recommendations')
      .select(['position', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('position');
    if (registerId) positionQuery = positionQuery.where('register_id', '=', registerId);
    const positionRows = await positionQuery.execute();
    for (const r of positionRows) byPosition[r.position as Position] = Number(r.n);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    return {
      commitments: { total: sum(byStatus), byStatus },
      recommendations: { total: sum(byPosition), byPosition },
    };
  }

  private async withRecommendations(rows: CommitmentsTable[]): Promise<CommitmentRow[]> {
    if (rows.length === 0) return [];
    const links = await this.db
      .selectFrom('commitment_recommendations')
      .select(['commitment_id', 'number'])
      .where(
        'commitment_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('number')
      .execute();
    const numbers = new Map<string, number[]>();
    for (const l of links) numbers.set(l.commitment_id, [...(numbers.get(l.commitment_id) ?? []), l.number]);
    return rows.map((r) => ({
      id: r.id,
      registerId: r.register_id,
      title: r.title,
      quote: r.quote,
      status: r.status as Status,
      department: r.department,
      originalDepartment: r.original_department,
      recommendations: numbers.get(r.id) ?? [],
      madeIn: r.made_in,
      madeOn: r.made_on,
      deadline: r.deadline ? (JSON.parse(r.deadline) as CommitmentRow['deadline']) : null,
      deadlineDate: r.deadline_date,
      watch: WatchTerms.parse(JSON.parse(r.watch)),
      rules: JSON.parse(r.rules) as CommitmentRow['rules'],
    }));
  }

  private async recommendationRows(rows: RecommendationsTable[]): Promise<RecommendationRow[]> {
    if (rows.length === 0) return [];
    const links = await this.db
      .selectFrom('commitment_recommendations as cr')
      .innerJoin('commitments as c', 'c.id', 'cr.commitment_id')
      .select(['cr.register_id', 'cr.number', 'cr.commitment_id'])
      // By register too, so the (register_id, number) index finds the links rather than a scan of them all.
      .where('cr.register_id', 'in', [...new Set(rows.map((r) => r.register_id))])
      .where(
        'cr.number',
        'in',
        rows.map((r) => r.number),
      )
      .orderBy('c.ordinal')
      .execute();
    return rows.map((r) => ({
      registerId: r.register_id,
      number: r.number,
      theme: r.theme,
      text: r.text,
      response: r.response,
      responseSameAs: r.response_same_as,
      position: r.position as Position,
      rationale: r.rationale,
      departments: JSON.parse(r.departments) as string[],
      commitments: links.filter((l) => l.register_id === r.register_id && l.number === r.number).map((l) => l.commitment_id),
    }));
  }
}

function historyView(r: Selectable<HistoryTable>): HistoryView {
  return {
    id: r.id,
    at: r.at,
    from: r.from_status as Status | null,
    to: r.to_status as Status,
    reason: r.reason,
    evidence: JSON.parse(r.evidence) as string[],
    actor: r.actor,
    recordedAt: r.recorded_at,
  };
}

function evidenceView(r: Selectable<EvidenceTable>): EvidenceView {
  return {
    url: r.url,
    title: r.title,
    published: r.published,
    source: r.source,
    score: r.score,
    matched: JSON.parse(r.matched) as string[],
    note: r.note,
    foundAt: r.found_at,
  };
}
