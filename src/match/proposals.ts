// From what a source means to a proposed status (domain.ts, ProposalRule).
//
// A proposal is only ever made for an item the matcher ACCEPTED for the commitment. Which signal an item
// carries depends on its feed:
//   royal-assent       parliament-bills item for a LINKED bill (watch.bills, compared as text.ts billKey)
//                      at stage "Royal Assent"                               → delivered
//   bill-progress      the same at any other stage (1st/2nd reading, Committee stage, …) → in-progress
//   bill-stopped       the same, withdrawn, defeated or fallen (lapsed, not proceeded with) → stalled,
//                      always for an editor to confirm: no rule can make it automatic
//   written-statement  parliament-statements item whose department is the commitment's department or
//                      originalDepartment (loosely: "Business and Trade" = "Department for Business and
//                      Trade", text.ts sameDepartment)                      → in-progress
//   legislation-made   legislation item (a new Act or SI)                    → in-progress
// GOV.UK and generic items are evidence only: they propose nothing.
//
// A rule of the commitment with the same `when` replaces the default's status and sets `automatic`; without
// one the proposal is for an editor (automatic: false). A rule is the editor's word about WHAT a signal
// means, but neither a rule nor a default proposes anything behind the current status.
//
// Forward only (movesForward). Delivery runs not-started → in-progress → partly-delivered → delivered, and
// a proposal never goes to an earlier step: seeing a Royal Assent again for an Act already delivered
// proposes nothing (not "partly-delivered" because a rule says so). The other statuses fit in as follows:
//   stalled    sits BESIDE in-progress (same step): work began and stopped. A signal may move in-progress →
//              stalled (a bill died) and stalled → in-progress (it moves again); not-started → stalled too
//              (a linked bill introduced and dropped before anyone marked it begun). Never from
//              partly-delivered or delivered: part of it happened, and a dead follow-up bill does not undo it.
//   unclear    comes BEFORE not-started: the record did not settle it, so any signal is news worth an
//              editor's look.
//   abandoned  is an end, beside delivered: the editor's conclusion. Signals never propose leaving it (a
//              revived undertaking is evidence for an editor to act on), and a rule may propose it from any
//              step before the end (a deadline-passed rule), never from delivered.
// Nothing is proposed that equals the current status. The same test guards the deadline rule and queued
// automatic changes at the moment they are applied (src/feeds/poller.ts).
import { isOverdue, type FeedKind, type Status } from '../domain.ts';
import type { FeedItem } from '../feed-types.ts';
import type { CommitmentRow } from '../store/register-store.ts';
import type { MatchResult } from './matcher.ts';
import { billKey, sameDepartment } from './text.ts';

export type ProposalRuleName = 'royal-assent' | 'bill-progress' | 'bill-stopped' | 'written-statement' | 'legislation-made';

export interface Proposal {
  commitmentId: string;
  to: Status;
  rule: ProposalRuleName;
  /** True only when a rule of the commitment says so: applied without an editor. */
  automatic: boolean;
  /** For people: "Procurement Bill reached Royal Assent (Parliament bills feed)". */
  reason: string;
}

/** Where each status stands on the delivery line (see the module comment); equal steps are beside each other. */
const STEP: Record<Status, number> = {
  unclear: -1,
  'not-started': 0,
  'in-progress': 1,
  stalled: 1,
  'partly-delivered': 2,
  delivered: 3,
  abandoned: 3,
};

/**
 * True when a signal may propose moving a commitment from `from` to `to`: a later step, or the other
 * status of the in-progress step (stalled ↔ in-progress). Never the same status, never an earlier step.
 */
export function movesForward(from: Status, to: Status): boolean {
  if (from === to) return false;
  if (STEP[to] > STEP[from]) return true;
  return STEP[to] === STEP[from] && STEP[from] === STEP['in-progress'];
}

const ROYAL_ASSENT = /\broyal\s+assent\b/i;
const DEAD_STAGE = /\b(?:withdrawn|defeated|dropped|fell|fallen|lapsed|not\s+proceeded)\b/i;

interface Signal {
  when: ProposalRuleName;
  propose: Status;
  reason: string;
}

export function proposeStatuses(item: FeedItem, feedKind: FeedKind, commitment: CommitmentRow, match: MatchResult): Proposal[] {
  if (!match.accepted || match.commitmentId !== commitment.id) return [];
  const signal = signalOf(item, feedKind, commitment);
  if (!signal) return [];
  // bill-stopped is not a rule commitments can set (domain.ts ProposalRule): always for an editor.
  const rule = commitment.rules.find((r) => r.when === signal.when);
  const to = rule ? rule.propose : signal.propose;
  if (!movesForward(commitment.status, to)) return [];
  return [
    {
      commitmentId: commitment.id,
      to,
      rule: signal.when,
      automatic: signal.when !== 'bill-stopped' && (rule?.automatic ?? false),
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
      if (!bill || !stage) return undefined;
      if (DEAD_STAGE.test(stage)) {
        return { when: 'bill-stopped', propose: 'stalled', reason: `${bill}: ${stage} (Parliament bills feed) — an editor should confirm it is stalled` };
      }
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
