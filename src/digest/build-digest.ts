// What a digest says: built from the outbox events recorded in its window [start, end) — filtered by what
// the subscription wants — and from the register. The JSON keys of Digest are fixed (the preview's
// --json prints them): window, scoreboard, statusChanges, evidence, overdue, upcoming, failingFeeds.
import { DateTime } from 'luxon';
import { SETTLED_STATUSES, STATUSES, type Status } from '../domain.ts';
import type { EventType, StoredEvent } from '../events.ts';
import { eventItem } from '../event-text.ts';
import type { OutboxStore } from '../store/outbox-store.ts';
import type { CommitmentRow, RegisterStore } from '../store/register-store.ts';
import { wants, type EventSubject, type SubscriptionFilters } from '../subscriptions/subscription.ts';
import type { Window } from './schedule.ts';

export interface DigestDeps {
  outbox: Pick<OutboxStore, 'inWindow' | 'ofType'>;
  store: RegisterStore;
  /** The zone in which deadline dates fall (TIMEZONE). */
  timeZone: string;
}

export interface DigestStatusChange {
  commitment: string;
  title: string;
  from: Status | null;
  to: Status;
  reason: string;
  sources: string[];
  at: string;
  actor: string | null;
}

export interface DigestEvidenceItem {
  title: string;
  link: string;
  feed: string | null;
  published: string | null;
  updated: boolean;
  /** The publisher's note of what changed (GOV.UK), when it was found. */
  changeNote: string | null;
}

export interface DigestEvidenceGroup {
  commitment: string;
  title: string;
  items: DigestEvidenceItem[];
}

export interface DigestCommitmentRef {
  commitment: string;
  title: string;
  deadline: string;
  deadlineText: string | null;
  status: Status;
}

export interface DigestFailingFeed {
  feed: string;
  url: string | null;
  health: string;
  reason: string;
  since: string;
}

export interface Digest {
  window: { start: string; end: string };
  scoreboard: Record<Status, number>;
  /** One scoreboard per register, when the digest covers commitments of more than one. */
  scoreboards?: { register: string; title: string; counts: Record<Status, number> }[];
  statusChanges: DigestStatusChange[];
  evidence: DigestEvidenceGroup[];
  overdue: DigestCommitmentRef[];
  upcoming: DigestCommitmentRef[];
  failingFeeds: DigestFailingFeed[];
  /** Posted after its due time (after downtime), or covering more than one period. */
  late?: boolean;
  /** Nothing in any list: renderers post a short "nothing moved" summary (or nothing, if quietDigest is off). */
  quiet: boolean;
}

export const UPCOMING_DAYS = 30;

/** The commitments of the register with what a filter needs to know of them. */
export async function commitmentSubjects(store: RegisterStore): Promise<Map<string, { row: CommitmentRow; themes: string[] }>> {
  const { items } = await store.listCommitments({}, { offset: 0, limit: 100_000 });
  const themesByRec = new Map<string, string>();
  for (const rec of await store.listRecommendations()) themesByRec.set(`${rec.registerId}:${rec.number}`, rec.theme);
  return new Map(
    items.map((row) => [row.id, { row, themes: row.recommendations.map((n) => themesByRec.get(`${row.registerId}:${n}`)).filter((t): t is string => !!t) }]),
  );
}

export type Subjects = Awaited<ReturnType<typeof commitmentSubjects>>;

