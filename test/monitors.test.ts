// The monitors read strings and fixture files only: no HTTP here, and nothing outside test/fixtures.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import {
  MONITORS,
  generic,
  govukAtom,
  legislation,
  monitorFor,
  parliamentBills,
  parliamentQuestions,
  parliamentStatements,
  recogniseKind,
} from '../monitors/index.ts';
import { checkXmlBody, htmlToPlain, parseDate, truncateWords } from '../monitors/support.ts';

const FIXTURES = new URL('./fixtures/feeds/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
/** Where a test server would serve a fixture from: recognition must not lean on a real host name. */
const LOCAL = 'http://127.0.0.1:8080/feed';

async function parsed(monitor: Monitor, body: string, url = LOCAL): Promise<ParsedFeed> {
  const result = await monitor.parse(body, url);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.value;
}

async function failure(monitor: Monitor, body: string): Promise<string> {
  const result = await monitor.parse(body, LOCAL);
  if (result.ok) throw new Error(`expected an error, got ${result.value.items.length} items`);
  return result.error;
}

const byKey = (items: FeedItem[], key: string): FeedItem => {
  const item = items.find((i) => i.key === key);
  if (!item) throw new Error(`no item ${key}`);
  return item;
};

const countBy = <T>(values: T[]): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

const rss = (items: string, channel = '<title>Test</title>') =>
  `<?xml version="1.0" encoding="utf-8"?><rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0"><channel>${channel}${items}</channel></rss>`;

const atom = (entries: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>tag:www.gov.uk,2005:/search/all</id><title>Test</title><updated>2024-05-01T10:00:00+01:00</updated>${entries}</feed>`;

// ---------------------------------------------------------------------------------------------------

describe('recognition', () => {
  const cases: [string, string][] = [
    ['govuk-finder-drug-device-alerts-atom-example.xml', 'govuk-atom'],
    ['synthetic-govuk-org-feed-before.xml', 'govuk-atom'],
    ['synthetic-govuk-org-feed-after.xml', 'govuk-atom'],
    ['synthetic-govuk-feed-ended.xml', 'govuk-atom'],
    ['synthetic-govuk-finder-news-atom.xml', 'govuk-atom'],
    ['parliament-services-public-bills-rss-2018.xml', 'parliament-bills'],
    ['parliament-services-private-bills-rss-2018.xml', 'parliament-bills'],
    ['parliament-services-single-bill-rss-2018.xml', 'parliament-bills'],
    ['synthetic-written-statements.json', 'parliament-statements'],
    ['synthetic-written-questions.json', 'parliament-questions'],
    ['legislation-gov-uk-new-data-feed-2015.xml', 'legislation'],
    ['parliament-committee-news-rss-2018.xml', 'generic'],
    ['parliament-generic-questions-archive-rss-2019.xml', 'generic'],
  ];

  it.each(cases)('%s is %s, from the body alone', (file, kind) => {
    expect(recogniseKind(fixture(file), undefined, LOCAL)).toBe(kind);
  });

  it('uses the URL where the body says little', () => {
    const bare = rss('<item><guid>x</guid><title>A bill</title></item>');
    expect(recogniseKind(bare, 'application/rss+xml', 'https://bills.parliament.uk/rss/allbills.rss')).toBe('parliament-bills');
    expect(recogniseKind(bare, 'application/rss+xml', LOCAL)).toBe('generic');
    const emptyStatements = '{"totalResults":0,"results":[]}';
    expect(recogniseKind(emptyStatements, 'application/json', 'https://questions-statements-api.parliament.uk/api/writtenstatements/statements?take=100')).toBe(
      'parliament-statements',
    );
  });

  it('falls back to generic for anything else, without throwing', () => {
    for (const body of ['', '<html><body>Nope</body></html>', '{"x":1}', 'garbage', '<rdf:RDF/>']) {
      expect(recogniseKind(body, undefined, 'not a url')).toBe('generic');
    }
  });

  it('lists every feed kind once, generic last', () => {
    expect(MONITORS.map((m) => m.kind).sort()).toEqual(
      ['generic', 'govuk-atom', 'legislation', 'parliament-bills', 'parliament-questions', 'parliament-statements'].sort(),
    );
    expect(MONITORS.at(-1)?.kind).toBe('generic');
    expect(monitorFor('legislation')).toBe(legislation);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('parliament-bills', () => {
  it('reads the 2018 public bills sample: 309 bills, 29 at Royal Assent', async () => {
    const feed = await parsed(parliamentBills, fixture('parliament-services-public-bills-rss-2018.xml'));
    expect(feed.title).toBe('Public Bills');
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(309);
    const stages = countBy(feed.items.map((i) => i.billStage));
    expect(stages.get('Royal Assent')).toBe(29);
    expect(stages.get('2nd reading')).toBe(222);
    expect(stages.get('Consideration of Lords amendments')).toBe(1);
    expect(feed.items.every((i) => i.billStage && i.billTitle === i.title && i.updated && !i.published)).toBe(true);
    expect(new Set(feed.items.map((i) => i.key)).size).toBe(309);

    const first = byKey(feed.items, 'http://services.parliament.uk/bills/2017-19/affordablehomeownership.html');
    expect(first).toMatchObject({
      link: 'http://services.parliament.uk/bills/2017-19/affordablehomeownership.html',
      title: 'Affordable Home Ownership',
      billTitle: 'Affordable Home Ownership',
      billStage: '2nd reading',
      categories: ['Commons', "Private Members' Bill (under the Ten Minute Rule)"],
      documentType: "Private Members' Bill (under the Ten Minute Rule)",
      updated: '2018-10-25T10:59:51.000Z', // 11:59:51+01:00
    });
    expect(first.summary).toMatch(/^A Bill to make provision for affordable home ownership;/);
    // 29 bills carry "Not assigned" where the house goes; it stays first, the bill type second.
    const unassigned = feed.items.filter((i) => i.categories[0] === 'Not assigned');
    expect(unassigned).toHaveLength(29);
    expect(countBy(unassigned.map((i) => i.documentType)).get('Government Bill')).toBe(27);
    expect(feed.items.every((i) => i.categories.length === 2 && i.documentType === i.categories[1])).toBe(true);
  });

  it('reads both a10:updated forms in the sample (offset and Z)', async () => {
    const feed = await parsed(parliamentBills, fixture('parliament-services-public-bills-rss-2018.xml'));
    expect(feed.items.every((i) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(i.updated ?? ''))).toBe(true);
  });

  it('reads the private bills sample', async () => {
    const feed = await parsed(parliamentBills, fixture('parliament-services-private-bills-rss-2018.xml'));
    expect(feed.items).toHaveLength(6);
    expect(feed.items.map((i) => i.billStage)).toEqual([
      '2nd reading',
      'Consideration of Lords amendments',
      'Committee stage',
      'Royal Assent',
      'Royal Assent',
      'Committee stage',
    ]);
    expect(byKey(feed.items, 'http://services.parliament.uk/bills/2017-19/highspeedrailwestmidlandscrewe.html').documentType).toBe('Hybrid Bill');
  });

  it('reads the per-bill sample: stage element, channel title as bill title', async () => {
    const feed = await parsed(parliamentBills, fixture('parliament-services-single-bill-rss-2018.xml'));
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(129);
    expect(new Set(feed.items.map((i) => i.billTitle))).toEqual(new Set(['Counter-Terrorism and Border Security Bill']));
    expect(new Set(feed.items.map((i) => i.billStage))).toEqual(new Set(['Committee stage']));
    const types = countBy(feed.items.map((i) => i.documentType));
    expect([types.get('Publication'), types.get('Sitting'), types.get('Provisional Sitting')]).toEqual([94, 19, 16]);
    const first = feed.items[0]!;
    expect(first).toMatchObject({
      key: 'http://services.parliament.uk/bills/rss/52049',
      link: 'https://publications.parliament.uk/pa/bills/lbill/2017-2019/0131/18131-II(b).pdf',
      categories: ['Publication'],
      published: '2018-11-06T18:38:26.000Z',
      updated: '2018-11-06T18:38:26.000Z',
    });
    expect(first.title).toBe('Publication: HL Bill 131-II(b) Amendments for Committee, supplementary to the second marshalled list');
  });

  // Today's allbills shape (Feb 2025): p4 declared on <channel> with another namespace URI, ISO dates.
  const today = (item: string) =>
    `<?xml version="1.0" encoding="utf-8"?><rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0"><channel xmlns:p4="#billsSchema"><title>All bills</title><a10:id>https://bills-api.parliament.uk/Rss/AllBill</a10:id>${item}</channel></rss>`;

  it('gives the same result whichever order the two categories come in', async () => {
    const houseFirst = today(
      '<item p4:stage="Report stage"><guid isPermaLink="true">https://bills.parliament.uk/bills/3737</guid><link>https://bills.parliament.uk/bills/3737</link><category>Commons</category><category>Government Bill</category><title>Example Bill</title><description>A Bill to do things.</description><a10:updated>2025-01-31T19:59:52Z</a10:updated></item>',
    );
    const typeFirst = houseFirst.replace(
      '<category>Commons</category><category>Government Bill</category>',
      '<category>Government Bill</category><category>Commons</category>',
    );
    expect(typeFirst).not.toBe(houseFirst);
    const [a, b] = [await parsed(parliamentBills, houseFirst), await parsed(parliamentBills, typeFirst)];
    expect(b.items).toEqual(a.items);
    expect(a.items[0]).toMatchObject({ categories: ['Commons', 'Government Bill'], documentType: 'Government Bill', billStage: 'Report stage' });
  });

  it('reads a10:updated in RFC 822 and in ISO 8601 as the same instant', async () => {
    const item = (date: string) =>
      today(
        `<item p4:stage="Royal Assent"><guid>https://bills.parliament.uk/bills/1</guid><category>Lords</category><category>Government Bill</category><title>B</title><a10:updated>${date}</a10:updated></item>`,
      );
    const rfc = await parsed(parliamentBills, item('Fri, 31 Jan 2025 19:59:52 GMT'));
    const rfcOffset = await parsed(parliamentBills, item('Thu, 25 Oct 2018 11:59:51 +0100'));
    const iso = await parsed(parliamentBills, item('2025-01-31T19:59:52Z'));
    const isoOffset = await parsed(parliamentBills, item('2018-10-25T11:59:51+01:00'));
    expect(rfc.items[0]!.updated).toBe('2025-01-31T19:59:52.000Z');
    expect(iso.items[0]!.updated).toBe(rfc.items[0]!.updated);
    expect(rfcOffset.items[0]!.updated).toBe(isoOffset.items[0]!.updated);
    expect([rfc, rfcOffset, iso, isoOffset].every((f) => f.warnings.length === 0)).toBe(true);
  });

  it('reads the stage attribute from the parsed XML, so CDATA cannot fake or hide it', async () => {
    const body = today(
      '<item p4:stage="2nd reading"><guid>https://bills.parliament.uk/bills/2</guid><category>Commons</category><category>Government Bill</category>' +
        '<title><![CDATA[Tricky <item p4:stage="Royal Assent"> Bill]]></title>' +
        '<description><![CDATA[<item p4:stage="Royal Assent">]]></description><a10:updated>2025-01-31T19:59:52Z</a10:updated></item>' +
        '<item><guid>https://bills.parliament.uk/bills/3</guid><category>Commons</category><category>Government Bill</category>' +
        '<title><![CDATA[<item p4:stage="Royal Assent">]]></title></item>',
    );
    const feed = await parsed(parliamentBills, body);
    expect(feed.items.map((i) => i.billStage)).toEqual(['2nd reading', undefined]);
    expect(feed.items[0]!.billTitle).toBe('Tricky <item p4:stage="Royal Assent"> Bill');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('govuk-atom', () => {
  it('keys entries by path and keeps the key across a re-timestamp', async () => {
    const before = await parsed(govukAtom, fixture('synthetic-govuk-org-feed-before.xml'));
    const after = await parsed(govukAtom, fixture('synthetic-govuk-org-feed-after.xml'));
    expect(before.warnings).toEqual([]);
    expect(after.warnings).toEqual([]);
    expect(before.items.map((i) => i.key)).toEqual([
      '/government/news/uk-announces-new-measures-on-forced-labour-in-supply-chains',
      '/government/publications/six-monthly-report-on-hong-kong-july-to-december-2023',
      '/government/speeches/foreign-secretary-statement-to-the-un-human-rights-council',
      '/government/news/uk-sanctions-individuals-linked-to-human-rights-abuses',
    ]);
    const path = '/government/publications/six-monthly-report-on-hong-kong-july-to-december-2023';
    const old = byKey(before.items, path);
    const now = byKey(after.items, path);
    // Same item (same key, same first publication), updated later: an update, not a new item.
    expect(now.published).toBe(old.published);
    expect(now.updated! > old.updated!).toBe(true);
    expect(old.updated).toBe('2024-05-10T11:00:00.000Z');
    expect(now.updated).toBe('2024-05-20T10:30:00.000Z');
    // What is new in the second fetch is the one new path.
    const known = new Set(before.items.map((i) => i.key));
    expect(after.items.filter((i) => !known.has(i.key)).map((i) => i.key)).toEqual(['/government/news/minister-attends-supply-chain-transparency-summit']);
  });

  it('moves the type prefix of org-feed titles into documentType', async () => {
    const feed = await parsed(govukAtom, fixture('synthetic-govuk-org-feed-before.xml'));
    expect(feed.title).toBe('Foreign, Commonwealth & Development Office - Activity on GOV.UK');
    expect(feed.items[0]).toMatchObject({
      link: 'https://www.gov.uk/government/news/uk-announces-new-measures-on-forced-labour-in-supply-chains',
      title: 'UK announces new measures on forced labour in supply chains',
      documentType: 'News story',
      categories: ['News story'],
      summary: 'The Foreign Secretary has set out steps to keep goods made with forced labour out of UK supply chains.',
      published: '2024-05-14T15:05:00.000Z',
    });
    // Only the prefix that is the type goes; colons inside the title stay.
    expect(feed.items.map((i) => [i.documentType, i.title])).toEqual([
      ['News story', 'UK announces new measures on forced labour in supply chains'],
      ['Policy paper', 'Six-monthly report on Hong Kong: July to December 2023'],
      ['Speech', 'Foreign Secretary: statement to the UN Human Rights Council'],
      ['Press release', 'UK sanctions individuals linked to human rights abuses'],
    ]);
  });

  it('reads finder feeds: tag ids, html summaries, whole titles', async () => {
    const feed = await parsed(govukAtom, fixture('synthetic-govuk-finder-news-atom.xml'));
    expect(feed.items.map((i) => i.key)).toEqual([
      '/government/news/modern-slavery-statement-registry-expanded',
      '/government/consultations/transparency-in-supply-chains',
    ]);
    expect(feed.items[0]!.summary).toBe('More organisations & public bodies will publish modern slavery statements on the registry.');
    expect(feed.items[1]!.summary).toBe('The Government’s response to the consultation.');
    expect(feed.items[1]!.title).toBe('Transparency in supply chains: consultation outcome');
    expect(feed.items[1]!.documentType).toBeUndefined();
    expect(feed.items[1]!.published).toBeUndefined();
    expect(feed.items[1]!.updated).toBe('2024-05-09T11:00:00.000Z');
  });

  it('reads the real finder example', async () => {
    const feed = await parsed(govukAtom, fixture('govuk-finder-drug-device-alerts-atom-example.xml'));
    expect(feed.title).toBe('Alerts and recalls for drugs and medical devices');
    expect(feed.items).toEqual([
      {
        key: '/drug-device-alerts/an-important-alert',
        link: 'https://www.gov.uk/drug-device-alerts/an-important-alert',
        title: 'An important alert',
        summary: '',
        categories: [],
        updated: '2016-02-01T12:58:40.000Z',
      },
      {
        key: '/drug-device-alerts/another-important-alert',
        link: 'https://www.gov.uk/drug-device-alerts/another-important-alert',
        title: 'Another important alert',
        summary: '',
        categories: [],
        updated: '2016-02-01T12:58:40.000Z',
      },
    ]);
  });

  it('turns "This feed has ended" into a warning and no items', async () => {
    const feed = await parsed(govukAtom, fixture('synthetic-govuk-feed-ended.xml'));
    expect(feed.items).toEqual([]);
    expect(feed.warnings).toHaveLength(1);
    expect(feed.warnings[0]).toMatch(/This feed has ended/);
  });

  it('keys by the path even when the link is missing or relative', async () => {
    const feed = await parsed(
      govukAtom,
      atom(
        '<entry><id>https://www.gov.uk/government/news/a#2024-05-01T10:00:00+01:00</id><title>News story: A</title><category label="News story" term="News story"/><updated>2024-05-01T10:00:00+01:00</updated></entry>' +
          '<entry><id>tag:www.gov.uk,2005:/government/news/b</id><title>B</title><link rel="alternate" type="text/html" href="/government/news/b"/><updated>2024-05-01T10:00:00+01:00</updated></entry>',
      ),
      'https://www.gov.uk/search/all.atom',
    );
    expect(feed.items.map((i) => [i.key, i.link])).toEqual([
      ['/government/news/a', 'https://www.gov.uk/government/news/a'],
      ['/government/news/b', 'https://www.gov.uk/government/news/b'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

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

describe('legislation', () => {
  it('reads the 2015 new-legislation sample', async () => {
    const feed = await parsed(legislation, fixture('legislation-gov-uk-new-data-feed-2015.xml'));
    // The feed-level <updated> has no offset; it is read as UK time, not reported.
    expect(feed.warnings).toEqual([]);
    expect(feed.title).toBe('Search Results');
    expect(feed.items).toHaveLength(20);
    const types = countBy(feed.items.map((i) => i.documentType));
    expect(Object.fromEntries(types)).toEqual({
      UnitedKingdomStatutoryInstrument: 10,
      NorthernIrelandStatutoryRule: 5,
      WelshStatutoryInstrument: 3,
      ScottishStatutoryInstrument: 2,
    });
    // A made SI that supersedes a draft nests the draft's <ukm:DocumentMainType> inside <ukm:Supersedes>;
    // the entry's own type is the one that counts.
    expect(byKey(feed.items, 'http://www.legislation.gov.uk/id/uksi/2015/2026').documentType).toBe('UnitedKingdomStatutoryInstrument');
    expect(feed.items[0]).toMatchObject({
      key: 'http://www.legislation.gov.uk/id/uksi/2015/2028',
      link: 'http://www.legislation.gov.uk/uksi/2015/2028/made',
      title: 'The Police and Crime Commissioner Elections (Designation of Local Authorities) Order 2015',
      documentType: 'UnitedKingdomStatutoryInstrument',
      categories: ['POLICE, ENGLAND AND WALES'],
      published: '2015-12-16T00:20:05.739Z',
      updated: '2015-12-16T08:56:57.487Z',
    });
    expect(feed.items[0]!.summary).toMatch(/^This Order designates for the purposes of section 75\(1\)/);
    expect(feed.items.every((i) => /^http:\/\/www\.legislation\.gov\.uk\/id\/\w+\/2015\/\d+$/.test(i.key))).toBe(true);
  });

  it('reads an entry date without an offset as UK time', async () => {
    const body = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata"><title>T</title><updated>2024-07-01T09:00:00</updated>
      <entry><id>http://www.legislation.gov.uk/id/ukpga/2024/1</id><title>An Act 2024</title><link href="http://www.legislation.gov.uk/ukpga/2024/1/enacted"/>
      <updated>2024-07-01T09:00:00</updated><published>2024-01-15T09:00:00</published><ukm:DocumentMainType Value="UnitedKingdomPublicGeneralAct"/></entry></feed>`;
    const feed = await parsed(legislation, body);
    expect(feed.items[0]).toMatchObject({
      updated: '2024-07-01T08:00:00.000Z',
      published: '2024-01-15T09:00:00.000Z',
      documentType: 'UnitedKingdomPublicGeneralAct',
      link: 'http://www.legislation.gov.uk/ukpga/2024/1/enacted',
    });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('generic', () => {
  it('keys items without a guid by their link (questions archive)', async () => {
    const feed = await parsed(generic, fixture('parliament-generic-questions-archive-rss-2019.xml'));
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(20);
    expect(feed.items.every((i) => i.key === i.link)).toBe(true);
    expect(feed.items[0]).toMatchObject({
      key: 'https://publications.parliament.uk/pa/cm201719/cmfutoral/futoral190121.pdf',
      title: 'Questions for oral answer on a future day - archive',
      published: '2019-01-21T00:00:00.000Z',
    });
  });

  it('keys committee news by guid', async () => {
    const feed = await parsed(generic, fixture('parliament-committee-news-rss-2018.xml'));
    expect(feed.title).toBe('Administration Committee');
    expect(feed.items).toHaveLength(15);
    expect(feed.items[0]).toMatchObject({
      key: 'b89170f6-7e73-4933-b730-f5452a3994d0',
      title: "Findings from research on new MPs' experiences published",
      categories: ['News'],
      published: '2018-08-01T11:00:00.000Z',
    });
    expect(feed.items.every((i) => /^[0-9a-f-]{36}$/.test(i.key) && i.link.startsWith('http://www.parliament.uk/'))).toBe(true);
  });

  it('dedupes items without guid by link, and falls back to a hash of title and date', async () => {
    const body = rss(
      '<item><title>A</title><link>https://example.org/a</link><pubDate>Mon, 21 Jan 2019 00:00:00 GMT</pubDate></item>' +
        '<item><title>A again</title><link>https://example.org/a</link></item>' +
        '<item><title>No link</title><pubDate>Mon, 21 Jan 2019 00:00:00 GMT</pubDate></item>' +
        '<item><title>No link</title><pubDate>Tue, 22 Jan 2019 00:00:00 GMT</pubDate></item>',
    );
    const feed = await parsed(generic, body);
    expect(feed.items.map((i) => i.title)).toEqual(['A', 'No link', 'No link']);
    expect(feed.items[1]!.key).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(feed.items[1]!.key).not.toBe(feed.items[2]!.key);
    expect(feed.warnings).toEqual([expect.stringMatching(/duplicate item "https:\/\/example\.org\/a"/)]);
    // The same item fetched again gets the same hash key.
    expect((await parsed(generic, body)).items[1]!.key).toBe(feed.items[1]!.key);
  });

  it('reads other Atom feeds too', async () => {
    const feed = await parsed(
      generic,
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><entry><id>urn:uuid:1</id><title type="html">A &amp;amp; B</title><link href="https://example.org/1"/><category term="policy"/><summary type="html">&lt;p&gt;Hello&lt;/p&gt;</summary><published>2024-01-01T00:00:00Z</published><updated>2024-02-01T00:00:00Z</updated></entry></feed>',
    );
    expect(feed.items[0]).toMatchObject({
      key: 'urn:uuid:1',
      link: 'https://example.org/1',
      categories: ['policy'],
      summary: 'Hello',
      published: '2024-01-01T00:00:00.000Z',
      updated: '2024-02-01T00:00:00.000Z',
    });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('hostile input', () => {
  const xmlMonitors = [govukAtom, parliamentBills, legislation, generic];
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><guid>x</guid></item></channel></rss>`;
  const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><guid>x</guid></item></channel></rss>`;
  const atomWithEntity = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/hostname">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>`;

  it('rss-parser itself neither expands declared entities nor reads files (sax ignores the DTD)', async () => {
    for (const body of [billionLaughs, externalEntity]) {
      const outcome = await new Parser().parseString(body).then(
        (feed) => JSON.stringify(feed),
        (error: Error) => `error: ${error.message}`,
      );
      expect(outcome).toMatch(/^error: Invalid character entity/);
      expect(outcome.length).toBeLessThan(200);
      expect(outcome).not.toMatch(/root:/);
    }
  });

  it.each(xmlMonitors.map((m) => [m.kind, m] as const))('%s refuses DOCTYPE entity declarations up front', async (_kind, monitor) => {
    for (const body of [billionLaughs, externalEntity, atomWithEntity]) {
      expect(await failure(monitor, body)).toMatch(/refused: the body declares XML entities in a DOCTYPE/);
    }
  });

  it('still reads a feed with a harmless DOCTYPE (no entities)', async () => {
    const body = `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title><item><title>a</title><link>https://example.org/a</link></item></channel></rss>`;
    expect((await parsed(generic, body)).items.map((i) => i.key)).toEqual(['https://example.org/a']);
  });

  it.each(xmlMonitors.map((m) => [m.kind, m] as const))('%s returns readable errors for non-feeds', async (_kind, monitor) => {
    expect(
      await failure(monitor, '<!DOCTYPE html>\n<html lang="en"><head><title>Just a moment...</title></head><body><p>Checking your browser<br></body></html>'),
    ).toMatch(/HTML page, not a feed/);
    expect(await failure(monitor, '<html><body>Service unavailable</body></html>')).toMatch(/HTML page, not a feed/);
    expect(await failure(monitor, '')).toMatch(/empty body/);
    expect(await failure(monitor, '   \n ')).toMatch(/empty body/);
    expect(await failure(monitor, '{"results": []}')).toMatch(/not XML.*JSON/);
    expect(await failure(monitor, 'Service Unavailable')).toMatch(/not XML/);
    expect(await failure(monitor, '<?xml version="1.0"?><error><message>Too many requests</message></error>')).toMatch(
      /not an RSS or Atom feed: the root element is <error>/,
    );
  });

  it.each(xmlMonitors.map((m) => [m.kind, m] as const))('%s returns an error for truncated XML', async (_kind, monitor) => {
    const fixtures: Record<string, string> = {
      'govuk-atom': 'synthetic-govuk-org-feed-before.xml',
      'parliament-bills': 'parliament-services-public-bills-rss-2018.xml',
      legislation: 'legislation-gov-uk-new-data-feed-2015.xml',
      generic: 'parliament-committee-news-rss-2018.xml',
    };
    const whole = fixture(fixtures[monitor.kind]!);
    for (const cut of [0.5, 0.9]) {
      expect(await failure(monitor, whole.slice(0, Math.floor(whole.length * cut)))).toMatch(/^malformed XML/);
    }
    expect(await failure(monitor, '<rss version="2.0"><channel><title>x</title><item><title>a</item></channel></rss>')).toMatch(
      /^malformed XML: Unexpected close tag at line 1/,
    );
  });

  it('turns invalid dates into warnings, in RSS and in Atom', async () => {
    const bills = await parsed(
      parliamentBills,
      rss(
        '<item p4:stage="Royal Assent" xmlns:p4="urn:x"><guid>https://bills.parliament.uk/bills/1</guid><category>Commons</category><category>Government Bill</category><title>B</title><a10:updated>31/01/2025 7pm</a10:updated></item>' +
          '<item p4:stage="Committee stage" xmlns:p4="urn:x"><guid>https://bills.parliament.uk/bills/2</guid><category>Commons</category><category>Government Bill</category><title>C</title><a10:updated>2025-02-30T10:00:00Z</a10:updated></item>',
      ),
    );
    expect(bills.items).toHaveLength(2);
    expect(bills.items.map((i) => i.updated)).toEqual([undefined, undefined]);
    expect(bills.warnings).toEqual([
      expect.stringMatching(/bills\/1.*invalid date "31\/01\/2025 7pm"/),
      expect.stringMatching(/bills\/2.*invalid date "2025-02-30T10:00:00Z"/),
    ]);

    // rss-parser on its own rejects a whole Atom feed over one bad <updated> (RangeError); we do not.
    const body = atom(
      '<entry><id>tag:www.gov.uk,2005:/government/news/a</id><title>A</title><link href="https://www.gov.uk/government/news/a"/><updated>not a date</updated><published>2024-13-01T00:00:00Z</published></entry>' +
        '<entry><id>tag:www.gov.uk,2005:/government/news/b</id><title>B</title><link href="https://www.gov.uk/government/news/b"/><updated>2024-05-01T10:00:00+01:00</updated></entry>',
    );
    await expect(new Parser().parseString(body)).rejects.toThrow(RangeError);
    for (const monitor of [govukAtom, generic]) {
      const feed = await parsed(monitor, body);
      expect(feed.items).toHaveLength(2);
      expect(feed.items[0]!.updated).toBeUndefined();
      expect(feed.items[1]!.updated).toBe('2024-05-01T09:00:00.000Z');
      expect(feed.warnings).toHaveLength(2);
      expect(feed.warnings.join('\n')).toMatch(/invalid date "not a date"/);
    }
  });

  it('keeps the first of duplicate guids, with a warning', async () => {
    const item = (title: string) =>
      `<item p4:stage="2nd reading" xmlns:p4="urn:x"><guid isPermaLink="true">https://bills.parliament.uk/bills/7</guid><category>Commons</category><category>Government Bill</category><title>${title}</title></item>`;
    for (const monitor of [parliamentBills, generic]) {
      const feed = await parsed(monitor, rss(item('First') + item('Second') + item('Third')));
      expect(feed.items.map((i) => i.title)).toEqual(['First']);
      expect(feed.warnings).toHaveLength(2);
      expect(feed.warnings[0]).toMatch(/duplicate item "https:\/\/bills\.parliament\.uk\/bills\/7".*kept the first/);
    }
    const govuk = await parsed(
      govukAtom,
      atom(
        '<entry><id>https://www.gov.uk/government/news/a#1</id><title>First</title><link href="https://www.gov.uk/government/news/a"/></entry>' +
          '<entry><id>https://www.gov.uk/government/news/a#2</id><title>Second</title><link href="https://www.gov.uk/government/news/a"/></entry>',
      ),
    );
    expect(govuk.items.map((i) => i.title)).toEqual(['First']);
    expect(govuk.warnings).toEqual([expect.stringMatching(/duplicate item "\/government\/news\/a"/)]);
  });

  it('survives odd but well-formed shapes', async () => {
    const weird = rss(
      '<item><title/><guid isPermaLink="false"/><link/><description><p>Unescaped <b>html</b></p></description><category domain="x">Tagged</category></item>' +
        '<item><title><![CDATA[ Spaced   <b>title</b> ]]></title><guid>g2</guid></item>' +
        '<item></item>',
    );
    const feed = await parsed(generic, weird);
    expect(feed.items.map((i) => i.title)).toEqual(['Spaced <b>title</b>']);
    expect(feed.warnings).toEqual([
      expect.stringMatching(/item 1 has no guid, link or title: skipped/),
      expect.stringMatching(/item 3 has no guid, link or title: skipped/),
    ]);
    // Wrong kind for the monitor is an error, not a throw.
    expect(await failure(govukAtom, fixture('parliament-committee-news-rss-2018.xml'))).toMatch(/not an Atom feed/);
    expect(await failure(parliamentBills, fixture('synthetic-govuk-org-feed-before.xml'))).toMatch(/not an RSS feed/);
    expect(await failure(parliamentStatements, fixture('parliament-committee-news-rss-2018.xml'))).toMatch(/invalid JSON/);
  });

  it('refuses oversized bodies', async () => {
    const huge = rss(`<item><guid>x</guid><description>${'a'.repeat(10_000_001)}</description></item>`);
    expect(checkXmlBody(huge)).toEqual({ ok: false, error: expect.stringMatching(/too large/) });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('support', () => {
  it('parses RFC 822 and ISO 8601 dates to the same instant; invalid ones warn', () => {
    const warnings: string[] = [];
    const a = parseDate('Tue, 06 Nov 2018 18:38:26 GMT', 'a', warnings);
    const b = parseDate('2018-11-06T18:38:26Z', 'b', warnings);
    const c = parseDate('Tuesday, 6 Nov 2018 18:38:26 +0000', 'c', warnings);
    const d = parseDate('2018-11-06T18:38:26', 'd', warnings); // UK time; GMT in November
    expect([a, b, c, d]).toEqual(Array(4).fill('2018-11-06T18:38:26.000Z'));
    expect(parseDate('2018-07-06T18:38:26', 'e', warnings)).toBe('2018-07-06T17:38:26.000Z'); // BST
    expect(warnings).toEqual([]);
    expect(parseDate('', 'blank', warnings)).toBeUndefined();
    expect(parseDate(undefined, 'absent', warnings)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(parseDate('0001-01-01T00:00:00', 'placeholder', warnings)).toBeUndefined();
    expect(parseDate('soon', 'x', warnings)).toBeUndefined();
    expect(warnings).toEqual(['placeholder: invalid date "0001-01-01T00:00:00" ignored', 'x: invalid date "soon" ignored']);
  });

  it('reads ISO 8601 instants exactly as the strict (luxon) path does, and refuses impossible calendar dates', () => {
    const strict = (text: string) => DateTime.fromISO(text, { setZone: true }).toUTC().toISO();
    const offsets = ['Z', '+00:00', '+01:00', '-05:00', '+05:30', '+14:00', '-09:30'];
    const texts: string[] = [];
    // Every month end, leap days, midnight and the last second, with and without seconds and fractions.
    for (const year of [1999, 2000, 2023, 2024]) {
      for (let month = 1; month <= 12; month++) {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (const day of [1, last]) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          for (const time of ['00:00', '23:59:59', '12:30:15.5', '07:08:05.123456789']) texts.push(...offsets.map((o) => `${date}T${time}${o}`));
        }
      }
    }
    const warnings: string[] = [];
    for (const text of texts) expect(parseDate(text, 't', warnings), text).toBe(strict(text));
    expect(warnings).toEqual([]);
    for (const bad of ['2023-02-29T10:00:00Z', '2024-04-31T10:00:00+01:00', '2024-06-01T25:00:00Z', '2024-06-01T10:60:00Z', '2024-06-01T10:00:61Z']) {
      expect(parseDate(bad, 'bad', warnings), bad).toBeUndefined();
    }
    expect(warnings).toHaveLength(5);
  });

  it('turns HTML into folded plain text and cuts on word boundaries', () => {
    expect(htmlToPlain('<h2>Heading</h2><p>One &amp; <a href="https://x">two</a>&nbsp;three</p><img src="x.png" alt="pic">')).toBe('Heading One & two three');
    expect(htmlToPlain('A < B and C > D')).toBe('A < B and C > D');
    expect(truncateWords('alpha beta gamma delta', 15)).toBe('alpha beta…');
    expect(truncateWords('short', 15)).toBe('short');
    expect(truncateWords('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
