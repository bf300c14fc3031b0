// Once per cycle: one `overdue` event per commitment whose deadline has passed, and where its rules say so
// a `deadline-passed` status proposal (queued for the register store when the rule is automatic). Each
// event once, by its dedupe key (src/event-kinds.ts), however many cycles see the same deadline.
import { todayIn, type Clock } from '../clock.ts';
import { deadlineProposalEvent, overdueEvent } from '../event-kinds.ts';
import { movesForward, overdueCommitments } from '../match/proposals.ts';
import type { CommitmentRow } from '../store/register-store.ts';
import type { FeedStore } from './feed-store.ts';

/** Records the events of passed deadlines; their ids, and whether an automatic change was queued. */
export async function recordPassedDeadlines(
  feedStore: FeedStore,
  commitments: CommitmentRow[],
  clock: Clock,
  timeZone: string,
): Promise<{ eventIds: number[]; queued: boolean }> {
  const today = todayIn(clock, timeZone);
  const overdue = overdueCommitments(commitments, today);
  if (overdue.length === 0) return { eventIds: [], queued: false };
  const at = clock.now().toISOString();
  let queued = false;
  const eventIds = await feedStore.transaction(async (tx) => {
    const out: number[] = [];
    for (const c of overdue) {
      const deadlineDate = c.deadlineDate!; // overdue: it has one
      const id = await tx.recordEvent(overdueEvent({ ...c, deadlineDate, deadlineText: c.deadline?.text ?? null }, today, at));
      if (id !== undefined) out.push(id);
      const rule = c.rules.find((r) => r.when === 'deadline-passed');
      if (!rule || !movesForward(c.status, rule.propose)) continue;
      const reason = `the deadline ${deadlineDate} passed with the commitment ${c.status}`;
      const proposal = deadlineProposalEvent({ commitment: c, to: rule.propose, automatic: rule.automatic, reason, deadline: deadlineDate, at });
      const pid = await tx.recordEvent(proposal);
      if (pid === undefined) continue;
      out.push(pid);
      if (rule.automatic) {
        await tx.addPendingChange({
          dedupeKey: proposal.dedupeKey,
          commitmentId: c.id,
          to: rule.propose,
          reason,
          evidence: [],
          actor: 'rule:deadline-passed',
          createdAt: at,
        });
        queued = true;
      }
    }
    return out;
  });
  return { eventIds, queued };
}
