// The register's data: the never-again-xinjiang seed files are valid, complete and faithful to the
// Government Response they were built from (a copy of which is test/fixtures/government-response.txt):
// the normaliser, the files, the manifest and the recommendations. The commitments are checked in
// seed-commitments.test.ts, the watch terms in seed-watch-terms.test.ts.
import { describe, expect, it } from 'vitest';
import {
  source,
  manifestResult,
  recommendationsResult,
  commitmentsResult,
  data,
  normalise,
  normalSource,
  inSource,
  quotedPhrases,
  HEADINGS,
  range,
  EXPECTED_THEMES,
} from './support/seed-register.ts';

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
