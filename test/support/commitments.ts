// Test helpers: commitments as the Matcher and the proposals see them (CommitmentRow), either made up
// for a test or converted from the real register's seed.
import type { z } from 'zod';
import { effectiveDeadline, ProposalRule, WatchTerms, type CommitmentSeed } from '../../src/domain.ts';
import type { CommitmentRow } from '../../src/store/register-store.ts';

/** A made-up commitment with the given watch terms; `extra` overrides any field, rules in their YAML form. */
export function testCommitment(
  id: string,
  watch: z.input<typeof WatchTerms>,
  extra: Partial<Omit<CommitmentRow, 'rules'>> & { rules?: z.input<typeof ProposalRule>[] } = {},
): CommitmentRow {
  const { rules = [], ...rest } = extra;
  return {
    id,
    registerId: 'test',
    title: id,
    quote: 'We will.',
    status: 'not-started',
    department: 'Home Office',
    originalDepartment: null,
    recommendations: [1],
    madeIn: 'response',
    madeOn: '2021-11-01',
    deadline: null,
    deadlineDate: null,
    watch: WatchTerms.parse(watch),
    ...rest,
    rules: rules.map((r) => ProposalRule.parse(r)),
  };
}

/** A seeded commitment as the store would hold it: its status is the latest in its history. */
export function seedCommitmentRow(s: CommitmentSeed, registerId = 'never-again-xinjiang'): CommitmentRow {
  return {
    id: s.id,
    registerId,
    title: s.title,
    quote: s.quote,
    status: [...s.history].sort((a, b) => a.at.localeCompare(b.at)).at(-1)?.to ?? s.status,
    department: s.department,
    originalDepartment: s.originalDepartment ?? null,
    recommendations: s.recommendations,
    madeIn: s.madeIn,
    madeOn: s.madeOn,
    deadline: s.deadline ?? null,
    deadlineDate: effectiveDeadline(s.deadline) ?? null,
    watch: s.watch,
    rules: s.rules,
  };
}
