// The domain model: what a register holds. Zod schemas are the single source of truth;
// the TypeScript types are inferred from them, and seeds, the store and the CLI all use them.
import { z } from 'zod';

/** The Government's answer to a recommendation, as a careful reader of the response would classify it. */
export const POSITIONS = ['accepted', 'accepted-in-part', 'noted', 'not-accepted'] as const;
export const Position = z.enum(POSITIONS);
export type Position = z.infer<typeof Position>;

/** How far a commitment has been delivered. Ratings move both ways; every change is dated and sourced. */
export const STATUSES = ['not-started', 'in-progress', 'stalled', 'delivered', 'partly-delivered', 'abandoned', 'unclear'] as const;
export const Status = z.enum(STATUSES);
export type Status = z.infer<typeof Status>;

/** Statuses after which a passed deadline no longer makes a commitment overdue. */
export const SETTLED_STATUSES: readonly Status[] = ['delivered', 'abandoned'];

/** The kinds of source the monitors read (see monitors/). */
export const FEED_KINDS = ['govuk-atom', 'parliament-bills', 'parliament-statements', 'parliament-questions', 'legislation', 'generic'] as const;
export const FeedKind = z.enum(FEED_KINDS);
export type FeedKind = z.infer<typeof FeedKind>;

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug: lower-case letters, digits and single hyphens');
export const IsoDate = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });
/** A date, or a date and time with an offset; history entries may be precise to the second. */
export const IsoInstant = z.union([IsoDate, z.iso.datetime({ offset: true })], {
  message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset',
});
const text = z.string().trim().min(1, 'must not be empty');
const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** Source document: a published paper the register is built from (a committee report, a Government response). */
export const SourceDocument = z.strictObject({
  id: slug,
  kind: z.enum(['committee-report', 'government-response', 'other']),
  title: text,
  committee: text.optional(),
  paperNumber: text.optional(),
  session: text.optional(),
  received: IsoDate.optional(),
  published: IsoDate,
  url: url.optional(),
});
export type SourceDocument = z.infer<typeof SourceDocument>;

/** Register: one committee report and the Government's response to it, with its recommendations and commitments. */
export const RegisterManifest = z.strictObject({
  id: slug,
  title: text,
  committee: text,
  documents: z.array(SourceDocument).min(1),
  /** Drafted by `commitment-watch import` and not yet reviewed: an editor removes it after review. */
  draft: z.boolean().optional(),
  themes: z.array(z.strictObject({ name: text, recommendations: z.array(z.number().int().positive()) })).optional(),
});
export type RegisterManifest = z.infer<typeof RegisterManifest>;

/** How sure the importer is of a drafted entry. */
export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

/** Recommendation: one numbered recommendation of the Committee and the Government's answer to it. */
export const RecommendationSeed = z
  .strictObject({
    number: z.number().int().positive(),
    theme: text,
    text,
    /** The Government's answer, verbatim. Omitted when the answer is shared: see responseSameAs. */
    response: text.optional(),
    /** Where one answer covers several recommendations, the number under which it is printed. */
    responseSameAs: z.number().int().positive().optional(),
    position: Position,
    /** One sentence, citing the response's own words, that justifies the position. */
    rationale: text,
    departments: z.array(text).min(1),
    /** How sure `import` was of the split and the position; an editor removes it after review. */
    confidence: Confidence.optional(),
  })
  .refine((r) => (r.response === undefined) !== (r.responseSameAs === undefined), {
    message: 'give exactly one of response or responseSameAs',
    path: ['response'],
  });
export type RecommendationSeed = z.infer<typeof RecommendationSeed>;

export const Deadline = z.strictObject({
  /** A firm date, where the Government gave one. */
  date: IsoDate.optional(),
  /** The words used, e.g. "as soon as Parliamentary time allows". */
  text: text.optional(),
  /** Later dates the Government moved it to, oldest first. */
  revised: z.array(z.strictObject({ date: IsoDate, text: text.optional(), source: url.optional() })).default([]),
});
export type Deadline = z.infer<typeof Deadline>;

/** History entry: one dated, reasoned, sourced change of a commitment's delivery status. Append-only. */
export const HistorySeed = z.strictObject({
  at: IsoInstant,
  to: Status,
  reason: text,
  evidence: z.array(url).default([]),
});
export type HistorySeed = z.infer<typeof HistorySeed>;

