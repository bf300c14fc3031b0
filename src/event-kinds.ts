// The kinds of event the outbox holds, one zod schema each, discriminated on `type`; one function builds
// each kind, with its dedupe key computed beside it (two events with one key are one event: a crash and a
// retry never record it twice). Events are validated when read back: `parseStoredEvent` returns a result,
// and `readableEvents` reports an unreadable row (an old or hand-edited one) and skips it, so no reader
// ever crashes on one or has to cast a payload.
//
// Payloads also carry their `type` (older readers of the JSON read it there). Fields that rows written by
// hand or by older versions may lack are optional; what every reader needs is required.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Status } from './domain.ts';
import { FEED_HEALTH, type FeedHealth } from './feeds/health.ts';
import { err, ok, type Result } from './result.ts';

export const EVENT_TYPES = ['evidence', 'status-proposal', 'status-change', 'item-updated', 'feed-health', 'overdue'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The item an event is about, as the feed gave it (its change note, where the publisher wrote one). */
export const EventItem = z.object({
  title: z.string(),
  link: z.string(),
  published: z.string().nullable().optional(),
  updated: z.string().optional(),
  changeNote: z.string().optional(),
  changeNoteAt: z.string().optional(),
});
export type EventItem = z.infer<typeof EventItem>;

/** What a match adds to an event about an item: its score and the watch terms that matched. */
const matchFields = {
  score: z.number().optional(),
  matched: z.array(z.string()).optional(),
};
const aboutCommitment = {
  commitment: z.string().optional(),
  commitmentTitle: z.string().optional(),
};

export const EvidencePayload = z.object({
  type: z.literal('evidence').optional(),
  ...aboutCommitment,
  feed: z.string().optional(),
  item: EventItem,
  ...matchFields,
  reason: z.string().optional(),
});

export const StatusProposalPayload = z.object({
  type: z.literal('status-proposal').optional(),
  ...aboutCommitment,
  feed: z.string().optional(),
  item: EventItem.optional(),
  ...matchFields,
  from: Status.nullable().optional(),
  to: Status,
  rule: z.string(),
  automatic: z.boolean().optional(),
  reason: z.string(),
  /** For a deadline-passed proposal: the deadline that passed. */
  deadline: z.string().optional(),
});

/** Written by the register store with every change of status: the history entry's fields. */
export const StatusChangePayload = z.object({
  type: z.literal('status-change').optional(),
  commitment: z.string().optional(),
  /** The history entry's id. */
  id: z.number().optional(),
  at: z.string().optional(),
  from: Status.nullable(),
  to: Status,
  reason: z.string(),
  evidence: z.array(z.string()).optional(),
  actor: z.string().optional(),
  recordedAt: z.string().optional(),
});

export const ItemUpdatedPayload = z.object({
  type: z.literal('item-updated').optional(),
  commitment: z.string().optional(),
  /** Every commitment the updated item matches; the event's own commitment is the best match. */
  commitments: z.array(z.string()).optional(),
  /** Those it matches for the first time with this update. */
  newlyMatched: z.array(z.string()).optional(),
  feed: z.string().optional(),
  item: EventItem,
  previousUpdated: z.string().nullable().optional(),
  /** A bill's stage, on a bills feed. */
  stage: z.string().optional(),
  ...matchFields,
});

export const FEED_HEALTH_CHANGES = ['failing', 'disabled', 'recovered', 'disabling-soon', 'warning'] as const;
export type FeedHealthChange = (typeof FEED_HEALTH_CHANGES)[number];

export const FeedHealthPayload = z.object({
  type: z.literal('feed-health').optional(),
  feed: z.string().optional(),
  url: z.string().optional(),
  health: z.enum(FEED_HEALTH),
  previous: z.enum(FEED_HEALTH).optional(),
  change: z.enum(FEED_HEALTH_CHANGES).optional(),
  reason: z.string(),
  failures: z.number().optional(),
  nextAttemptAt: z.string().nullable().optional(),
  /** A warning's problems (the first 20). */
  warnings: z.array(z.string()).optional(),
});

export const OverduePayload = z.object({
  type: z.literal('overdue').optional(),
  ...aboutCommitment,
  deadline: z.string(),
  deadlineText: z.string().nullable().optional(),
  status: Status,
  today: z.string().optional(),
});

const envelope = {
  id: z.number(),
  commitmentId: z.string().optional(),
  feedId: z.string().optional(),
  dedupeKey: z.string(),
  createdAt: z.string(),
};

/** An event as read back from the outbox. */
export const StoredEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('evidence'), payload: EvidencePayload }),
  z.object({ ...envelope, type: z.literal('status-proposal'), payload: StatusProposalPayload }),
  z.object({ ...envelope, type: z.literal('status-change'), payload: StatusChangePayload }),
  z.object({ ...envelope, type: z.literal('item-updated'), payload: ItemUpdatedPayload }),
  z.object({ ...envelope, type: z.literal('feed-health'), payload: FeedHealthPayload }),
  z.object({ ...envelope, type: z.literal('overdue'), payload: OverduePayload }),
]);
export type StoredEvent = z.output<typeof StoredEventSchema>;

