// Row types of the store, as Kysely sees them. JSON columns are text; dates are ISO 8601 text.
import type { Generated } from 'kysely';

export interface RegistersTable {
  id: string;
  title: string;
  committee: string;
  seed_hash: string;
}

export interface DocumentsTable {
  register_id: string;
  id: string;
  kind: string;
  title: string;
  committee: string | null;
  paper_number: string | null;
  session: string | null;
  received: string | null;
  published: string;
  url: string | null;
}

export interface RecommendationsTable {
  register_id: string;
  number: number;
  theme: string;
  text: string;
  response: string;
  response_same_as: number | null;
  position: string;
  rationale: string;
  departments: string;
  seed_hash: string;
}

export interface CommitmentsTable {
  id: string;
  register_id: string;
  title: string;
  quote: string;
  department: string;
  original_department: string | null;
  made_in: string;
  made_on: string;
  deadline: string | null;
  deadline_date: string | null;
  status: string;
  watch: string;
  rules: string;
  ordinal: number;
  seed_hash: string;
}

export interface CommitmentRecommendationsTable {
  commitment_id: string;
  register_id: string;
  number: number;
}

export interface HistoryTable {
  id: Generated<number>;
  commitment_id: string;
  at: string;
  from_status: string | null;
  to_status: string;
  reason: string;
  evidence: string;
  actor: string;
  recorded_at: string;
  seed_key: string | null;
}

export interface EvidenceTable {
  id: Generated<number>;
  commitment_id: string;
  url: string;
  title: string;
  published: string | null;
  source: string;
  score: number | null;
  matched: string;
  note: string | null;
  found_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  type: string;
  commitment_id: string | null;
  feed_id: string | null;
  payload: string;
  dedupe_key: string;
  created_at: string;
}

export interface SearchIndexTable {
  rowid: Generated<number>;
  kind: string;
  ref: string;
  title: string;
  body: string;
}

/** Later features add their tables by extending this interface in their own files. */
export interface Database {
  registers: RegistersTable;
  documents: DocumentsTable;
  recommendations: RecommendationsTable;
  commitments: CommitmentsTable;
  commitment_recommendations: CommitmentRecommendationsTable;
  history: HistoryTable;
  evidence: EvidenceTable;
  events: EventsTable;
  search_index: SearchIndexTable;
}
