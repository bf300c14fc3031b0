// Rows of the feeds and feed_items tables as the store's records, and back: one place for the mapping.
import type { Selectable, Updateable } from 'kysely';
import type { FeedKind } from '../domain.ts';
import type { FeedItemsTable, FeedsTable } from '../db/tables.ts';
import type { FeedState, FeedStatePatch, StoredItem } from './feed-records.ts';
import type { Validators } from './fetch.ts';
import type { FeedHealth } from './health.ts';

// Rows or values per statement: well under SQLite's (and PostgreSQL's) limit on bound parameters.
const CHUNK = 400;
export function chunks<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

export function toState(r: Selectable<FeedsTable>): FeedState {
  const validators: Validators = {};
  if (r.etag !== null) validators.etag = r.etag;
  if (r.last_modified !== null) validators.lastModified = r.last_modified;
  if (r.body_hash !== null) validators.bodyHash = r.body_hash;
  return {
    id: r.id,
    url: r.url,
    kind: r.kind as FeedKind | null,
    detectedKind: r.detected_kind as FeedKind | null,
    validators,
    lastAttemptAt: r.last_attempt_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    lastWarnings: r.last_warnings ? (JSON.parse(r.last_warnings) as string[]) : [],
    consecutiveFailures: Number(r.consecutive_failures),
    nextAttemptAt: r.next_attempt_at,
    health: r.health as FeedHealth,
    healthReason: r.health_reason,
    healthChangedAt: r.health_changed_at,
    invalidSince: r.invalid_since,
    firstFetchDone: Number(r.first_fetch_done) === 1,
    itemCount: Number(r.item_count),
    lastPolledBy: r.last_polled_by,
    heldBy: r.lease_owner && r.lease_until ? { owner: r.lease_owner, until: r.lease_until } : null,
  };
}

export function toItem(r: Selectable<FeedItemsTable>): StoredItem {
  return {
    feedId: r.feed_id,
    key: r.key,
    link: r.link,
    title: r.title,
    published: r.published,
    updated: r.updated,
    stage: r.stage,
    fingerprint: r.fingerprint,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    timesSeen: Number(r.times_seen),
  };
}

export function patchColumns(patch: FeedStatePatch): Updateable<FeedsTable> {
  const set: Updateable<FeedsTable> = {};
  if (patch.detectedKind !== undefined) set.detected_kind = patch.detectedKind;
  if (patch.validators !== undefined) {
    set.etag = patch.validators.etag ?? null;
    set.last_modified = patch.validators.lastModified ?? null;
    set.body_hash = patch.validators.bodyHash ?? null;
  }
  if (patch.lastAttemptAt !== undefined) set.last_attempt_at = patch.lastAttemptAt;
  if (patch.lastSuccessAt !== undefined) set.last_success_at = patch.lastSuccessAt;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  if (patch.lastWarnings !== undefined) set.last_warnings = JSON.stringify(patch.lastWarnings);
  if (patch.consecutiveFailures !== undefined) set.consecutive_failures = patch.consecutiveFailures;
  if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
  if (patch.health !== undefined) set.health = patch.health;
  if (patch.healthReason !== undefined) set.health_reason = patch.healthReason;
  if (patch.healthChangedAt !== undefined) set.health_changed_at = patch.healthChangedAt;
  if (patch.invalidSince !== undefined) set.invalid_since = patch.invalidSince;
  if (patch.firstFetchDone !== undefined) set.first_fetch_done = patch.firstFetchDone ? 1 : 0;
  if (patch.itemCount !== undefined) set.item_count = patch.itemCount;
  if (patch.polledBy !== undefined) set.last_polled_by = patch.polledBy;
  if (patch.releaseLease) {
    set.lease_owner = null;
    set.lease_until = null;
  }
  return set;
}

/** The columns of a feed that has never been polled. */
export function emptyState() {
  return {
    detected_kind: null,
    etag: null,
    last_modified: null,
    body_hash: null,
    last_attempt_at: null,
    last_success_at: null,
    last_error: null,
    last_warnings: null,
    consecutive_failures: 0,
    next_attempt_at: null,
    health: 'healthy',
    health_reason: null,
    health_changed_at: null,
    invalid_since: null,
    first_fetch_done: 0,
    item_count: 0,
    lease_until: null,
    lease_owner: null,
    last_polled_by: null,
  };
}