export function subjectOf(event: Pick<StoredEvent, 'commitmentId'> & ({ type: EventType; payload?: undefined } | StoredEvent), subjects: Subjects): EventSubject {
  const c = event.commitmentId ? subjects.get(event.commitmentId) : undefined;
  const to = event.type === 'status-change' ? event.payload?.to : undefined;
  return {
    type: event.type,
    commitmentId: event.commitmentId,
    registerId: c?.row.registerId,
    department: c?.row.department,
    originalDepartment: c?.row.originalDepartment,
    themes: c?.themes,
    status: to ?? c?.row.status,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

export async function buildDigest(deps: DigestDeps, filters: SubscriptionFilters, window: Window, now: Date, options: { late?: boolean } = {}): Promise<Digest> {
  const subjects = await commitmentSubjects(deps.store);
  const wanted = [...subjects.values()].filter(({ row }) => wants(filters, subjectOf({ type: 'status-change', commitmentId: row.id }, subjects)));
  const title = (id: string) => subjects.get(id)?.row.title ?? id;

  const zero = () => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const scoreboard = zero();
  const byRegister = new Map<string, Record<Status, number>>();
  for (const { row } of wanted) {
    scoreboard[row.status]++;
    const counts = byRegister.get(row.registerId) ?? zero();
    counts[row.status]++;
    byRegister.set(row.registerId, counts);
  }
  const registerTitles = byRegister.size > 1 ? new Map((await deps.store.registers()).map((r) => [r.id, r.title])) : undefined;
  const scoreboards =
    registerTitles &&
    [...byRegister].sort(([a], [b]) => a.localeCompare(b)).map(([register, counts]) => ({ register, title: registerTitles.get(register) ?? register, counts }));

  const events = (await deps.outbox.inWindow(window)).filter((e) => wants(filters, subjectOf(e, subjects)));

  const statusChanges: DigestStatusChange[] = events.flatMap((e) =>
    e.type === 'status-change' && e.commitmentId
      ? [
          {
            commitment: e.commitmentId,
            title: title(e.commitmentId),
            from: e.payload.from,
            to: e.payload.to,
            reason: e.payload.reason,
            sources: e.payload.evidence ?? [],
            at: str(e.payload.at) ?? e.createdAt,
            actor: str(e.payload.actor),
          },
        ]
      : [],
  );

  const groups = new Map<string, DigestEvidenceGroup>();
  for (const e of events) {
    if ((e.type !== 'evidence' && e.type !== 'item-updated') || !e.commitmentId) continue;
    const item = eventItem(e);
    const link = str(item?.link);
    if (!link) continue;
    const group = groups.get(e.commitmentId) ?? { commitment: e.commitmentId, title: title(e.commitmentId), items: [] };
    groups.set(e.commitmentId, group);
    const existing = group.items.find((i) => i.link === link);
    const entry = {
      title: str(item?.title) ?? link,
      link,
      feed: str(e.payload.feed) ?? e.feedId ?? null,
      published: str(item?.published),
      updated: e.type === 'item-updated',
      changeNote: str(item?.changeNote),
    };
    // One entry per page: the latest version of it, as GOV.UK digests do — with that version's note only
    // (an earlier note would say the wrong thing changed).
    if (existing) Object.assign(existing, { ...entry, updated: existing.updated && entry.updated });
    else group.items.push(entry);
  }
  const evidence = [...groups.values()];

  // Overdue in the window: an `overdue` event recorded in it, or a deadline that passed in it (a deadline
  // date passes at the end of that day, in TIMEZONE) on a commitment that is still not settled.
  const overdue = new Map<string, DigestCommitmentRef>();
  const ref = (row: CommitmentRow): DigestCommitmentRef => ({
    commitment: row.id,
    title: row.title,
    deadline: row.deadlineDate ?? '',
    deadlineText: row.deadline?.text ?? null,
    status: row.status,
  });
  for (const e of events) {
    if (e.type !== 'overdue' || !e.commitmentId) continue;
    const row = subjects.get(e.commitmentId)?.row;
    overdue.set(
      e.commitmentId,
      row
        ? ref(row)
        : {
            commitment: e.commitmentId,
            title: str(e.payload.commitmentTitle) ?? e.commitmentId,
            deadline: e.payload.deadline,
            deadlineText: str(e.payload.deadlineText),
            status: e.payload.status,
          },
    );
  }
  const upcoming: DigestCommitmentRef[] = [];
  const endDay = DateTime.fromJSDate(window.end, { zone: deps.timeZone }).toISODate()!;
  const horizon = DateTime.fromJSDate(window.end, { zone: deps.timeZone }).plus({ days: UPCOMING_DAYS }).toISODate()!;
  for (const { row } of wanted) {
    if (!row.deadlineDate || SETTLED_STATUSES.includes(row.status)) continue;
    const passesAt = DateTime.fromISO(row.deadlineDate, { zone: deps.timeZone }).plus({ days: 1 }).toMillis();
    if (passesAt >= window.start.getTime() && passesAt < window.end.getTime() && !overdue.has(row.id)) overdue.set(row.id, ref(row));
    if (row.deadlineDate >= endDay && row.deadlineDate <= horizon) upcoming.push(ref(row));
  }
  upcoming.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.commitment.localeCompare(b.commitment));

  const failingFeeds = await failingFeedsAt(deps.outbox, window.end, filters);

  const digest: Digest = {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    scoreboard,
    ...(scoreboards ? { scoreboards } : {}),
    statusChanges,
    evidence,
    overdue: [...overdue.values()],
    upcoming,
    failingFeeds,
    quiet: false,
  };
  digest.quiet = isQuiet(digest);
  if (options.late) digest.late = true;
  void now;
  return digest;
}

export function isQuiet(d: Pick<Digest, 'statusChanges' | 'evidence' | 'overdue' | 'upcoming' | 'failingFeeds'>): boolean {
  return !d.statusChanges.length && !d.evidence.length && !d.overdue.length && !d.upcoming.length && !d.failingFeeds.length;
}

/**
 * Feeds failing or disabled at `at`: each feed's latest `feed-health` event recorded before then. Read
 * from the outbox, so the digest does not depend on the feed store's tables.
 */
export async function failingFeedsAt(outbox: Pick<OutboxStore, 'ofType'>, at: Date, filters: SubscriptionFilters): Promise<DigestFailingFeed[]> {
  if (!wants(filters, { type: 'feed-health' })) return [];
  const latest = new Map<string, DigestFailingFeed>();
  for (const e of await outbox.ofType('feed-health')) {
    if (e.type !== 'feed-health' || Date.parse(e.createdAt) >= at.getTime()) continue;
    const p = e.payload;
    const feed = str(p.feed) ?? e.feedId;
    if (!feed) continue;
    latest.set(feed, { feed, url: str(p.url), health: p.health, reason: p.reason, since: e.createdAt });
  }
  return [...latest.values()].filter((f) => f.health === 'failing' || f.health === 'disabled');
}
