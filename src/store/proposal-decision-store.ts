// Decisions on posted status proposals (discord_proposal_decisions): one per proposal event, whoever
// presses first. The buttons that make them are src/discord/proposals.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

export interface ProposalDecision {
  eventId: number;
  decision: 'confirmed' | 'dismissed';
  decidedBy: string;
  decidedAt: string;
  /** What confirming came to (null until known, and for a dismissal). */
  outcome: string | null;
}

export interface ProposalDecisionStore {
  get(eventId: number): Promise<ProposalDecision | undefined>;
  /** Records the decision unless one exists: false when someone decided first. */
  claim(decision: Omit<ProposalDecision, 'outcome'>): Promise<boolean>;
  setOutcome(eventId: number, outcome: string): Promise<void>;
  /** Takes a claimed decision back (confirming failed unexpectedly: the proposal stays open). */
  forget(eventId: number): Promise<void>;
}

export class KyselyProposalDecisionStore implements ProposalDecisionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(eventId: number): Promise<ProposalDecision | undefined> {
    const row = await this.db.selectFrom('discord_proposal_decisions').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    return (
      row && {
        eventId: row.event_id,
        decision: row.decision === 'confirmed' ? 'confirmed' : 'dismissed',
        decidedBy: row.decided_by,
        decidedAt: row.decided_at,
        outcome: row.outcome,
      }
    );
  }

  async claim(d: Omit<ProposalDecision, 'outcome'>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('discord_proposal_decisions')
      .values({ event_id: d.eventId, decision: d.decision, decided_by: d.decidedBy, decided_at: d.decidedAt, outcome: null })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async setOutcome(eventId: number, outcome: string): Promise<void> {
    await this.db.updateTable('discord_proposal_decisions').set({ outcome }).where('event_id', '=', eventId).execute();
  }

  async forget(eventId: number): Promise<void> {
    await this.db.deleteFrom('discord_proposal_decisions').where('event_id', '=', eventId).execute();
  }
}
