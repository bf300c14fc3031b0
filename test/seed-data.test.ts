// The register's data: the never-again-xinjiang seed files are valid, complete and faithful to the
// Government Response they were built from (a copy of which is test/fixtures/government-response.txt).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommitmentSeed, RecommendationSeed, RegisterManifest, type FeedKind, type WatchTerms } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import { Matcher } from '../src/match/matcher.ts';
import { seedCommitmentRow } from './support/commitments.ts';

const registerDir = new URL('../seeds/registers/never-again-xinjiang/', import.meta.url);
const readYaml = (name: string): unknown => parse(readFileSync(new URL(name, registerDir), 'utf8'));
const source = readFileSync(new URL('./fixtures/government-response.txt', import.meta.url), 'utf8');

const manifestResult = RegisterManifest.safeParse(readYaml('register.yaml'));
const recommendationsResult = z.strictObject({ recommendations: z.array(RecommendationSeed) }).safeParse(readYaml('recommendations.yaml'));
const commitmentsResult = z.strictObject({ commitments: z.array(CommitmentSeed) }).safeParse(readYaml('commitments.yaml'));

/** The parsed data; fails the calling test (with the schema's reasons) if a file did not validate. */
function data() {
  if (!manifestResult.success) throw new Error(`register.yaml: ${manifestResult.error.message}`);
  if (!recommendationsResult.success) throw new Error(`recommendations.yaml: ${recommendationsResult.error.message}`);
  if (!commitmentsResult.success) throw new Error(`commitments.yaml: ${commitmentsResult.error.message}`);
  return {
    manifest: manifestResult.data,
    recommendations: recommendationsResult.data.recommendations,
    commitments: commitmentsResult.data.commitments,
  };
}

/**
 * Makes two texts comparable: typographic quotes, apostrophes and dashes become their plain forms, and
 * every run of whitespace (line breaks included) becomes one space. Nothing else is changed.
 */
