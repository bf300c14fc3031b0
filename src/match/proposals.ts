// From what a source means to a proposed status (domain.ts, ProposalRule).
//
// A proposal is only ever made for an item the matcher ACCEPTED for the commitment. Which signal an item
// carries depends on its feed:
//   royal-assent       parliament-bills item for a LINKED bill (watch.bills, compared as text.ts billKey)
//                      at stage "Royal Assent"                               → delivered
//   bill-progress      the same at any other stage (1st/2nd reading, Committee stage, …) → in-progress;
//                      a bill withdrawn, defeated or dropped carries no signal
//   written-statement  parliament-statements item whose department is the commitment's department or
//                      originalDepartment (loosely: "Business and Trade" = "Department for Business and
//                      Trade", text.ts sameDepartment)                      → in-progress
//   legislation-made   legislation item (a new Act or SI)                    → in-progress
// GOV.UK and generic items are evidence only: they propose nothing.
//
// A rule of the commitment with the same `when` replaces the default's status and sets `automatic`;
// without one the proposal is for an editor (automatic: false). A DEFAULT "in-progress" is only proposed
// from not-started or stalled — a statement or a bill's second reading does not undo "delivered" or
// "partly-delivered"; a rule is the editor's word and is not held back. Nothing is proposed that equals the
// current status.
import { isOverdue, type FeedKind, type Status } from '../domain.ts';
import type { FeedItem } from '../feed-types.ts';
import type { CommitmentRow } from '../store/register-store.ts';
import type { MatchResult } from './matcher.ts';
import { billKey, sameDepartment } from './text.ts';

export type ProposalRuleName = 'royal-assent' | 'bill-progress' | 'written-statement' | 'legislation-made';

export interface Proposal {
  commitmentId: string;
  to: Status;
  rule: ProposalRuleName;
  /** True only when a rule of the commitment says so: applied without an editor. */
  automatic: boolean;
  /** For people: "Procurement Bill reached Royal Assent (Parliament bills feed)". */
  reason: string;
}

/** Statuses a default "in-progress" may move a commitment from. */
export const DEFAULT_PROGRESS_FROM: readonly Status[] = ['not-started', 'stalled'];

const ROYAL_ASSENT = /\broyal\s+assent\b/i;
const DEAD_STAGE = /\b(?:withdrawn|defeated|dropped|fell|lapsed|not\s+proceeded)\b/i;

interface Signal {
  when: ProposalRuleName;
  propose: Status;
  reason: string;
}

export function proposeStatuses(item: FeedItem, feedKind: FeedKind, commitment: CommitmentRow, match: MatchResult): Proposal[] {
  if (!match.accepted || match.commitmentId !== commitment.id) return [];
  const signal = signalOf(item, feedKind, commitment);
  if (!signal) return [];
  const rule = commitment.rules.find((r) => r.when === signal.when);
  if (!rule && signal.propose === 'in-progress' && !DEFAULT_PROGRESS_FROM.includes(commitment.status)) return [];
  const to = rule ? rule.propose : signal.propose;
  if (to === commitment.status) return [];
  return [
    {
      commitmentId: commitment.id,
      to,
      rule: signal.when,
      automatic: rule?.automatic ?? false,
      reason: rule ? `${signal.reason}; the commitment's ${signal.when} rule proposes ${to}` : signal.reason,
    },
  ];
}

function signalOf(item: FeedItem, feedKind: FeedKind, commitment: CommitmentRow): Signal | undefined {
  switch (feedKind) {
    case 'parliament-bills': {
      const title = item.billTitle ?? item.title;
      const key = billKey(title);
      const bill = key ? (commitment.watch.bills ?? []).find((b) => billKey(b) === key) : undefined;
      const stage = item.billStage?.trim();
      if (!bill || !stage || DEAD_STAGE.test(stage)) return undefined;
      if (ROYAL_ASSENT.test(stage)) {
        return { when: 'royal-assent', propose: 'delivered', reason: `${bill} reached Royal Assent (Parliament bills feed)` };
      }
      return { when: 'bill-progress', propose: 'in-progress', reason: `${bill} reached ${stage} (Parliament bills feed)` };
    }
    case 'parliament-statements': {
      const department = item.department;
      if (!sameDepartment(department, commitment.department) && !sameDepartment(department, commitment.originalDepartment)) return undefined;
      return {
        when: 'written-statement',
        propose: 'in-progress',
        reason: `Written statement by ${department}: "${item.title}" (Parliament written statements)`,
      };
    }
    case 'legislation':
      return { when: 'legislation-made', propose: 'in-progress', reason: `New legislation: "${item.title}" (legislation.gov.uk)` };
    default:
      return undefined;
  }
}

/** Commitments whose effective deadline has passed and that are not settled, most overdue first. */
export function overdueCommitments(commitments: readonly CommitmentRow[], today: string): CommitmentRow[] {
  return commitments
    .filter((c) => isOverdue(c.deadlineDate, c.status, today))
    .sort((a, b) => (a.deadlineDate ?? '').localeCompare(b.deadlineDate ?? '') || a.id.localeCompare(b.id));
}