type Input = z.input<typeof StoredEventSchema>;
/** An event to record: one of the kinds above, without its outbox id. */
export type NewEvent = Input extends infer E ? (E extends Input ? Omit<E, 'id'> : never) : never;

/** The kind and payload of an event, with the ids a reader may need: what front ends render. */
export type EventView = StoredEvent extends infer E ? (E extends StoredEvent ? Pick<E, 'type' | 'payload' | 'commitmentId' | 'feedId'> : never) : never;

/** The events table's row, as stored. */
export interface EventRow {
  id: number;
  type: string;
  commitment_id: string | null;
  feed_id: string | null;
  payload: string;
  dedupe_key: string;
  created_at: string;
}

/** A row of the events table as the event it records, or why it cannot be read. */
export function parseStoredEvent(row: EventRow): Result<StoredEvent, string> {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    return err(`event ${row.id}: the payload is not JSON`);
  }
  const parsed = StoredEventSchema.safeParse({
    id: row.id,
    type: row.type,
    commitmentId: row.commitment_id ?? undefined,
    feedId: row.feed_id ?? undefined,
    payload,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
  });
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  return err(`event ${row.id} (${row.type}): ${issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'unreadable'}`);
}

const reported = new Set<number>();

/** Tells the operator, once per row and process, that an event was skipped (a Node warning: logs show it). */
function warnUnreadable(id: number, problem: string): void {
  if (reported.has(id)) return;
  reported.add(id);
  process.emitWarning(`skipped an unreadable event: ${problem}`, { code: 'CW_UNREADABLE_EVENT' });
}

