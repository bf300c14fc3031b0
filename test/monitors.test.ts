// The monitors read strings and fixture files only: no HTTP here, and nothing outside test/fixtures.
// Recognition of a body's kind, and the two RSS/Atom sources with the most rules: bills and GOV.UK.
import { describe, expect, it } from 'vitest';
import { MONITORS, govukAtom, legislation, monitorFor, parliamentBills, recogniseKind } from '../monitors/index.ts';
import { fixture, LOCAL, parsed, byKey, countBy, rss, atom } from './support/monitor-fixtures.ts';

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
