// The register's watch terms (never-again-xinjiang): a reference reading of them, and the tuned terms
// through the real Matcher.
import { describe, expect, it } from 'vitest';
import { type FeedKind, type WatchTerms } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import { Matcher } from '../src/match/matcher.ts';
import { seedCommitmentRow } from './support/commitments.ts';
import { data } from './support/seed-register.ts';

/**
 * A reference reading of the watch terms as src/domain.ts documents them: a term matches
 * case-insensitively where a word starts ("penalt" finds "penalties"); an item matches when any
 * `any` term, some alternative of every `all` group and no `none` term appear.
 */
function termMatches(term: string, text: string): boolean {
  const words = term
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join('\\s+')}`, 'iu').test(text);
}
function watchMatches(watch: WatchTerms, text: string): boolean {
  return (
    watch.any.some((t) => termMatches(t, text)) &&
    watch.all.every((group) => group.split('|').some((t) => termMatches(t, text))) &&
    !watch.none.some((t) => termMatches(t, text))
  );
}

describe('the watch terms', () => {
  const matching = (title: string) =>
    data()
      .commitments.filter((c) => watchMatches(c.watch, title))
      .map((c) => c.id);

  it('read word starts, case-insensitively (the reference matcher itself)', () => {
    expect(termMatches('penalt', 'Financial PENALTIES announced')).toBe(true);
    expect(termMatches('import control', 'New import controls')).toBe(true);
    expect(termMatches('ILO', 'The Chilo project')).toBe(false);
  });

  it.each([
    ['Export control review: findings on Xinjiang', 'report-export-controls-review-to-parliament'],
    ['Modern Slavery Act: financial penalties for transparency breaches', 'modern-slavery-act-financial-penalties'],
    ['Procurement Act 2023 receives Royal Assent', 'procurement-bill-exclude-forced-labour-suppliers'],
    ['PPN 02/23: Tackling Modern Slavery in Government Supply Chains', 'public-procurement-guidance-exclude-suppliers'],
    ['Overseas Business Risk: China', 'keep-overseas-business-risk-guidance-updated'],
    ['UK sanctions senior Xinjiang officials over human rights violations', 'coordinate-xinjiang-sanctions-with-allies'],
    ['Country policy and information note: Muslims, including Uyghurs in Xinjiang, China', 'keep-uyghur-asylum-policy-under-review'],
    ['ILO Conference discusses forced labour in Xinjiang', 'press-ilo-on-xinjiang-forced-labour'],
  ])('find "%s" for %s', (title, id) => {
    expect(matching(title)).toContain(id);
  });

  it.each([
    'Foreign Secretary visits China to discuss trade and climate',
    'UK-China Joint Economic and Trade Commission: joint statement',
    'China travel advice updated',
    'Chinese ambassador summoned over cyber attack',
    'Modern Slavery Act: statutory guidance updated',
    'Export controls on Russia tightened',
  ])('ignore a general item: "%s"', (title) => {
    expect(matching(title)).toEqual([]);
  });
});

// The tuned watch terms, through the real Matcher: headlines a review found matched too much (or too
// little), each as the feeds would give it.
describe('the watch terms, through the Matcher', () => {
  const matcher = () => new Matcher(data().commitments.map((s) => seedCommitmentRow(s)));
  const item = (title: string, more: Partial<FeedItem> = {}): FeedItem => ({
    key: `/government/news/${title.toLowerCase().replace(/\W+/g, '-')}`,
    link: 'https://www.gov.uk/government/news/x',
    title,
    summary: '',
    categories: [],
    ...more,
  });
  const accepted = (i: FeedItem, kind: FeedKind = 'govuk-atom') =>
    matcher()
      .match(i, kind)
      .filter((r) => r.accepted)
      .map((r) => r.commitmentId);

  it('accepts financial penalties under the Modern Slavery Act for the penalties commitment', () => {
    expect(
      accepted(
        item('Modern Slavery Act: financial penalties for organisations that fail to publish statements', {
          summary: 'The Home Office sets out plans to fine organisations that breach section 54 of the Act.',
          categories: ['Press release'],
        }),
      ),
    ).toContain('modern-slavery-act-financial-penalties');
  });

  it.each<[string, FeedItem, FeedKind]>([
    [
      'National Referral Mechanism statistics',
      item('National Referral Mechanism statistics: quarter 3', {
        summary: 'Statistics on potential victims of modern slavery referred to the National Referral Mechanism, and on enforcement.',
        categories: ['Official Statistics'],
        department: 'Home Office',
      }),
      'govuk-atom',
    ],
    [
      'a billion-pound funding announcement',
      item('£1 billion to tackle modern slavery', { summary: 'New funding to support victims of modern slavery.', categories: ['Press release'] }),
      'govuk-atom',
    ],
    [
      'an unrelated modern slavery bill',
      item('Modern Slavery (Victim Support) Bill', {
        key: 'https://bills.parliament.uk/bills/9999/stages/1',
        link: 'https://bills.parliament.uk/bills/9999',
        billTitle: 'Modern Slavery (Victim Support) Bill',
        summary: 'A Bill to make provision about support for victims of modern slavery.',
        categories: ['1st reading'],
      }),
      'parliament-bills',
    ],
  ])('does not accept %s for the penalties commitment', (_what, i, kind) => {
    expect(accepted(i, kind)).not.toContain('modern-slavery-act-financial-penalties');
  });

  it('wants a risk, not just research collaboration, for the university research commitment', () => {
    expect(accepted(item('UKRI announces research collaboration funding', { categories: ['News story'] }))).not.toContain(
      'keep-university-research-support-under-review',
    );
    expect(accepted(item('Universities warned of security risks in research collaboration with China', { categories: ['News story'] }))).toContain(
      'keep-university-research-support-under-review',
    );
  });

  it('matches nothing for a Universities UK item about student visas', () => {
    expect(
      accepted(
        item('Universities UK: student visa statistics', { summary: 'Figures on international student visa applications.', categories: ['Official Statistics'] }),
      ),
    ).toEqual([]);
  });

  it('wants consultation, not just a Uyghur community story, for the consultation commitment', () => {
    expect(accepted(item('Uyghur community marks new year in London', { categories: ['News story'] }))).not.toContain('consult-uyghur-community');
    expect(accepted(item('Minister holds roundtable with Uyghur community representatives', { categories: ['News story'] }))).toContain('consult-uyghur-community');
  });

  it('reads a singular import for the G7 import policy commitment', () => {
    expect(accepted(item('Government rules out import ban on goods linked to Xinjiang forced labour'))).toContain(
      'g7-forced-labour-supply-chains-and-import-policy',
    );
    expect(accepted(item('Import restrictions on cotton made with forced labour'))).toContain('g7-forced-labour-supply-chains-and-import-policy');
  });
});
