// The query core: every question a user can ask of the register, answered the same way for the
// terminal, for Discord, and for scripts. Knows nothing of either front end.
import { rankIds } from './closest-ids.ts';
import { isOverdue, openDays, type Position, type Status } from './domain.ts';
import { todayIn, type Clock } from './clock.ts';
import { err, ok, type Result } from './result.ts';
import type { CommitmentRow, EvidenceView, HistoryView, ListFilter, RecommendationRow, RegisterStore, Scoreboard, SearchHit } from './store/register-store.ts';

export interface CommitmentSummary extends CommitmentRow {
  overdue: boolean;
  /** Days since it was made while it is unsettled; null once delivered or abandoned. */
  openDays: number | null;
}

export interface CommitmentDetail extends CommitmentSummary {
  /** The Government's position on each recommendation the commitment answers. */
  positions: { number: number; position: Position }[];
  evidence: EvidenceView[];
  lastChange: HistoryView | null;
}

export interface NotFound {
  message: string;
  /** The closest known ids, best first. */
  suggestions: string[];
}

export interface ListOptions {
  status?: Status[] | undefined;
  position?: Position | undefined;
  department?: string | undefined;
  theme?: string | undefined;
  overdue?: boolean | undefined;
  register?: string | undefined;
  /** Words to search for: only commitments they find, best match first. */
  text?: string | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface ListPage {
  items: CommitmentSummary[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

export const MAX_PAGE_SIZE = 100;
/** How many search hits a filtered search list considers. */
export const MAX_SEARCH_HITS = 200;

/** A register with what it holds: what /register list and the CLI show. */
export interface RegisterSummary {
  id: string;
  title: string;
  committee: string;
  recommendations: number;
  commitments: number;
}

export class RegisterQueries {
  constructor(
    private readonly store: RegisterStore,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  today(): string {
    return todayIn(this.clock, this.timeZone);
  }

  async show(id: string): Promise<Result<CommitmentDetail, NotFound>> {
    const row = await this.store.getCommitment(id.trim());
    if (!row) return err(await this.notFound(id));
    const [evidence, history, recs] = await Promise.all([
      this.store.evidence(row.id, 5),
      this.store.history(row.id),
      Promise.all(row.recommendations.map((n) => this.store.getRecommendation(n, row.registerId))),
    ]);
    return ok({
      ...this.summarise(row),
      positions: recs.filter((r) => r !== undefined).map((r) => ({ number: r.number, position: r.position })),
      evidence,
      lastChange: history.at(-1) ?? null,
    });
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const pageSize = Math.min(Math.max(options.pageSize ?? 10, 1), MAX_PAGE_SIZE);
    const page = Math.max(options.page ?? 1, 1);
    const filter: ListFilter = {
      status: options.status,
      position: options.position,
      department: options.department,
      theme: options.theme,
      register: options.register,
      overdueOn: options.overdue ? this.today() : undefined,
    };
    if (options.text?.trim()) return this.searchList(options.text, filter, page, pageSize);
    const { total, items } = await this.store.listCommitments(filter, { offset: (page - 1) * pageSize, limit: pageSize });
    return { items: items.map((r) => this.summarise(r)), total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
  }

  /** A filtered list of what a search finds, in the search's order (best first). */
  private async searchList(text: string, filter: ListFilter, page: number, pageSize: number): Promise<ListPage> {
    const hits = await this.store.search(text, MAX_SEARCH_HITS);
    const ids = [...new Set(hits.filter((h) => h.kind === 'commitment').map((h) => h.id))];
    const { items } = await this.store.listCommitments({ ...filter, ids }, { offset: 0, limit: ids.length });
    const rank = new Map(ids.map((id, i) => [id, i]));
    items.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    const shown = items.slice((page - 1) * pageSize, page * pageSize).map((r) => this.summarise(r));
    return { items: shown, total: items.length, page, pageSize, pages: Math.max(1, Math.ceil(items.length / pageSize)) };
  }

  search(text: string, limit = 10): Promise<SearchHit[]> {
    return this.store.search(text, limit);
  }

  async history(id: string): Promise<Result<{ commitment: CommitmentSummary; history: HistoryView[] }, NotFound>> {
    const row = await this.store.getCommitment(id.trim());
    if (!row) return err(await this.notFound(id));
    return ok({ commitment: this.summarise(row), history: await this.store.history(row.id) });
  }

  /** Every piece of evidence linked to a commitment, newest first (at most `limit`, when given). */
  async evidence(id: string, limit?: number): Promise<Result<{ commitment: CommitmentSummary; evidence: EvidenceView[] }, NotFound>> {
    const row = await this.store.getCommitment(id.trim());
    if (!row) return err(await this.notFound(id));
    return ok({ commitment: this.summarise(row), evidence: await this.store.evidence(row.id, limit) });
  }

  stats(register?: string): Promise<Scoreboard> {
    return this.store.scoreboard(register);
  }

  async registers(): Promise<RegisterSummary[]> {
    const out: RegisterSummary[] = [];
    for (const r of await this.store.registers()) {
      const [recs, commitments] = await Promise.all([this.store.listRecommendations(r.id), this.store.listCommitments({ register: r.id }, { offset: 0, limit: 1 })]);
      out.push({ ...r, recommendations: recs.length, commitments: commitments.total });
    }
    return out;
  }

  /**
   * The register a user named, checked against those loaded. Without a name: none (all registers) when
   * `needOne` is false; else the only register, or an error asking which while several are loaded.
   * `how` says how to name one, e.g. "--register" or "the register option".
   */
  async resolveRegister(name: string | undefined, needOne: boolean, how: string): Promise<Result<string | undefined, string>> {
    const ids = (await this.store.registers()).map((r) => r.id);
    const wanted = name?.trim();
    if (wanted) {
      if (ids.includes(wanted)) return ok(wanted);
      return err(`there is no register "${wanted}" (the registers are ${ids.join(', ') || 'none: run seed'})`);
    }
    if (!needOne || ids.length <= 1) return ok(needOne ? ids[0] : undefined);
    return err(`${ids.length} registers are loaded (${ids.join(', ')}): choose one with ${how}`);
  }

  recommendations(register?: string): Promise<RecommendationRow[]> {
    return this.store.listRecommendations(register);
  }

  async recommendation(number: number, register?: string): Promise<Result<RecommendationRow & { commitmentTitles: Record<string, string> }, NotFound>> {
    const rec = await this.store.getRecommendation(number, register);
    if (!rec) {
      const all = await this.store.listRecommendations(register);
      const range = all.length ? `${all[0]?.number}–${all.at(-1)?.number}` : 'none are loaded';
      return err({ message: `there is no recommendation ${number} (recommendations are numbered ${range})`, suggestions: [] });
    }
    const titles: Record<string, string> = {};
    for (const id of rec.commitments) titles[id] = (await this.store.getCommitment(id))?.title ?? id;
    return ok({ ...rec, commitmentTitles: titles });
  }

  /** Up to `limit` ids for a partly typed id or a few words: what autocomplete offers. */
  async suggest(input: string, limit = 25): Promise<{ id: string; title: string }[]> {
    const text = input.trim().toLowerCase();
    if (!text) return (await this.store.listCommitments({}, { offset: 0, limit })).items.map((c) => ({ id: c.id, title: c.title }));
    const out = new Map<string, string>();
    for (const c of await this.store.idsMatching(text, limit)) out.set(c.id, c.title);
    if (out.size < limit) {
      for (const hit of await this.store.search(text, limit)) {
        if (out.size >= limit) break;
        if (hit.kind === 'commitment' && !out.has(hit.id)) out.set(hit.id, hit.title);
      }
    }
    return [...out].map(([id, title]) => ({ id, title }));
  }

  async closestIds(input: string, limit = 5): Promise<string[]> {
    const text = input.trim().toLowerCase();
    const ids = await this.store.commitmentIds();
    const scored = rankIds(ids, text);
    const byWords = (await this.store.search(text.replace(/-/g, ' '), limit)).filter((h) => h.kind === 'commitment').map((h) => h.id);
    return [...new Set([...scored.filter((s) => s.score < 0.5).map((s) => s.id), ...byWords, ...scored.map((s) => s.id)])].slice(0, limit);
  }

  private async notFound(id: string): Promise<NotFound> {
    const suggestions = await this.closestIds(id);
    const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
    return { message: `no commitment has the id "${id.trim()}"${hint}`, suggestions };
  }

  private summarise(row: CommitmentRow): CommitmentSummary {
    const today = this.today();
    return { ...row, overdue: isOverdue(row.deadlineDate, row.status, today), openDays: openDays(row.madeOn, row.status, today) };
  }
}
