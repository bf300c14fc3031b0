// The register store's contract. The query core, the seeder and the monitors depend on this
// interface, never on SQL, so tests and a future PostgreSQL store plug in behind it.
import type {
  CommitmentSeed,
  Deadline,
  Position,
  ProposalRule,
  RecommendationSeed,
  RegisterManifest,
  SourceDocument,
  Status,
  StatusChange,
  WatchTerms,
} from '../domain.ts';

export interface HistoryView {
  id: number;
  at: string;
  from: Status | null;
  to: Status;
  reason: string;
  evidence: string[];
  actor: string;
  recordedAt: string;
}

export interface EvidenceView {
  url: string;
  title: string;
  published: string | null;
  source: string;
  score: number | null;
  matched: string[];
  note: string | null;
  foundAt: string;
}

export interface CommitmentRow {
  id: string;
  registerId: string;
  title: string;
  quote: string;
  status: Status;
  department: string;
  originalDepartment: string | null;
  recommendations: number[];
  madeIn: string;
  madeOn: string;
  deadline: Deadline | null;
  /** The effective deadline date (latest revision), where there is one. */
  deadlineDate: string | null;
  watch: WatchTerms;
  rules: ProposalRule[];
}

export interface RecommendationRow {
  registerId: string;
  number: number;
  theme: string;
  text: string;
  /** The Government's answer; for a shared answer, the text printed under responseSameAs. */
  response: string;
  responseSameAs: number | null;
  position: Position;
  rationale: string;
  departments: string[];
  /** Ids of the commitments made in answer to it. */
  commitments: string[];
}

export interface ListFilter {
  status?: Status[] | undefined;
  position?: Position | undefined;
  /** Case-insensitive; matches today's or the original department name. */
  department?: string | undefined;
  /** Case-insensitive; matches the theme of any of the commitment's recommendations. */
  theme?: string | undefined;
  /** Only commitments whose effective deadline is before this date and that are not settled. */
  overdueOn?: string | undefined;
  register?: string | undefined;
  /** Only these commitments (what a search found). */
  ids?: string[] | undefined;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface SearchHit {
  kind: 'commitment' | 'recommendation';
  /** A commitment's id, or a recommendation's number as text. */
  id: string;
  registerId: string;
  title: string;
  /** An excerpt around the match, with matches between SNIPPET_OPEN and SNIPPET_CLOSE. */
  snippet: string;
  /** Higher is better. */
  score: number;
}

export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';

export interface Scoreboard {
  commitments: { total: number; byStatus: Record<Status, number> };
  recommendations: { total: number; byPosition: Record<Position, number> };
}

export type SeedOutcome = 'created' | 'updated' | 'unchanged';

export interface RegisterStore {
  // Seeding: idempotent upserts keyed by seed content hashes.
  upsertRegister(manifest: RegisterManifest): Promise<SeedOutcome>;
  upsertRecommendation(registerId: string, rec: RecommendationSeed, sharedResponse: string): Promise<SeedOutcome>;
  upsertCommitment(registerId: string, seed: CommitmentSeed, ordinal: number): Promise<SeedOutcome>;
  /** Adds a seed history entry once (keyed), or updates its wording; never touches run-time entries. */
  upsertSeedHistory(commitmentId: string, seedKey: string, entry: SeedHistoryEntry, recordedAt: string): Promise<SeedOutcome>;
  upsertSeedEvidence(
    commitmentId: string,
    evidence: { url: string; title: string; date?: string | undefined; note?: string | undefined },
    foundAt: string,
  ): Promise<SeedOutcome>;

  /** Records a status change with its history entry and a status-change event, atomically. */
  changeStatus(change: StatusChange, at: string): Promise<HistoryView>;

  getCommitment(id: string): Promise<CommitmentRow | undefined>;
  commitmentIds(): Promise<string[]>;
  /** Ids that start with `text` first, then ids that contain it; at most `limit`. */
  idsMatching(text: string, limit: number): Promise<{ id: string; title: string }[]>;
  listCommitments(filter: ListFilter, page: PageRequest): Promise<{ total: number; items: CommitmentRow[] }>;
  history(commitmentId: string): Promise<HistoryView[]>;
  /** Evidence of a commitment, newest first; all of it without `limit`. */
  evidence(commitmentId: string, limit?: number): Promise<EvidenceView[]>;
  /** The latest status changes across every commitment (initial statuses left out), latest first. */
  recentChanges(limit: number): Promise<(HistoryView & { commitmentId: string })[]>;
  /** The latest evidence across every commitment, most recently found first. */
  recentEvidence(limit: number): Promise<(EvidenceView & { commitmentId: string; id: number })[]>;
  /** How many commitments stand at each status, in one register or in all. */
  statusCounts(registerId?: string): Promise<Record<Status, number>>;
  /** What a list can be filtered by: today's department names and the recommendations' themes, sorted. */
  facets(): Promise<{ departments: string[]; themes: string[] }>;
  getRecommendation(number: number, registerId?: string): Promise<RecommendationRow | undefined>;
  listRecommendations(registerId?: string): Promise<RecommendationRow[]>;
  documents(registerId: string): Promise<SourceDocument[]>;
  registers(): Promise<{ id: string; title: string; committee: string }[]>;
  search(text: string, limit: number): Promise<SearchHit[]>;
  /** Counts over every register, or over one. */
  scoreboard(registerId?: string): Promise<Scoreboard>;
}

export interface SeedHistoryEntry {
  at: string;
  to: Status;
  reason: string;
  evidence: string[];
}