/** The readable events of these rows, in order; each unreadable one is reported and skipped. */
export function readableEvents(rows: readonly EventRow[], report: (id: number, problem: string) => void = warnUnreadable): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const row of rows) {
    const event = parseStoredEvent(row);
    if (event.ok) out.push(event.value);
    else report(row.id, event.error);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Building events: one function per kind, its dedupe key beside it.

/** A commitment as events name it. */
export interface CommitmentRef {
  id: string;
  title: string;
}

/** How an item matched a commitment. */
export interface MatchRef {
  score: number;
  matched: string[];
}

export const evidenceKey = (commitmentId: string, link: string): string => `evidence:${commitmentId}:${link}`;

/** New evidence: an item of a feed matched a commitment. */
export function evidenceEvent(e: { commitment: CommitmentRef; feedId: string; item: EventItem; match: MatchRef & { reason: string }; at: string }): NewEvent {
  return {
    type: 'evidence',
    commitmentId: e.commitment.id,
    feedId: e.feedId,
    payload: {
      type: 'evidence',
      commitment: e.commitment.id,
      commitmentTitle: e.commitment.title,
      feed: e.feedId,
      item: e.item,
      score: e.match.score,
      matched: e.match.matched,
      reason: e.match.reason,
    },
    dedupeKey: evidenceKey(e.commitment.id, e.item.link),
    createdAt: e.at,
  };
}

/** One proposal per commitment, rule, status and occasion (the item's link, or the deadline date). */
export const statusProposalKey = (commitmentId: string, rule: string, to: Status, occasion: string): string =>
  `status-proposal:${commitmentId}:${rule}:${to}:${occasion}`;

export interface ProposalFields {
  commitment: CommitmentRef & { status: Status };
  to: Status;
  rule: string;
  automatic: boolean;
  reason: string;
  at: string;
}

/** A rule proposes a status because of an item of a feed. */
export function itemProposalEvent(e: ProposalFields & { feedId: string; item: EventItem; match: MatchRef }): NewEvent {
  return {
    type: 'status-proposal',
    commitmentId: e.commitment.id,
    feedId: e.feedId,
    payload: {
      type: 'status-proposal',
      commitment: e.commitment.id,
      commitmentTitle: e.commitment.title,
      feed: e.feedId,
      item: e.item,
      score: e.match.score,
      matched: e.match.matched,
      from: e.commitment.status,
      to: e.to,
      rule: e.rule,
      automatic: e.automatic,
      reason: e.reason,
    },
    dedupeKey: statusProposalKey(e.commitment.id, e.rule, e.to, e.item.link),
    createdAt: e.at,
  };
}

/** A rule proposes a status because a commitment's deadline passed. */
export function deadlineProposalEvent(e: Omit<ProposalFields, 'rule'> & { deadline: string }): NewEvent {
  const rule = 'deadline-passed';
  return {
    type: 'status-proposal',
    commitmentId: e.commitment.id,
    payload: {
      type: 'status-proposal',
      commitment: e.commitment.id,
      commitmentTitle: e.commitment.title,
      from: e.commitment.status,
      to: e.to,
      rule,
      automatic: e.automatic,
      reason: e.reason,
      deadline: e.deadline,
    },
    dedupeKey: statusProposalKey(e.commitment.id, rule, e.to, e.deadline),
    createdAt: e.at,
  };
}

export const statusChangeKey = (historyId: number): string => `status-change:${historyId}`;

/** A commitment's status changed: one event per history entry. */
export function statusChangeEvent(
  commitmentId: string,
  entry: { id: number; at: string; from: Status | null; to: Status; reason: string; evidence: string[]; actor: string; recordedAt: string },
): NewEvent {
  return {
    type: 'status-change',
    commitmentId,
    payload: { ...entry, commitment: commitmentId },
    dedupeKey: statusChangeKey(entry.id),
    createdAt: entry.at,
  };
}

/** One update of an item per version the item's monitor names (Monitor.updateOf). */
export const itemUpdatedKey = (link: string, version: string): string => `item-updated:${link}:${version}`;

/** An item already reported was updated, and matches these commitments (the first the best). */
export function itemUpdatedEvent(e: {
  feedId: string;
  item: EventItem;
  version: string;
  previousUpdated: string | null;
  stage?: string | undefined;
  matches: readonly (MatchRef & { commitmentId: string })[];
  newlyMatched: string[];
  at: string;
}): NewEvent {
  const best = e.matches[0]!;
  return {
    type: 'item-updated',
    commitmentId: best.commitmentId,
    feedId: e.feedId,
    payload: {
      type: 'item-updated',
      commitment: best.commitmentId,
      commitments: e.matches.map((m) => m.commitmentId),
      newlyMatched: e.newlyMatched,
      feed: e.feedId,
      item: e.item,
      previousUpdated: e.previousUpdated,
      ...(e.stage ? { stage: e.stage } : {}),
      score: best.score,
      matched: best.matched,
    },
    dedupeKey: itemUpdatedKey(e.item.link, e.version),
    createdAt: e.at,
  };
}

export type FeedHealthFields = Omit<z.input<typeof FeedHealthPayload>, 'type' | 'feed' | 'url' | 'warnings'>;

/** A feed's health changed: once per feed, change and instant. */
export function feedHealthEvent(feed: { id: string; url: string }, fields: FeedHealthFields, at: string): NewEvent {
  return {
    type: 'feed-health',
    feedId: feed.id,
    payload: { type: 'feed-health', feed: feed.id, url: feed.url, ...fields },
    dedupeKey: `feed-health:${feed.id}:${fields.change ?? 'changed'}:${at}`,
    createdAt: at,
  };
}

/**
 * A feed was read but had problems (an invalid date, a duplicate id): once per feed and distinct set of
 * problems, so the same problems on every poll are reported once.
 */
export function feedWarningEvent(feed: { id: string; url: string }, health: FeedHealth, warnings: readonly string[], at: string): NewEvent {
  const digest = createHash('sha256')
    .update(JSON.stringify([...warnings].sort()))
    .digest('hex')
    .slice(0, 16);
  return {
    type: 'feed-health',
    feedId: feed.id,
    payload: {
      type: 'feed-health',
      feed: feed.id,
      url: feed.url,
      health,
      change: 'warning',
      reason: warnings.length === 1 ? warnings[0]! : `${warnings.length} problems, first: ${warnings[0]}`,
      warnings: warnings.slice(0, 20),
    },
    dedupeKey: `feed-warning:${feed.id}:${digest}`,
    createdAt: at,
  };
}

/** A commitment's deadline passed: once per commitment and deadline. */
export function overdueEvent(c: CommitmentRef & { status: Status; deadlineDate: string; deadlineText: string | null }, today: string, at: string): NewEvent {
  return {
    type: 'overdue',
    commitmentId: c.id,
    payload: { type: 'overdue', commitment: c.id, commitmentTitle: c.title, deadline: c.deadlineDate, deadlineText: c.deadlineText, status: c.status, today },
    dedupeKey: `overdue:${c.id}:${c.deadlineDate}`,
    createdAt: at,
  };
}
