// The importer's splitter and classifier on the hard cases of Government Responses, in plain text.
import { describe, expect, it } from 'vitest';
import { blocksFromText } from '../src/import/blocks.ts';
import { classifyAnswer } from '../src/import/classify.ts';
import { draftRegister } from '../src/import/draft.ts';
import { score } from '../src/import/evaluate.ts';
import { findUndertakings } from '../src/import/undertakings.ts';

// One paragraph a line, as some copies are; titles on the marker's line; a subjunctive recommendation;
// the last answer running to the end of the document.
const RESPONSE = [
  'Safer Roads: Government Response to the Committee’s First Report',
  'The Transport Safety Committee published its First Report of Session 2024–25, Safer Roads (HC 101), on 3 February 2025. The Government’s response was received on 2 April 2025.',
  'Speed',
  'Recommendation 1: Average speed cameras',
  'That the Department fund average speed cameras on every rural A road with a casualty rate above the national average.',
  'Government response',
  'Partially accepted. The Department for Transport will fund cameras on the 50 roads with the highest casualty rates by March 2026. We do not agree that every such road needs them.',
  'Recommendation 2: Default limits',
  'The Government should lower the default limit on rural single carriageways to 50 mph.',
  'Government response',
  'The Government does not accept this recommendation. Local highway authorities already have the power to set lower limits where they are needed.',
  'Recommendation 2A: Tractors', // not a marker: numbers run in order
  'Noted',
  'Enforcement',
  'Recommendation 3: Roads policing',
  'The Home Office should publish the number of dedicated roads policing officers in each force every year.',
  'Government response',
  'See the response to recommendation 1.',
  'Recommendation 4: A roads safety investigation branch',
  'The Government should establish a Road Safety Investigation Branch.',
  'Government response',
  'We agree with this recommendation.',
  'The Department for Transport will consult on the branch’s powers later this year, and we will introduce legislation as soon as Parliamentary time allows.',
  'It will be independent of the Department.',
  ...Array.from({ length: 16 }, (_, i) => `Note ${i + 1} on the Department’s existing road safety statistics, which are published every year.`),
].join('\n');

describe('splitting a response', () => {
  const draft = draftRegister(blocksFromText(RESPONSE), { today: '2025-06-01' });

  it('finds each recommendation with its title left out of its text, its answer, its theme and shared answers', () => {
    expect(draft.recommendations.map((r) => [r.number, r.theme, r.responseSameAs ?? null])).toEqual([
      [1, 'Speed', null],
      [2, 'Speed', null],
      [3, 'Enforcement', 1],
      [4, 'Enforcement', null],
    ]);
    expect(draft.recommendations[0]?.text).toBe(
      'That the Department fund average speed cameras on every rural A road with a casualty rate above the national average.',
    );
    expect(draft.recommendations[0]?.response).toMatch(/^Partially accepted\./);
    // The last answer runs to the end of the document.
    expect(draft.recommendations[3]?.response).toMatch(/Note 16 on the Department’s existing road safety statistics, which are published every year\.$/);
    expect(draft.manifest).toMatchObject({ title: 'Safer Roads', committee: 'Transport Safety Committee' });
    expect(draft.manifest.documents).toMatchObject([
      { id: 'report', paperNumber: 'HC 101', session: '2024–25', published: '2025-02-03' },
      { id: 'response', received: '2025-04-02' },
    ]);
  });

  it('classifies from the answer’s own words', () => {
    expect(draft.recommendations.map((r) => r.position)).toEqual(['accepted-in-part', 'not-accepted', 'accepted-in-part', 'accepted']);
    expect(draft.recommendations[1]?.rationale).toBe('The answer says "The Government does not accept this recommendation.".');
    // A one-word answer last before a heading is still the answer's end, not a heading.
    expect(draft.recommendations[1]?.response).toMatch(/\nNoted$/);
  });

  it('finds undertakings with their department and deadline as stated, and not descriptions', () => {
    expect(draft.commitments.map((c) => [c.recommendations, c.department, c.deadline?.text, c.deadline?.date])).toEqual([
      [[1, 3], 'Department for Transport', 'by March 2026', '2026-03-31'],
      [[4], 'Department for Transport', 'later this year', undefined],
    ]);
    expect(draft.commitments[1]?.quote).toContain('we will introduce legislation as soon as Parliamentary time allows');
  });
});

