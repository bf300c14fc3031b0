// The four kinds of miss issue 9 found in matching, one test each on the real register with items a user
// would recognise, and the rules behind them on made-up commitments; then the evaluation set's bar.
import { describe, expect, it } from 'vitest';
import type { FeedKind } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import { Matcher, type MatchResult } from '../src/match/matcher.ts';
import { baselineMatcher } from '../bench/baseline/matcher-before-issue-9.ts';
import { baselineWatch, evaluate, loadEvalSet, registerCommitments } from '../bench/match-eval.ts';
import { testCommitment as commitment } from './support/commitments.ts';

function item(title: string, more: Partial<FeedItem> = {}): FeedItem {
  return { key: title, link: 'https://www.gov.uk/government/news/x', title, summary: '', categories: [], ...more };
}
const register = new Matcher(registerCommitments());
const judge = (i: FeedItem, id: string, kind: FeedKind = 'govuk-atom'): MatchResult => register.explain(i, kind, id)!;
const acceptedBy = (m: Matcher, i: FeedItem, kind: FeedKind = 'govuk-atom') =>
  m
    .match(i, kind)
    .filter((r) => r.accepted)
    .map((r) => r.commitmentId);

describe('matching a careful reader agrees with (issue 9)', () => {
  it('1. knows a commitment’s instrument named in other words', () => {
    // Fines for not publishing a slavery and human trafficking statement ARE the section 54 penalties.
    const fines = item('Fines for firms that fail to publish a slavery and human trafficking statement', {
      summary:
        'The Home Office sets out plans for civil penalties, enforced by the Fair Work Agency, for organisations that do not meet their transparency obligations.',
      documentType: 'Press release',
    });
    expect(judge(fines, 'modern-slavery-act-financial-penalties')).toMatchObject({ accepted: true, decision: 'accepted' });
    // The Overseas Business Risk guidance republished under a new title.
    const renamed = item('Doing business in China: human rights risks linked to Xinjiang', {
      summary: 'Updated guidance for UK companies on the risk of complicity in forced labour in Xinjiang supply chains.',
      documentType: 'Guidance',
    });
    expect(judge(renamed, 'keep-overseas-business-risk-guidance-updated')).toMatchObject({ accepted: true });
    // The Act a linked bill became, on legislation.gov.uk — but not an older Act of the same name.
    const act = item('Procurement Act 2023', { summary: 'An Act to make provision about procurement.', documentType: 'UnitedKingdomPublicGeneralAct' });
    expect(judge(act, 'procurement-bill-exclude-forced-labour-suppliers', 'legislation')).toMatchObject({ accepted: true, decision: 'linked-bill' });
    const oldAct = item('Modern Slavery Act 2015', { documentType: 'UnitedKingdomPublicGeneralAct' });
    expect(judge(oldAct, 'modern-slavery-act-financial-penalties', 'legislation').accepted).toBe(false);
  });

  it('2. does not take a generic instrument without the commitment’s subject', () => {
    const guidance = item('Procurement Act 2023: guidance documents', {
      summary: 'A collection of guidance on the Procurement Act 2023 covering notices, thresholds, below-threshold contracts and transparency.',
      documentType: 'Guidance',
    });
    const r = judge(guidance, 'procurement-bill-exclude-forced-labour-suppliers');
    expect(r).toMatchObject({ accepted: false, decision: 'missing-required' });
    expect(r.matched).toEqual(['Procurement Act']);
    expect(r.reason).toMatch(/^missing required '.*exclu/);
    // With the subject, the same instrument is evidence.
    const exclusions = item('Procurement Act 2023 guidance: exclusions', {
      summary: 'Guidance on the exclusion grounds, including forced labour and modern slavery.',
    });
    expect(judge(exclusions, 'procurement-bill-exclude-forced-labour-suppliers').accepted).toBe(true);
  });

  it('3. accepts neither one word alone nor a second commitment through one shared word', () => {
    // One word, however distinctive it looks, with no required term: not enough, and `why` says so.
    const m = new Matcher([commitment('strategy', { any: ['strategy', 'modern slavery strategy'] })]);
    const alone = m.match(item('Labour Market Enforcement Strategy 2024 to 2025'), 'govuk-atom')[0]!;
    expect(alone).toMatchObject({ accepted: false, decision: 'single-word' });
    expect(alone.reason).toMatch(/^one word alone \('strategy'\)/);
    expect(acceptedBy(m, item('Modern Slavery Strategy review launched'))).toEqual(['strategy']);
    // On the register: forced labour training for Border Force is not the trade envoys' course.
    const borderForce = item('Border Force officials trained to spot victims of forced labour at ports', {
      summary: 'New training helps frontline officials identify people trafficked for forced labour.',
    });
    expect(judge(borderForce, 'forced-labour-training-for-trade-envoys').accepted).toBe(false);
    // A shared word does not attach a second commitment: PPN 02/23 is the guidance, not the Procurement Bill.
    const ppn = item('PPN 02/23: Tackling Modern Slavery in Government Supply Chains', {
      summary:
        'This Procurement Policy Note sets out how in-scope organisations should identify and manage modern slavery risks in government supply chains, including the exclusion of suppliers.',
      documentType: 'Policy paper',
    });
    expect(acceptedBy(register, ppn)).toEqual(['public-procurement-guidance-exclude-suppliers']);
  });

  it('3b. drops a commitment whose only terms another, better-matching commitment shares', () => {
    const m = new Matcher([
      commitment('un-statements', { any: ['joint statement', 'arbitrary detention'], all: ['xinjiang'] }),
      commitment('coalition', { any: ['joint statement', 'countries'], all: ['xinjiang'] }),
    ]);
    const detention = item('Joint statement on Xinjiang: end arbitrary detention');
    const results = m.match(detention, 'govuk-atom');
    expect(results.map((r) => [r.commitmentId, r.accepted, r.decision])).toEqual([
      ['un-statements', true, 'accepted'],
      ['coalition', false, 'shared-terms'],
    ]);
    expect(results[1]!.reason).toBe("only terms shared with 'un-statements', which the item fits better ('joint statement')");
    expect(m.explain(detention, 'govuk-atom', 'coalition')?.decision).toBe('shared-terms');
    // With a term of its own, the second commitment stays.
    expect(acceptedBy(m, item('Joint statement on Xinjiang by 43 countries: end arbitrary detention')).sort()).toEqual(['coalition', 'un-statements']);
  });

  it('4. does not require a subject the commitment itself does not need', () => {
    // The International Programme undertaking is about cultural and religious rights anywhere, not Xinjiang.
    const bids = item('FCDO International Programme: call for bids 2025 to 2026', {
      summary:
        'Organisations working to protect human rights, including freedom of religion or belief and the cultural and linguistic rights of minorities, are invited to bid.',
    });
    expect(judge(bids, 'fcdo-programme-bids-cultural-rights').accepted).toBe(true);
    // A name of the commitment's own instrument needs nothing beside it.
    const rcat = item('Research Collaboration Advice Team: progress made from 2022 to 2023', { summary: 'An overview of the advisory service since March 2022.' });
    expect(judge(rcat, 'keep-university-research-support-under-review')).toMatchObject({ accepted: true, decision: 'named' });
    // Harassment of diaspora communities by foreign states is the undertaking's subject, word "Uyghur" or not.
    const tnr = item('Transnational Repression Review', {
      summary: 'The defending democracy taskforce has reviewed the UK’s response to transnational repression.',
    });
    expect(judge(tnr, 'monitor-harassment-of-uyghurs-in-uk', 'parliament-statements').accepted).toBe(true);
  });

  it('says which negative term blocked an item, and what was seen', () => {
    const stats = item('Strategic export controls: licensing statistics, July to September 2024', { summary: 'Export licences issued for China and Hong Kong.' });
    const r = judge(stats, 'report-export-controls-review-to-parliament');
    expect(r).toMatchObject({ accepted: false, decision: 'excluded', reason: "excluded by 'statistic', a term that rules items out" });
    expect(r.matched).toEqual(expect.arrayContaining(['export control', 'china']));
  });
});

describe('the evaluation set (bench/fixtures/match-eval.yaml)', () => {
  const items = loadEvalSet();

  it('covers all five source kinds with positives and near-misses', () => {
    const kinds = new Set(items.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['govuk-atom', 'legislation', 'parliament-bills', 'parliament-questions', 'parliament-statements']);
    expect(items.length).toBeGreaterThanOrEqual(80);
    expect(items.filter((e) => e.expect.length === 0).length).toBeGreaterThanOrEqual(30);
    const ids = new Set(registerCommitments().map((c) => c.id));
    for (const e of items) for (const id of e.expect) expect(ids.has(id), `${e.id} expects unknown commitment ${id}`).toBe(true);
  });

  it('keeps precision and recall at 0.9 or above, where the rules before issue 9 fell short', () => {
    const now = evaluate(items, (i, k) => acceptedBy(register, i, k));
    expect(now.precision, JSON.stringify(now.falsePositives)).toBeGreaterThanOrEqual(0.9);
    expect(now.recall, JSON.stringify(now.falseNegatives)).toBeGreaterThanOrEqual(0.9);
    const heldOut = evaluate(
      items.filter((e) => e.split === 'held-out'),
      (i, k) => acceptedBy(register, i, k),
    );
    expect(heldOut.precision).toBeGreaterThanOrEqual(0.9);
    expect(heldOut.recall).toBeGreaterThanOrEqual(0.9);
    // The bar is one the old rules do not clear: this test fails if matching regresses to them.
    const before = evaluate(items, baselineMatcher(baselineWatch()));
    expect(Math.min(before.precision, before.recall)).toBeLessThan(0.9);
  });
});
