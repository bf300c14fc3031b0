// Row types of the store, as Kysely sees them. JSON columns are text; dates are ISO 8601 text.
import type { Generated } from 'kysely';
import type { DiscordTables } from '../discord/tables.ts';

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

export interface SearchDocsTable {
  id: Generated<number>;
  kind: string;
  ref: string;
}

export interface SearchIndexTable {
  rowid: number;
  title: string;
  body: string;
}

// Feeds (migration 0002): each feed's state, the items seen, the decisions about each item, and
// automatic status changes waiting to be applied.
export interface FeedsTable {
  id: string;
  url: string;
  kind: string | null;
  detected_kind: string | null;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_warnings: string | null;
  consecutive_failures: Generated<number>;
  next_attempt_at: string | null;
  health: Generated<string>;
  health_reason: string | null;
  health_changed_at: string | null;
  invalid_since: string | null;
  first_fetch_done: Generated<number>;
  item_count: Generated<number>;
  lease_until: string | null;
  lease_owner: string | null;
  /** The process that polled it last (migration 0007); when is last_attempt_at. */
  last_polled_by: string | null;
}

export interface FeedItemsTable {
  feed_id: string;
  key: string;
  link: string;
  title: string;
  published: string | null;
  updated: string | null;
  stage: string | null;
  fingerprint: string;
  first_seen_at: string;
  last_seen_at: string;
  times_seen: Generated<number>;
}

export interface FeedItemTracesTable {
  id: Generated<number>;
  feed_id: string;
  item_key: string;
  link: string;
  at: string;
  stage: string;
  decision: string;
  commitment_id: string | null;
  score: number | null;
  matched: string | null;
  event_id: number | null;
  detail: string;
}

export interface FeedPendingChangesTable {
  id: Generated<number>;
  dedupe_key: string;
  commitment_id: string;
  to_status: string;
  reason: string;
  evidence: string;
  actor: string;
  created_at: string;
  applied_at: string | null;
  outcome: string | null;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  guild_id: string;
  channel_id: string;
  frequency: string;
  digest: number;
  digest_weekday: number;
  digest_hour: number;
  time_zone: string;
  quiet_digest: number;
  filters: string;
  broken_reason: string | null;
  broken_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** Later features add their tables by extending this interface in their own files. */
export interface Database extends DiscordTables {
  registers: RegistersTable;
  documents: DocumentsTable;
  recommendations: RecommendationsTable;
  commitments: CommitmentsTable;
  commitment_recommendations: CommitmentRecommendationsTable;
  history: HistoryTable;
  evidence: EvidenceTable;
  events: EventsTable;
  search_docs: SearchDocsTable;
  search_index: SearchIndexTable;
  subscriptions: SubscriptionsTable;
  feeds: FeedsTable;
  feed_items: FeedItemsTable;
  feed_item_traces: FeedItemTracesTable;
  feed_pending_changes: FeedPendingChangesTable;
  digest_runs: DigestRunsTable;
  scheduler_firings: SchedulerFiringsTable;
  send_slots: SendSlotsTable;
}

// Scheduled firings (migration 0007): one row per (job, slot), written by the one process that runs it.
export interface SchedulerFiringsTable {
  job: string;
  slot: string;
  fired_by: string;
  fired_at: string;
}

// The shared send schedule (migration 0008): when each limit's next free slot starts, in ms since the epoch.
export interface SendSlotsTable {
  name: string;
  next_at: number;
}

// Digest and alert-batch runs (migration 0005): one per (subscription, kind, window start).
export interface DigestRunsTable {
  id: Generated<number>;
  subscription_id: number;
  channel_id: string;
  kind: string;
  window_start: string;
  window_end: string;
  late: number;
  state: string;
  messages: string;
  parts_total: number;
  parts_sent: Generated<number>;
  message_ids: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  posted_at: string | null;
  /** Who is sending it, until when (migration 0006); null when nobody is. */
  lease_owner: string | null;
  lease_until: string | null;
}