/** What the monitors look for. Terms match case-insensitively at word starts, so "penalt" finds "penalties". */
export const WatchTerms = z.strictObject({
  /** The commitment's own instrument or body, named exactly: one appearing is enough ("Research Collaboration Advice Team"). */
  names: z.array(text).default([]),
  /** At least one must appear in an item (title, summary or categories). */
  any: z.array(text).min(1),
  /** Every group must appear; a group lists alternatives separated by "|", e.g. "xinjiang|uyghur". */
  all: z.array(text).default([]),
  /** Any of these in an item rules it out. */
  none: z.array(text).default([]),
  /** Kinds of feed that matter; empty means all. */
  feedKinds: z.array(FeedKind).default([]),
  /** Bills whose progress bears on this commitment, by the title Parliament uses. */
  bills: z.array(text).default([]),
});
export type WatchTerms = z.infer<typeof WatchTerms>;

/** A rule that turns what a source means into a proposed status; automatic rules apply without an editor. */
export const ProposalRule = z.strictObject({
  when: z.enum(['royal-assent', 'bill-progress', 'written-statement', 'legislation-made', 'deadline-passed']),
  propose: Status,
  automatic: z.boolean().default(false),
});
export type ProposalRule = z.infer<typeof ProposalRule>;

export const EvidenceSeed = z.strictObject({ url, title: text, date: IsoDate.optional(), note: text.optional() });

/** Commitment: one concrete undertaking the Government made, tracked until it is delivered or abandoned. */
export const CommitmentSeed = z.strictObject({
  id: slug,
  title: text,
  /** The Government's exact words. */
  quote: text,
  recommendations: z.array(z.number().int().positive()).min(1),
  /** Today's name of the responsible department. */
  department: text,
  /** The department's name when the commitment was made, where it has changed since. */
  originalDepartment: text.optional(),
  /** The document it was made in (a document id of the register). */
  madeIn: slug,
  madeOn: IsoDate,
  deadline: Deadline.optional(),
  /** The status as of the document it was made in, and why. */
  status: Status,
  statusReason: text,
  /** Later, publicly recorded moves, oldest first. */
  history: z.array(HistorySeed).default([]),
  evidence: z.array(EvidenceSeed).default([]),
  watch: WatchTerms,
  rules: z.array(ProposalRule).default([]),
  /** How sure `import` was that this is an undertaking; an editor removes it after review. */
  confidence: Confidence.optional(),
});
export type CommitmentSeed = z.infer<typeof CommitmentSeed>;

/** Who changed a status: a rule of the monitors, an editor (by Discord id), or the seed data. */
export const Actor = z.union([
  z.literal('seed'),
  z.string().regex(/^rule:[a-z-]+$/, 'a rule actor is written rule:<name>'),
  z.string().regex(/^discord:\d{5,25}$/, 'an editor actor is written discord:<user id>'),
  z.string().regex(/^cli:[\w.-]+$/, 'a terminal actor is written cli:<name>'),
]);
export type Actor = z.infer<typeof Actor>;

/** A request to change a commitment's status: refused without a reason. */
export const StatusChange = z.strictObject({
  commitmentId: text,
  to: Status,
  reason: text,
  evidence: z.array(url).default([]),
  actor: Actor,
});
export type StatusChange = z.input<typeof StatusChange>;

/** The effective deadline: the latest revised date, else the original date. */
export function effectiveDeadline(deadline: Deadline | undefined): string | undefined {
  if (!deadline) return undefined;
  return deadline.revised.at(-1)?.date ?? deadline.date;
}

/** Overdue is derived, never stored: a dated deadline has passed and the commitment is not settled. */
export function isOverdue(deadlineDate: string | undefined | null, status: Status, today: string): boolean {
  return !!deadlineDate && deadlineDate < today && !SETTLED_STATUSES.includes(status);
}

/**
 * How long an unsettled commitment has been open (days from the day it was made to today), or null once
 * it is delivered or abandoned. Most undertakings give no date ("as soon as Parliamentary time allows"),
 * so they can never be overdue; trackers judge them against a reasonable time, and this is what they judge.
 */
export function openDays(madeOn: string, status: Status, today: string): number | null {
  if (SETTLED_STATUSES.includes(status)) return null;
  const days = Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${madeOn}T00:00:00Z`)) / 86_400_000);
  return Number.isFinite(days) && days >= 0 ? days : null;
}

/** "12 days", "7 months", "4 years": how long, in the largest whole unit a reader would use. */
export function openForText(days: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days < 61) return plural(days, 'day');
  // Whole units by the mean Gregorian year (365.2425 days); the half day keeps 730 days at 2 years.
  if (days < 730) return plural(Math.floor((days + 0.5) / 30.436875), 'month');
  return plural(Math.floor((days + 0.5) / 365.2425), 'year');
}
