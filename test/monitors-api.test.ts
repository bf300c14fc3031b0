// The JSON API monitors (written statements, written questions): strings and fixture files only, no HTTP.
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../src/feed-types.ts';
import { parliamentQuestions, parliamentStatements, recogniseKind } from '../monitors/index.ts';
import { fixture, parsed, failure } from './support/monitor-fixtures.ts';

describe('parliament-statements', () => {
  it('reads the statements fixture', async () => {
    const feed = await parsed(parliamentStatements, fixture('synthetic-written-statements.json'));
    expect(feed.warnings).toEqual([]);
    expect(feed.items.map((i) => i.key)).toEqual(['2024-05-13/HCWS471', '2024-05-13/HLWS462', '2024-05-09/HCWS466']);
    const [commons, lords, fcdo] = feed.items as [FeedItem, FeedItem, FeedItem];
    expect(commons).toMatchObject({
      link: 'https://questions-statements.parliament.uk/written-statements/detail/2024-05-13/HCWS471',
      title: 'Modern Slavery Act 2015: Review of Transparency in Supply Chains',
      department: 'Home Office',
      categories: ['Commons'],
      documentType: 'Written statement',
      published: '2024-05-12T23:00:00.000Z', // midnight, UK summer time
    });
    expect(commons.summary.length).toBeLessThanOrEqual(1000);
    expect(commons.summary).toMatch(/^My right honourable friend the Minister of State for Security has today made the following statement\. The Government/);
    expect(commons.summary).toMatch(/\w…$/);
    expect(commons.summary).not.toMatch(/[<>]|&#/);
    expect(lords.categories).toEqual(['Lords']);
    expect(lords.link).toBe('https://questions-statements.parliament.uk/written-statements/detail/2024-05-13/HLWS462');
    expect(fcdo.department).toBe('Foreign, Commonwealth and Development Office');
    expect(fcdo.summary).toBe(
      'The latest six-monthly report on Hong Kong, covering the period 1 July to 31 December 2023, was published today. I commend it to the House.',
    );
  });

  it('skips a result with a broken shape, with a warning', async () => {
    const body = JSON.stringify({
      totalResults: 4,
      results: [
        {
          value: {
            uin: 'HCWS1',
            dateMade: '2024-05-01T00:00:00',
            title: 'Good',
            text: '<p>Fine</p>',
            house: 'Commons',
            answeringBodyName: 'Cabinet Office',
            extra: { any: 'thing' },
          },
        },
        { value: { dateMade: '2024-05-01T00:00:00', title: 'No uin' } },
        { nothing: true },
        'not even an object',
        { value: { uin: 'HCWS2', dateMade: 'someday', title: 'Bad date' } },
      ],
    });
    const feed = await parsed(parliamentStatements, body);
    expect(feed.items.map((i) => i.key)).toEqual(['2024-05-01/HCWS1']);
    expect(feed.items[0]!.department).toBe('Cabinet Office');
    expect(feed.warnings).toHaveLength(5);
    expect(feed.warnings.filter((w) => /shape is broken/.test(w))).toHaveLength(3);
    expect(feed.warnings.some((w) => /uin/.test(w))).toBe(true);
    expect(feed.warnings.some((w) => /invalid date "someday"/.test(w))).toBe(true);
  });

  it('keeps the first of duplicate statements', async () => {
    const s = { value: { uin: 'HCWS9', dateMade: '2024-05-02T00:00:00', title: 'Once', house: 'Commons' } };
    const feed = await parsed(parliamentStatements, JSON.stringify({ results: [s, { value: { ...s.value, title: 'Twice' } }] }));
    expect(feed.items.map((i) => i.title)).toEqual(['Once']);
    expect(feed.warnings).toEqual([expect.stringMatching(/duplicate .*HCWS9.*kept the first/)]);
  });

  it('errors on invalid JSON, HTML, an empty body and a body without results', async () => {
    expect(await failure(parliamentStatements, '{"results": [')).toMatch(/^invalid JSON/);
    expect(await failure(parliamentStatements, '<!DOCTYPE html><html><body>Error</body></html>')).toMatch(/invalid JSON \(an HTML or XML page\?\)/);
    expect(await failure(parliamentStatements, '')).toMatch(/empty body/);
    expect(await failure(parliamentStatements, '{"error": "Bad request"}')).toMatch(/not a written statements response: results/);
    expect(await failure(parliamentStatements, 'null')).toMatch(/not a written statements response/);
  });

  it('adds the date window and page size to the request URL unless given', () => {
    const now = new Date('2024-05-20T08:00:00Z');
    const base = 'https://questions-statements-api.parliament.uk/api/writtenstatements/statements';
    const url = new URL(parliamentStatements.requestUrl!(`${base}?answeringBodies=1`, now));
    expect(url.searchParams.get('answeringBodies')).toBe('1');
    expect(url.searchParams.get('madeWhenFrom')).toBe('2024-05-06');
    expect(url.searchParams.get('take')).toBe('100');
    const kept = new URL(parliamentStatements.requestUrl!(`${base}?madeWhenFrom=2024-01-01&take=20`, now));
    expect(kept.searchParams.getAll('madeWhenFrom')).toEqual(['2024-01-01']);
    expect(kept.searchParams.getAll('take')).toEqual(['20']);
    // Just after midnight in UK summer time it is already the next day in the UK.
    const late = new URL(parliamentStatements.requestUrl!(base, new Date('2024-05-19T23:30:00Z')));
    expect(late.searchParams.get('madeWhenFrom')).toBe('2024-05-06');
  });
});

// ---------------------------------------------------------------------------------------------------
describe('parliament-questions', () => {
  it('reads answered questions; holding answers, unanswered and withdrawn questions say nothing and are skipped', async () => {
    const feed = await parsed(parliamentQuestions, fixture('synthetic-written-questions.json'));
    expect(feed.warnings).toEqual([]);
    expect(feed.items.map((i) => i.key)).toEqual(['2024-05-08/25301', '2024-05-02/HL4120']);
    const [commons, lords] = feed.items as [FeedItem, FeedItem];
    expect(commons).toMatchObject({
      link: 'https://questions-statements.parliament.uk/written-questions/detail/2024-05-08/25301',
      title: 'Modern Slavery: Supply Chains (written answer, Home Office)',
      department: 'Home Office',
      categories: ['Commons'],
      documentType: 'Written answer',
      published: '2024-05-12T23:00:00.000Z', // answered on 13 May, UK summer time
    });
    expect(commons.updated).toBeUndefined();
    // The answer first (it is the Government's words), then the question; plain text.
    expect(commons.summary).toMatch(
      /^The Government remains committed .* We will legislate when parliamentary time allows\. — Asked: To ask the Secretary of State/,
    );
    expect(commons.summary).not.toMatch(/[<>]/);
    // A corrected answer carries the correction's date as `updated`: reported as an update of the same item.
    expect(lords).toMatchObject({ categories: ['Lords'], department: 'Foreign, Commonwealth and Development Office', updated: '2024-05-15T23:00:00.000Z' });
  });

  it('skips a broken result with a warning, and errors only on a body that is no questions response', async () => {
    const body = JSON.stringify({
      results: [
        { value: { uin: '1', dateTabled: 'soon', dateAnswered: '2024-05-01T00:00:00', answerText: 'Yes.' } },
        { value: { dateTabled: '2024-05-01T00:00:00' } },
      ],
    });
    const feed = await parsed(parliamentQuestions, body);
    expect(feed.items).toEqual([]);
    expect(feed.warnings).toEqual([
      expect.stringMatching(/invalid date "soon"/),
      expect.stringMatching(/question 1 skipped/),
      expect.stringMatching(/result 2 skipped, its shape is broken: value\.uin/),
    ]);
    expect(await failure(parliamentQuestions, '<html>Error</html>')).toMatch(/invalid JSON \(an HTML or XML page\?\)/);
    expect(await failure(parliamentQuestions, '{"error": "Bad request"}')).toMatch(/not a written questions response: results/);
  });

  it('adds the answered-since window and page size to the request URL unless given, and is recognised by its URL', () => {
    const base = 'https://questions-statements-api.parliament.uk/api/writtenquestions/questions';
    const url = new URL(parliamentQuestions.requestUrl!(`${base}?searchTerm=Xinjiang`, new Date('2024-05-20T08:00:00Z')));
    expect([url.searchParams.get('searchTerm'), url.searchParams.get('answeredWhenFrom'), url.searchParams.get('take')]).toEqual(['Xinjiang', '2024-05-06', '100']);
    expect(recogniseKind('{"totalResults":0,"results":[]}', 'application/json', `${base}?take=100`)).toBe('parliament-questions');
  });
});

// ---------------------------------------------------------------------------------------------------
