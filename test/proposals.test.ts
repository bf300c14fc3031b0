import { describe, expect, it } from 'vitest';
import { ProposalRule, type FeedKind, type Status } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import { Matcher, type MatchResult } from '../src/match/matcher.ts';
import { movesForward, overdueCommitments, proposeStatuses } from '../src/match/proposals.ts';
import type { CommitmentRow } from '../src/store/register-store.ts';
import { testCommitment } from './support/commitments.ts';

const commitment = testCommitment;

/** An all-bills feed item, as monitors/parliament-bills.ts makes it. */
function billItem(title: string, stage: string): FeedItem {
  return {
    key: `https://bills.parliament.uk/bills/3154`,
    link: 'https://bills.parliament.uk/bills/3154',
    title,
    summary: 'A Bill to make provision about procurement; and for connected purposes.',
    categories: ['Lords', 'Government Bill'],
    billTitle: title,
    billStage: stage,
    documentType: 'Government Bill',
    updated: '2023-10-26T16:05:00Z',
  };
}

/** A written statement, as monitors/parliament-statements.ts makes it. */
function statement(title: string, department: string, text: string): FeedItem {
  return {
    key: 'HCWS123',
    link: 'https://questions-statements.parliament.uk/written-statements/detail/2021-12-08/hcws470',
    title,
    summary: text,
    categories: ['Commons'],
    department,
    published: '2021-12-08T00:00:00Z',
  };
}

function legislationItem(title: string, summary: string): FeedItem {
  return {
    key: 'http://www.legislation.gov.uk/id/uksi/2024/716',
    link: 'https://www.legislation.gov.uk/uksi/2024/716/made',
    title,
    summary,
    categories: ['Public Procurement'],
    documentType: 'UnitedKingdomStatutoryInstrument',
    published: '2024-06-12T00:00:00Z',
  };
}

const procurement = commitment(
  'procurement-bill',
  { any: ['procurement bill', 'procurement act'], all: ['procurement'], bills: ['Procurement Bill [HL]'] },
  { department: 'Cabinet Office' },
);
const exportReview = commitment(
  'export-controls-review',
  { any: ['export control'], all: ['xinjiang|uyghur|china'] },
  { status: 'in-progress', department: 'Department for Business and Trade', originalDepartment: 'Department for International Trade' },
);

function propose(item: FeedItem, kind: FeedKind, c: CommitmentRow) {
  const match = new Matcher([c]).explain(item, kind, c.id)!;
  return { match, proposals: proposeStatuses(item, kind, c, match) };
}