describe('answers shared forward and answers missing', () => {
  const doc = (see: string) =>
    [
      'Rural Buses: Government Response',
      'Recommendation 1',
      'The Department should fund demand-responsive services.',
      see,
      'Recommendation 2',
      'The Department should review the bus services grant.',
      'We accept this recommendation. The Department for Transport will review the grant by the end of 2026.',
    ].join('\n\n');

  it('"see the response to recommendation 2 below" links to the answer printed later, and its undertakings serve both', () => {
    const draft = draftRegister(blocksFromText(doc('See the response to recommendation 2 below.')), { today: '2025-06-01' });
    expect(draft.recommendations[0]).toMatchObject({ number: 1, responseSameAs: 2, position: 'accepted' });
    expect(draft.recommendations[0]?.response).toBeUndefined();
    expect(draft.commitments.map((c) => c.recommendations)).toEqual([[1, 2]]);
  });

  it('a one-line answer "Agreed in full" is the answer, not a heading (which left it out and gave recommendation 1 the next answer)', () => {
    const draft = draftRegister(blocksFromText(doc('Agreed in full')), { today: '2025-06-01' });
    expect(draft.recommendations.map((r) => [r.response, r.responseSameAs, r.position])).toEqual([
      ['Agreed in full', undefined, 'accepted'],
      ['We accept this recommendation. The Department for Transport will review the grant by the end of 2026.', undefined, 'accepted'],
    ]);
  });

  it('a pointer to an answer that is not in the document is reported, not passed off as an answer', () => {
    const draft = draftRegister(blocksFromText(doc('See the response to recommendation 7.')), { today: '2025-06-01' });
    expect(draft.warnings).toContain('recommendation 1: it points to the response to recommendation 7, and no answer was found there');
    expect(draft.recommendations[0]?.confidence).toBe('low');
  });
});

describe('classifying an answer', () => {
  it('a refusal outweighs an unrelated undertaking; a promise to keep under review is only noted', () => {
    expect(classifyAnswer(['We do not currently have plans to appoint an envoy. We will publish the strategy in the spring.'], 1).position).toBe('not-accepted');
    expect(classifyAnswer(['We will continue to keep this under review.'], 1).position).toBe('noted');
    expect(classifyAnswer(['Nothing is said here about it at all.'], 1)).toMatchObject({ position: 'noted', confidence: 'low' });
  });

  it('an acceptance that does not give what was asked is in part: asked when, answered with no date', () => {
    const asked = 'Inform the Committee of when the Department will publish the review’s findings.';
    const untimed = classifyAnswer(['The review is under way. The Department will report to Parliament at the conclusion of the review.'], 1, [], asked);
    expect(untimed).toMatchObject({ position: 'accepted-in-part', confidence: 'medium' });
    expect(untimed.rationale).toContain('"The Department will report to Parliament at the conclusion of the review."');
    expect(
      classifyAnswer(['We accept this recommendation and will set out our plans in due course.'], 1, [], 'Publish a timetable for the strategy.').position,
    ).toBe('accepted-in-part');
    // A date given, or no time asked for, is a full acceptance.
    expect(classifyAnswer(['The Department will report to Parliament by March 2026.'], 1, [], asked).position).toBe('accepted');
    expect(classifyAnswer(['We accept this recommendation. We expect to publish the findings in March 2027.'], 1, [], asked).position).toBe('accepted');
    expect(classifyAnswer(['The review began in July 2020. We accept this recommendation.'], 1, [], asked).position).toBe('accepted-in-part');
    expect(classifyAnswer(['We accept this recommendation.'], 1, [], 'Share intelligence with companies when appropriate to do so.').position).toBe('accepted');
  });

  it('judging current arrangements appropriate, with the approach kept under review, is noted; with "no plans" it is a refusal', () => {
    const kept = classifyAnswer(
      ['The guidance was published last year. We judge that these measures are currently appropriate, however we will keep our approach under review.'],
      1,
    );
    expect(kept).toMatchObject({ position: 'noted', confidence: 'medium' });
    expect(kept.rationale).toContain('"We judge that these measures are currently appropriate');
    expect(classifyAnswer(['The threshold remained appropriate. We do not have plans to reduce it.'], 1).position).toBe('not-accepted');
    expect(classifyAnswer(['It would not be appropriate to extend the scheme.'], 1).position).toBe('not-accepted');
  });

  it('reads "will not" and "would" as no undertaking', () => {
    expect(findUndertakings(['We will not introduce a register. If asked, we would consider it.'], [1])).toEqual([]);
  });
});

describe('scoring a draft against a reviewed register', () => {
  const rec = { number: 1, theme: 'T', text: 'The Department should act.', departments: ['D'], position: 'accepted' as const, rationale: 'r' };
  const reviewed = { recommendations: [{ ...rec, response: 'We accept the Committee’s recommendation.' }], commitments: [] };

  it('counts an answer verbatim only with the document’s own characters: whitespace may differ, a straightened quote may not', () => {
    const drafted = (response: string) => score({ recommendations: [{ ...rec, response }], commitments: [] }, reviewed).answersVerbatim;
    expect(drafted('We accept the\nCommittee’s  recommendation.')).toBe(1);
    expect(drafted("We accept the Committee's recommendation.")).toBe(0);
  });
});