function normalise(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const normalSource = normalise(source);
const inSource = (text: string) => normalSource.includes(normalise(text));

/** The phrases a text quotes in straight double quotes. */
const quotedPhrases = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');

const HEADINGS = [
  'The Multilateral System',
  'Diaspora and Culture',
  'Forced labour and the private sector',
  'Technology and research',
  'The UK’s approach to atrocity prevention',
];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const EXPECTED_THEMES = [
  { name: HEADINGS[0], recommendations: range(1, 13) },
  { name: HEADINGS[1], recommendations: range(14, 18) },
  { name: HEADINGS[2], recommendations: range(19, 27) },
  { name: HEADINGS[3], recommendations: range(28, 30) },
  { name: HEADINGS[4], recommendations: range(31, 36) },
];

describe('the normaliser', () => {
  it('unifies quotes, apostrophes, dashes and whitespace, and nothing else', () => {
    expect(normalise('  The UK’s “Never  Again”\n\nreport – 2021—22 ‘x’ ')).toBe("The UK's \"Never Again\" report - 2021-22 'x'");
    expect(normalise('We will')).not.toBe(normalise('We shall'));
    expect(normalise('Parliamentary')).not.toBe(normalise('parliamentary'));
  });

  it('does not find words the Government did not write', () => {
    expect(inSource('DIT will report back to Parliament at the conclusion of its current review.')).toBe(true);
    expect(inSource('DIT will report back to Parliament before the conclusion of its current review.')).toBe(false);
    expect(inSource('we will introduce these measures as soon as Parliamentary time allows')).toBe(true);
    expect(inSource('we will introduce these measures as soon as possible')).toBe(false);
  });
});

describe('the seed files', () => {
  it('validate against the domain schemas', () => {
    expect(manifestResult.error?.issues ?? []).toEqual([]);
    expect(recommendationsResult.error?.issues ?? []).toEqual([]);
    expect(commitmentsResult.error?.issues ?? []).toEqual([]);
  });

  it('use the fixture that is an exact copy of the primary source', () => {
    expect(source.startsWith('Never Again: The UK’s Responsibility to Act on Atrocities in Xinjiang and Beyond: Government Response')).toBe(true);
    expect(source).toContain('The Government’s response was received on 1 November 2021');
    expect(source).toContain('Published: 14 November 2021');
  });
});

describe('the register manifest', () => {
  it('names the committee report and the Government response with their papers and dates', () => {
    const { manifest } = data();
    expect(manifest.id).toBe('never-again-xinjiang');
    expect(manifest.committee).toBe('Foreign Affairs Committee');
    const report = manifest.documents.find((d) => d.id === 'report');
    const response = manifest.documents.find((d) => d.id === 'response');
    expect(report).toMatchObject({ kind: 'committee-report', paperNumber: 'HC 198', session: '2021–22', published: '2021-07-08' });
    expect(response).toMatchObject({ kind: 'government-response', paperNumber: 'HC 840', received: '2021-11-01', published: '2021-11-14' });
  });

  it('gives the five section headings of the response as themes, with their ranges', () => {
    const { manifest } = data();
    expect(manifest.themes).toEqual(EXPECTED_THEMES);
    const lines = source.split('\n').map((l) => l.trim());
    for (const heading of HEADINGS) expect(lines, heading).toContain(heading);
  });
});

describe('the recommendations', () => {
  it('are numbered 1 to 36 in order, with no gaps or duplicates', () => {
    const { recommendations } = data();
    expect(recommendations.map((r) => r.number)).toEqual(range(1, 36));
  });

  it('each carry the theme whose range holds their number', () => {
    const { manifest, recommendations } = data();
    const wrong = recommendations.filter((r) => {
      const theme = manifest.themes?.find((t) => t.recommendations.includes(r.number));
      return !HEADINGS.includes(r.theme) || theme?.name !== r.theme;
    });
    expect(wrong.map((r) => `${r.number}: ${r.theme}`)).toEqual([]);
  });

  it('quote the Committee verbatim, under the right number', () => {
    const { recommendations } = data();
    const missing = recommendations.filter((r) => !inSource(`Recommendation ${r.number}\n${r.text}`));
    expect(missing.map((r) => r.number)).toEqual([]);
  });

  it('quote each answer verbatim and in full, directly after its recommendation or its combined heading', () => {
    const { recommendations } = data();
    const problems: string[] = [];
    const nextHeading = new RegExp(`^(Recommendation \\d+|${HEADINGS.map(normalise).join('|')}|Published:)`);
    for (const r of recommendations) {
      if (r.response === undefined) continue;
      const answer = normalise(r.response);
      const at = normalSource.indexOf(answer);
      if (at < 0) {
        problems.push(`${r.number}: answer not found in the source`);
        continue;
      }
      const before = normalSource.slice(0, at).trimEnd();
      const after = normalSource.slice(at + answer.length).trimStart();
      const combined = /Combined response to Recommendations ([\d, and]+)\.?$/.exec(before);
      const follows = before.endsWith(normalise(r.text)) || (combined?.[1]?.match(/\d+/g) ?? ([] as string[])).includes(String(r.number));
      if (!follows) problems.push(`${r.number}: answer is not the one printed for this recommendation`);
      if (!nextHeading.test(after)) problems.push(`${r.number}: answer stops short; the source goes on "${after.slice(0, 60)}"`);
    }
    expect(problems).toEqual([]);
  });

  it('share the combined answers exactly as the response does: 2–4, 16–17 and 32–33', () => {
    const { recommendations } = data();
    const shared = Object.fromEntries(recommendations.filter((r) => r.responseSameAs !== undefined).map((r) => [r.number, r.responseSameAs]));
    expect(shared).toEqual({ 3: 2, 4: 2, 17: 16, 33: 32 });
    const byNumber = new Map(recommendations.map((r) => [r.number, r]));
    for (const [n, target] of Object.entries(shared)) {
      expect(byNumber.get(Number(target))?.response, `recommendation ${n} points to ${target}`).toBeTruthy();
      // The source says so too: the recommendation is followed by a pointer to, or the heading of, the shared answer.
      const text = normalise(byNumber.get(Number(n))?.text ?? '');
      const after = normalSource.slice(normalSource.indexOf(text) + text.length).trimStart();
      const pointer = /^(?:See combined response to|Combined response to) Recommendations ([\d, and]+)/.exec(after);
      expect(pointer?.[1]?.match(/\d+/g), `recommendation ${n}`).toEqual(expect.arrayContaining([String(target), n]));
    }
  });

  it('justify each position with the response’s own words', () => {
    const { recommendations } = data();
    const problems: string[] = [];
    for (const r of recommendations) {
      const phrases = quotedPhrases(r.rationale);
      if (phrases.length === 0) problems.push(`${r.number}: the rationale quotes nothing`);
      for (const p of phrases) if (!inSource(p)) problems.push(`${r.number}: "${p}" is not in the response`);
      if (r.position === 'accepted-in-part' && !(/accept/i.test(r.rationale) && /\bnot\b|declin/i.test(r.rationale))) {
        problems.push(`${r.number}: an accepted-in-part rationale must say which part is accepted and which is not`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('classify the answers a reader would check first as the response words them', () => {
    const position = (n: number) => data().recommendations.find((r) => r.number === n)?.position;
    expect(position(3)).toBe('accepted'); // "we accept recommendation 3"
    expect(position(7)).toBe('not-accepted'); // "we are therefore unable to accept this recommendation"
    expect(position(15)).toBe('not-accepted'); // "We do not currently have plans to implement a fast track"
    expect(position(20)).toBe('accepted-in-part'); // penalties yes, due-diligence duty no
    expect(position(22)).toBe('accepted-in-part'); // training yes, grading system no
    expect(position(36)).toBe('accepted'); // "We accept this recommendation and commit to funding"
    expect(position(11)).toBe('noted'); // "has not made any decisions"
  });

  it('keep the tally of positions this register has settled on (update it when reclassifying deliberately)', () => {
    const tally: Record<string, number> = {};
    for (const r of data().recommendations) tally[r.position] = (tally[r.position] ?? 0) + 1;
    expect(tally).toEqual({ accepted: 8, 'accepted-in-part': 6, noted: 10, 'not-accepted': 12 });
  });

  it('name departments by their names today', () => {
    const { recommendations, commitments } = data();
    const former = [
      'Department for International Trade',
      'Department for Business, Energy and Industrial Strategy',
      'Department for Digital, Culture, Media and Sport',
      'Department for International Development',
      'Foreign and Commonwealth Office',
    ];
    const used = [...recommendations.flatMap((r) => r.departments), ...commitments.map((c) => c.department)];
    expect(used.filter((d) => former.includes(d))).toEqual([]);
  });
});

describe('the commitments', () => {
  it('have unique, slug-shaped ids', () => {
    const { commitments } = data();
    const ids = commitments.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('number between 15 and 30, as the response’s undertakings do', () => {
    const n = data().commitments.length;
    expect(n).toBeGreaterThanOrEqual(15);
    expect(n).toBeLessThanOrEqual(30);
  });

  it('point to recommendations that exist, and were made in a document of the register on the day it was received', () => {
    const { manifest, recommendations, commitments } = data();
    const numbers = new Set(recommendations.map((r) => r.number));
    const documents = new Map(manifest.documents.map((d) => [d.id, d]));
    const problems: string[] = [];
    for (const c of commitments) {
      for (const n of c.recommendations) if (!numbers.has(n)) problems.push(`${c.id}: no recommendation ${n}`);
      const doc = documents.get(c.madeIn);
      if (!doc) problems.push(`${c.id}: madeIn "${c.madeIn}" is not a document of the register`);
      else if (c.madeOn !== (doc.received ?? doc.published)) problems.push(`${c.id}: madeOn ${c.madeOn} is not the date of ${doc.id}`);
    }
    expect(problems).toEqual([]);
  });

  it('quote the Government verbatim, from the answer to one of their recommendations', () => {
    const { recommendations, commitments } = data();
    const byNumber = new Map(recommendations.map((r) => [r.number, r]));
    const answer = (n: number) => {
      const r = byNumber.get(n);
      return r?.response ?? byNumber.get(r?.responseSameAs ?? -1)?.response ?? '';
    };
    const problems: string[] = [];
    for (const c of commitments) {
      if (!inSource(c.quote)) problems.push(`${c.id}: quote not in the response`);
      else if (!c.recommendations.some((n) => normalise(answer(n)).includes(normalise(c.quote)))) {
        problems.push(`${c.id}: quote is not from the answer to recommendation ${c.recommendations.join(', ')}`);
      }
      for (const p of quotedPhrases(c.statusReason)) if (!inSource(p)) problems.push(`${c.id}: statusReason quotes "${p}", which is not in the response`);
    }
    expect(problems).toEqual([]);
  });

  it('keep a department’s old name only where it changed, and deadlines in the words used', () => {
    const { commitments } = data();
    for (const c of commitments) {
      if (c.originalDepartment !== undefined) expect(c.originalDepartment, c.id).not.toBe(c.department);
      if (c.deadline?.text) expect(inSource(c.deadline.text), `${c.id}: deadline "${c.deadline.text}"`).toBe(true);
    }
  });

  it('record later events in date order, after the response, each with a reason and a source', () => {
    const { commitments } = data();
    for (const c of commitments) {
      const dates = c.history.map((h) => h.at);
      expect(dates, c.id).toEqual([...dates].sort());
      for (const h of c.history) {
        expect(h.at > c.madeOn, `${c.id} ${h.at}`).toBe(true);
        expect(h.evidence.length, `${c.id} ${h.at}`).toBeGreaterThan(0);
      }
    }
  });

  it('include the export controls review: DIT, now the Department for Business and Trade, reporting back to Parliament', () => {
    const matches = data().commitments.filter((c) => c.quote.includes('report back to Parliament'));
    expect(matches).toHaveLength(1);
    const c = matches[0]!;
    expect(c.department).toBe('Department for Business and Trade');
    expect(c.originalDepartment).toBe('Department for International Trade');
    expect(c.recommendations).toContain(19);
    expect(c.deadline?.text).toBe('at the conclusion of its current review');
    expect(c.deadline?.date).toBeUndefined();
    expect(c.rules).toContainEqual({ when: 'written-statement', propose: 'delivered', automatic: false });
  });

  it('include the Modern Slavery Act penalties, due "as soon as Parliamentary time allows"', () => {
    const c = data().commitments.find((x) => x.id === 'modern-slavery-act-financial-penalties');
    expect(c?.quote).toContain('financial penalties');
    expect(c?.department).toBe('Home Office');
    expect(c?.deadline?.text).toBe('as soon as Parliamentary time allows');
    expect(c?.deadline?.date).toBeUndefined();
    expect(c?.rules).toContainEqual({ when: 'royal-assent', propose: 'delivered', automatic: false });
  });

  it('include the undertakings a reader would look for', () => {
    const { commitments } = data();
    const quoting = (phrase: string) => commitments.filter((c) => c.quote.includes(phrase)).map((c) => c.id);
    expect(quoting('one-day training course')).toHaveLength(1);
    expect(quoting('further consultation with the Uyghur community')).toHaveLength(1);
    expect(quoting('raise our concerns with our UNESCO partners')).toHaveLength(1);
    expect(quoting('commit to funding further valuable research')).toHaveLength(1);
    expect(quoting('Public Procurement Bill')).toHaveLength(1);
    expect(quoting('review of the Modern Slavery Strategy')).toHaveLength(1);
    expect(quoting('press the ILO')).toHaveLength(1);
    expect(quoting('keep our guidance updated')).toHaveLength(1);
    const training = commitments.find((c) => c.quote.includes('one-day training course'));
    expect(training?.department).toBe('Department for Business and Trade');
    expect(training?.originalDepartment).toBe('Department for International Trade');
  });

  it('include the undertaking of recommendation 20 on what modern slavery statements must cover, verbatim', () => {
    const c = data().commitments.find((x) => x.id === 'modern-slavery-statements-mandatory-reporting-areas');
    expect(c?.quote).toBe(
      'Under the new measures, businesses and public sector bodies will be required to report on specific areas in their modern slavery statements.',
    );
    expect(c?.recommendations).toEqual([20]);
    expect(c?.department).toBe('Home Office');
    expect(c?.history.at(-1)?.to).toBe('stalled');
  });

  it('are true today: what the public record shows since the response (issue 9), each with its source', () => {
    const byId = new Map(data().commitments.map((c) => [c.id, c]));
    const latest = (id: string) => byId.get(id)?.history.at(-1);
    // Announced in the 2022 Queen's Speech, never introduced, still "under review" in December 2024.
    expect(latest('modern-slavery-act-financial-penalties')).toMatchObject({ at: '2024-12-16', to: 'stalled' });
    expect(byId.get('modern-slavery-act-financial-penalties')?.history.map((h) => h.to)).toEqual(['in-progress', 'stalled']);
    // The conflict centre became the Office for Conflict, Stabilisation and Mediation.
    expect(latest('announce-fcdo-conflict-centre-details')).toMatchObject({
      at: '2022-05-24',
      to: 'delivered',
      evidence: ['https://committees.parliament.uk/oralevidence/10329/html/'],
    });
    // No new Modern Slavery Strategy we could source: unclear, not invented.
    expect(latest('review-modern-slavery-strategy')?.to).toBe('unclear');
    // Departments as they are today, with the one that made the commitment.
    expect(byId.get('keep-university-research-support-under-review')).toMatchObject({
      department: 'Department for Science, Innovation and Technology',
      originalDepartment: 'Department for Business, Energy and Industrial Strategy',
    });
    expect(byId.get('monitor-harassment-of-uyghurs-in-uk')).toMatchObject({
      department: 'Home Office',
      originalDepartment: 'Foreign, Commonwealth and Development Office',
    });
    const positions = new Map(data().recommendations.map((r) => [r.number, r.position]));
    expect(positions.get(19)).toBe('accepted-in-part');
    expect(positions.get(29)).toBe('noted');
  });

  it('treat every "we will continue to…" of the response the same way: an undertaking when it names what will be done and through what', () => {
    // Each such sentence is in a commitment's quote, or is the same undertaking as one (another answer
    // saying it again), or names no body, channel, policy or product a public record could show at work.
    const sameUndertakingAs: Record<string, string> = {
      'We will continue to fund similar research.': 'fund-xinjiang-research',
      'We will also continue to use a range of other diplomatic tools': 'intervene-against-deportation-of-uyghurs',
      'however we will continue to keep all listings under review.': 'coordinate-xinjiang-sanctions-with-allies',
      'We will continue to keep these measures under review.': 'keep-overseas-business-risk-guidance-updated',
    };
    const notUndertakings = [
      // Pressure "with our international partners", naming no forum, body or product.
      'We will continue to act with our international partners to increase the pressure on China to change its behaviour.',
      'We will continue to work closely with our partners on this matter.',
      // The G7's intention, not the Government's undertaking.
      'the G7 will continue to stand up for shared values',
    ];
    const { commitments } = data();
    const ids = new Set(commitments.map((c) => c.id));
    const sentences = source.split(/(?<=[.!?])\s+|\n+/).filter((x) => /\bwill (?:also )?continue to\b/.test(x));
    expect(sentences.length).toBeGreaterThan(20);
    const unexplained: string[] = [];
    for (const sentence of sentences) {
      const quoted = commitments.some((c) => normalise(c.quote).includes(normalise(sentence)));
      const same = Object.entries(sameUndertakingAs).find(([fragment]) => normalise(sentence).includes(normalise(fragment)));
      if (same) expect(ids.has(same[1]), same[1]).toBe(true);
      const excluded = notUndertakings.some((fragment) => normalise(sentence).includes(normalise(fragment)));
      if (!quoted && !same && !excluded) unexplained.push(sentence);
      if (quoted && excluded) unexplained.push(`both quoted and excluded: ${sentence}`);
    }
    expect(unexplained).toEqual([]);
  });

  it('make only editor-confirmed proposals (no automatic rules)', () => {
    for (const c of data().commitments) for (const r of c.rules) expect(r.automatic, c.id).toBe(false);
  });
});

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