describe('proposeStatuses', () => {
  it('proposes delivered when a linked bill reaches Royal Assent', () => {
    const { match, proposals } = propose(billItem('Procurement', 'Royal Assent'), 'parliament-bills', procurement);
    expect(match.accepted).toBe(true);
    expect(proposals).toEqual([
      {
        commitmentId: 'procurement-bill',
        to: 'delivered',
        rule: 'royal-assent',
        automatic: false,
        reason: 'Procurement Bill [HL] reached Royal Assent (Parliament bills feed)',
      },
    ]);
  });

  it('proposes in-progress when a linked bill moves, only from not-started or stalled', () => {
    expect(propose(billItem('Procurement Bill [HL]', 'Committee stage'), 'parliament-bills', procurement).proposals).toEqual([
      {
        commitmentId: 'procurement-bill',
        to: 'in-progress',
        rule: 'bill-progress',
        automatic: false,
        reason: 'Procurement Bill [HL] reached Committee stage (Parliament bills feed)',
      },
    ]);
    const stalled = { ...procurement, status: 'stalled' as const };
    expect(propose(billItem('Procurement', '2nd reading'), 'parliament-bills', stalled).proposals[0]?.to).toBe('in-progress');
    for (const status of ['in-progress', 'partly-delivered', 'delivered', 'abandoned'] as const) {
      expect(propose(billItem('Procurement', '3rd reading'), 'parliament-bills', { ...procurement, status }).proposals).toEqual([]);
    }
  });

  it('proposes nothing for a bill that is not linked', () => {
    const other = billItem('Public Procurement (Wales)', 'Royal Assent');
    expect(propose(other, 'parliament-bills', procurement).proposals).toEqual([]);
  });

  it('proposes stalled, for an editor only, when a linked bill is withdrawn, defeated or falls', () => {
    const inProgress = { ...procurement, status: 'in-progress' as const };
    expect(propose(billItem('Procurement', 'Withdrawn'), 'parliament-bills', inProgress).proposals).toEqual([
      {
        commitmentId: 'procurement-bill',
        to: 'stalled',
        rule: 'bill-stopped',
        automatic: false,
        reason: 'Procurement Bill [HL]: Withdrawn (Parliament bills feed) — an editor should confirm it is stalled',
      },
    ]);
    for (const stage of ['Defeated', 'Bill fell', 'Fallen at prorogation', 'Lapsed', 'Not proceeded with']) {
      expect(propose(billItem('Procurement', stage), 'parliament-bills', procurement).proposals.map((p) => [p.to, p.automatic])).toEqual([['stalled', false]]);
    }
    // Never automatic, whatever the commitment's rules; never backwards from partly-delivered or delivered.
    const eager = { ...inProgress, rules: [ProposalRule.parse({ when: 'bill-progress', propose: 'in-progress', automatic: true })] };
    expect(propose(billItem('Procurement', 'Defeated'), 'parliament-bills', eager).proposals[0]).toMatchObject({ to: 'stalled', automatic: false });
    for (const status of ['stalled', 'partly-delivered', 'delivered', 'abandoned'] as const) {
      expect(propose(billItem('Procurement', 'Withdrawn'), 'parliament-bills', { ...procurement, status }).proposals).toEqual([]);
    }
  });

  it('never proposes moving backwards, even when the commitment’s own rule says so (the Royal Assent regression)', () => {
    // An Act in force: delivered. Its Royal Assent seen again, with a rule saying partly-delivered.
    const actInForce = commitment(
      'p',
      { any: ['procurement act'], bills: ['Procurement Bill'] },
      { status: 'delivered', rules: [{ when: 'royal-assent', propose: 'partly-delivered' }] },
    );
    expect(propose(billItem('Procurement', 'Royal Assent'), 'parliament-bills', actInForce).proposals).toEqual([]);
    // The same rule still proposes forward from in-progress.
    expect(propose(billItem('Procurement', 'Royal Assent'), 'parliament-bills', { ...actInForce, status: 'in-progress' }).proposals[0]).toMatchObject({
      to: 'partly-delivered',
    });
    // A rule proposing in-progress on new legislation does nothing to a partly-delivered commitment.
    const ruled = {
      ...procurement,
      status: 'partly-delivered' as const,
      rules: [ProposalRule.parse({ when: 'legislation-made', propose: 'in-progress', automatic: true })],
    };
    const sis = legislationItem('The Procurement Act 2023 (Commencement No. 3) Regulations 2024', 'These Regulations bring the Procurement Act 2023 into force.');
    expect(propose(sis, 'legislation', ruled).proposals).toEqual([]);
  });

  it('orders the statuses: unclear before not-started, stalled beside in-progress, abandoned an end', () => {
    const order = (from: Status, to: Status) => movesForward(from, to);
    expect(order('not-started', 'in-progress')).toBe(true);
    expect(order('in-progress', 'partly-delivered')).toBe(true);
    expect(order('partly-delivered', 'delivered')).toBe(true);
    expect(order('delivered', 'partly-delivered')).toBe(false);
    expect(order('partly-delivered', 'in-progress')).toBe(false);
    expect(order('in-progress', 'not-started')).toBe(false);
    expect(order('in-progress', 'stalled')).toBe(true);
    expect(order('stalled', 'in-progress')).toBe(true);
    expect(order('not-started', 'stalled')).toBe(true);
    expect(order('stalled', 'not-started')).toBe(false);
    expect(order('partly-delivered', 'stalled')).toBe(false);
    expect(order('unclear', 'in-progress')).toBe(true);
    expect(order('unclear', 'stalled')).toBe(true);
    expect(order('in-progress', 'unclear')).toBe(false);
    expect(order('in-progress', 'abandoned')).toBe(true);
    expect(order('abandoned', 'in-progress')).toBe(false);
    expect(order('abandoned', 'delivered')).toBe(false);
    expect(order('delivered', 'abandoned')).toBe(false);
    expect(order('delivered', 'delivered')).toBe(false);
  });

  it('proposes in-progress from unclear: the record did not settle it, a signal is news', () => {
    expect(propose(billItem('Procurement', '2nd reading'), 'parliament-bills', { ...procurement, status: 'unclear' }).proposals[0]?.to).toBe('in-progress');
  });

  it('proposes in-progress for a matching written statement from the commitment’s department', () => {
    const item = statement(
      'Export Controls: Xinjiang',
      'Department for Business and Trade',
      'The review of export controls as they apply to Xinjiang has concluded; an enhanced military end-use control now covers China.',
    );
    const notStarted = { ...exportReview, status: 'not-started' as const };
    const { match, proposals } = propose(item, 'parliament-statements', notStarted);
    expect(match.accepted).toBe(true);
    expect(proposals).toEqual([
      {
        commitmentId: 'export-controls-review',
        to: 'in-progress',
        rule: 'written-statement',
        automatic: false,
        reason: 'Written statement by Department for Business and Trade: "Export Controls: Xinjiang" (Parliament written statements)',
      },
    ]);
    // Loosely compared, and the department's old name counts too.
    expect(propose({ ...item, department: 'Business and Trade' }, 'parliament-statements', notStarted).proposals).toHaveLength(1);
    expect(propose({ ...item, department: 'Department for International Trade' }, 'parliament-statements', notStarted).proposals).toHaveLength(1);
  });

  it('proposes nothing for a statement from another department', () => {
    const item = statement('Export Controls: Xinjiang', 'Foreign, Commonwealth and Development Office', 'Export controls and Xinjiang.');
    const { match, proposals } = propose(item, 'parliament-statements', { ...exportReview, status: 'not-started' });
    expect(match.accepted).toBe(true);
    expect(proposals).toEqual([]);
  });

  it('lets a rule override the status and make it automatic', () => {
    const withRule = { ...exportReview, rules: [ProposalRule.parse({ when: 'written-statement', propose: 'delivered', automatic: true })] };
    const item = statement('Export Controls: Xinjiang', 'Department for Business and Trade', 'The export control review covering Xinjiang is complete.');
    expect(propose(item, 'parliament-statements', withRule).proposals).toEqual([
      {
        commitmentId: 'export-controls-review',
        to: 'delivered',
        rule: 'written-statement',
        automatic: true,
        reason:
          'Written statement by Department for Business and Trade: "Export Controls: Xinjiang" (Parliament written statements); the commitment\'s written-statement rule proposes delivered',
      },
    ]);
    // A rule for Royal Assent that says partly-delivered (the Act is not yet in force).
    const partly = commitment(
      'p',
      { any: ['procurement act'], bills: ['Procurement Bill'] },
      { status: 'in-progress', rules: [{ when: 'royal-assent', propose: 'partly-delivered' }] },
    );
    expect(propose(billItem('Procurement', 'Royal Assent'), 'parliament-bills', partly).proposals[0]).toMatchObject({ to: 'partly-delivered', automatic: false });
  });

  it('proposes in-progress for new legislation that matched, unless a rule says otherwise', () => {
    const item = legislationItem(
      'The Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions) Regulations 2024',
      'These Regulations bring the Procurement Act 2023 into force.',
    );
    expect(propose(item, 'legislation', procurement).proposals).toEqual([
      {
        commitmentId: 'procurement-bill',
        to: 'in-progress',
        rule: 'legislation-made',
        automatic: false,
        reason: 'New legislation: "The Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions) Regulations 2024" (legislation.gov.uk)',
      },
    ]);
    const ruled = { ...procurement, status: 'partly-delivered' as const, rules: [ProposalRule.parse({ when: 'legislation-made', propose: 'delivered' })] };
    expect(propose(item, 'legislation', ruled).proposals[0]).toMatchObject({ to: 'delivered', rule: 'legislation-made' });
  });

  it('never proposes the current status', () => {
    const delivered = { ...procurement, status: 'delivered' as const };
    expect(propose(billItem('Procurement', 'Royal Assent'), 'parliament-bills', delivered).proposals).toEqual([]);
    const ruled = {
      ...exportReview,
      status: 'delivered' as const,
      rules: [ProposalRule.parse({ when: 'written-statement', propose: 'delivered', automatic: true })],
    };
    const item = statement('Export Controls: Xinjiang', 'Department for Business and Trade', 'The export control review covering Xinjiang is complete.');
    expect(propose(item, 'parliament-statements', ruled).proposals).toEqual([]);
  });

  it('proposes nothing for an item that was not accepted, or from GOV.UK', () => {
    const item = statement('Export Controls: annual report', 'Department for Business and Trade', 'Export control statistics for 2023.');
    const { match, proposals } = propose(item, 'parliament-statements', { ...exportReview, status: 'not-started' });
    expect(match.accepted).toBe(false);
    expect(proposals).toEqual([]);
    // A forged accepted result for another commitment does not count either.
    const other: MatchResult = { ...match, commitmentId: 'other', accepted: true };
    expect(proposeStatuses(item, 'parliament-statements', exportReview, other)).toEqual([]);
    const govuk: FeedItem = { ...item, title: 'Export controls on Xinjiang: review complete', summary: 'Export controls and Xinjiang.' };
    const accepted = propose(govuk, 'govuk-atom', { ...exportReview, status: 'not-started' });
    expect(accepted.match.accepted).toBe(true);
    expect(accepted.proposals).toEqual([]);
  });
});

describe('overdueCommitments', () => {
  const dated = (id: string, deadlineDate: string | null, status: CommitmentRow['status']) => commitment(id, { any: ['x'] }, { deadlineDate, status });
  it('lists unsettled commitments whose deadline has passed, most overdue first', () => {
    const list = [
      dated('late', '2022-12-31', 'not-started'),
      dated('later', '2023-06-30', 'in-progress'),
      dated('done', '2022-01-01', 'delivered'),
      dated('dropped', '2022-01-01', 'abandoned'),
      dated('today', '2024-05-01', 'stalled'),
      dated('undated', null, 'not-started'),
      dated('early', '2021-12-01', 'partly-delivered'),
    ];
    expect(overdueCommitments(list, '2024-05-01').map((c) => c.id)).toEqual(['early', 'late', 'later']);
    expect(overdueCommitments(list, '2021-01-01')).toEqual([]);
  });
});
