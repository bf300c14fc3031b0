// Every monitor on real captures of its source (test/fixtures/feeds/real/, see test/fixtures/SOURCES.md):
// what a user would see of each item — titles, links, stages, dates, departments — and how many there are.
// Strings and files only: no HTTP here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeedItem, Monitor, ParsedFeed } from '../src/feed-types.ts';
import { textSourceOf } from '../src/feed-types.ts';
import { generic, govukAtom, legislation, parliamentBills, parliamentQuestions, parliamentStatements, recogniseKind } from '../monitors/index.ts';

const real = (path: string): string => readFileSync(new URL(`./fixtures/feeds/real/${path}`, import.meta.url), 'utf8');
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/feeds/${name}`, import.meta.url), 'utf8');
const LOCAL = 'http://127.0.0.1:8080';

async function parsed(monitor: Monitor, body: string, url: string): Promise<ParsedFeed> {
  const result = await monitor.parse(body, url);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.value;
}

const byKey = (items: FeedItem[], key: string): FeedItem => {
  const item = items.find((i) => i.key === key);
  if (!item) throw new Error(`no item ${key}; keys: ${items.map((i) => i.key).join(', ')}`);
  return item;
};

describe('recognition of the real captures, by their bodies alone', () => {
  it.each([
    ['parliament-bills/allbills-2025-02-01-from-python-string.rss', 'parliament-bills'],
    ['parliament-bills/pages-bills-1285.rss', 'parliament-bills'],
    ['legislation/roddicki-all-data-feed-2015-12-15T1429.xml', 'legislation'],
    ['legislation/roddicki-listing-1110-2016-page1.xml', 'legislation'],
    ['parliament-questions/aws-samples-2024-list-questions.json', 'parliament-questions'],
    ['parliament-statements/clquestions-2021-02-01-statements-home-office.json', 'parliament-statements'],
  ])('%s is %s', (path, kind) => {
    expect(recogniseKind(real(path), undefined, `${LOCAL}/feed`)).toBe(kind);
  });
});

describe('parliament-bills on real captures', () => {
  it('reads the all-bills feed of 1 February 2025 (no XML declaration, p4 bound on <channel>): 50 bills with stages', async () => {
    const feed = await parsed(parliamentBills, real('parliament-bills/allbills-2025-02-01-from-python-string.rss'), 'https://bills.parliament.uk/rss/allbills.rss');
    expect(feed.warnings).toEqual([]);
    expect(feed.title).toBe('All Bills');
    expect(feed.items).toHaveLength(50);
    expect(feed.items.every((i) => i.billStage)).toBe(true);
    expect(feed.items.filter((i) => i.billStage === '2nd reading')).toHaveLength(26);
    expect(feed.items[0]).toMatchObject({
      key: 'https://bills.parliament.uk/bills/3873',
      link: 'https://bills.parliament.uk/bills/3873',
      title: 'Finance Bill',
      billTitle: 'Finance Bill',
      billStage: 'Report stage',
      categories: ['Commons', 'Government Bill'],
      documentType: 'Government Bill',
      updated: '2025-01-31T19:59:52.000Z',
      summary: 'A Bill to make provision about finance.',
    });
    expect(feed.items.at(-1)).toMatchObject({
      title: 'Covid-19 Vaccine Damage Payments Bill',
      billStage: '2nd reading',
      documentType: "Private Members' Bill (Presentation Bill)",
    });
  });

  it('reads a per-bill feed: the <p4:Stage> element gives each item its stage, a sitting its own key and date', async () => {
    const feed = await parsed(parliamentBills, real('parliament-bills/pages-bills-1285.rss'), 'https://bills.parliament.uk/rss/bills/1285.rss');
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(2);
    const [sitting, publication] = feed.items;
    expect(sitting).toMatchObject({
      key: 'https://bills.parliament.uk/bills/1285#sitting:2013-07-18:1st reading',
      link: 'https://bills.parliament.uk/bills/1285#sitting:2013-07-18:1st%20reading',
      title: 'Sitting: 1st reading - Thursday, 18 July 2013',
      billTitle: 'Representation of the People Act 1981 (Amendment) Bill',
      billStage: '1st reading',
      documentType: 'Sitting',
      // The day of the sitting (midnight in London), not the record's pubDate of May 2014.
      published: '2013-07-17T23:00:00.000Z',
    });
    expect(publication).toMatchObject({
      key: 'https://www.publications.parliament.uk/pa/cm201314/cmhansrd/cm130718/debtext/130718-0001.htm#13071867000014',
      title: 'Publication: 1st reading',
      billStage: '1st reading',
      documentType: 'Publication',
      published: '2014-05-15T14:52:41.000Z',
    });
    const other = await parsed(parliamentBills, real('parliament-bills/pages-bills-3437.rss'), 'https://bills.parliament.uk/rss/bills/3437.rss');
    expect(other.items.map((i) => [i.documentType, i.billStage ?? null, i.published])).toEqual([
      ['Publication', null, '2023-03-22T16:33:13.000Z'],
      ['Sitting', '1st reading', '2023-03-21T00:00:00.000Z'],
    ]);
  });

  it('keeps every sitting of a bill, though all carry the bill page as guid and link', async () => {
    // The real 3437 feed with the sittings that followed, in the same shape (stages and dates written here).
    const body = real('parliament-bills/pages-bills-3437.rss').replace(
      '  </channel>',
      ['2nd reading - Friday, 24 March 2023', 'Committee stage - Tuesday, 18 April 2023', 'Committee stage - Thursday, 20 April 2023']
        .map(
          (t) =>
            `    <item><guid isPermaLink="true">https://bills.parliament.uk/bills/3437</guid><link>https://bills.parliament.uk/bills/3437</link><category>Sitting</category><title>Sitting: ${t}</title><description>Elections Bill</description><pubDate>Mon, 24 Apr 2023 12:00:00 Z</pubDate><p4:Stage>${t.split(' - ')[0]}</p4:Stage></item>\n`,
        )
        .join('') + '  </channel>',
    );
    const feed = await parsed(parliamentBills, body, 'https://bills.parliament.uk/rss/bills/3437.rss');
    expect(feed.warnings).toEqual([]);
    const sittings = feed.items.filter((i) => i.documentType === 'Sitting');
    expect(sittings.map((i) => [i.billStage, i.published])).toEqual([
      ['1st reading', '2023-03-21T00:00:00.000Z'],
      ['2nd reading', '2023-03-24T00:00:00.000Z'],
      ['Committee stage', '2023-04-17T23:00:00.000Z'],
      ['Committee stage', '2023-04-19T23:00:00.000Z'],
    ]);
    expect(new Set(sittings.map((i) => i.key)).size).toBe(4);
    // Evidence and events are keyed by link: each sitting links to the bill's page with itself as fragment.
    expect(new Set(sittings.map((i) => i.link)).size).toBe(4);
    expect(parliamentBills.sameLinkSameItem).toBe(false);
  });

  it('reads the 2018 per-bill feed: sittings keep their own guids and get the day they sat (dd/mm/yyyy titles)', async () => {
    const feed = await parsed(
      parliamentBills,
      fixture('parliament-services-single-bill-rss-2018.xml'),
      'http://services.parliament.uk/bills/RSS/counterterrorismandbordersecurity.xml',
    );
    const sittings = feed.items.filter((i) => /Sitting/.test(i.documentType ?? ''));
    expect(sittings).toHaveLength(35);
    expect(new Set(sittings.map((i) => i.link)).size).toBe(1);
    expect(new Set(sittings.map((i) => i.key)).size).toBe(35);
    expect(byKey(feed.items, 'http://services.parliament.uk/bills/rss/51566')).toMatchObject({
      title: 'Sitting: 12/11/2018',
      billStage: 'Committee stage',
      published: '2018-11-12T00:00:00.000Z',
      updated: '2018-10-17T15:21:30.000Z',
    });
  });

  it('says a known bill at another stage, or updated later, is an update; the same stage again is not', () => {
    const bill = { key: 'k', link: 'l', title: 't', summary: '', categories: [], billStage: 'Royal Assent', updated: '2025-02-01T10:00:00.000Z' };
    expect(parliamentBills.updateOf?.({ stage: 'Report stage', updated: '2025-01-31T10:00:00.000Z' }, bill)).toBe('stage:Royal Assent:2025-02-01T10:00:00.000Z');
    expect(parliamentBills.updateOf?.({ stage: 'Royal Assent', updated: '2025-02-01T10:00:00.000Z' }, bill)).toBeUndefined();
  });
});

describe('legislation on real captures', () => {
  it('gives bilingual entries their English title, keeps the Welsh, and never shows the id URL as a title', async () => {
    const feed = await parsed(legislation, real('legislation/roddicki-all-data-feed-2015-12-15T1429.xml'), 'https://www.legislation.gov.uk/new/data.feed');
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(20);
    expect(feed.items.filter((i) => i.title.startsWith('http'))).toEqual([]);
    const welsh = byKey(feed.items, 'http://www.legislation.gov.uk/id/wsi/2015/2017');
    expect(welsh).toMatchObject({
      title: 'The A494 Trunk Road (Wernfechan, Ruthin, Denbighshire) (Prohibition of Waiting) Order 2015',
      link: 'http://www.legislation.gov.uk/wsi/2015/2017/made',
      documentType: 'WelshStatutoryInstrument',
      published: '2015-12-15T14:27:34.846Z',
      summary: 'Welsh title: Gorchymyn Cefnffordd yr A494 (Wern, Fechan, Rhuthun, Sir Ddinbych) (Gwahardd Aros) 2015',
    });
    // Entities inside the xhtml spans are decoded.
    expect(byKey(feed.items, 'http://www.legislation.gov.uk/id/wsi/2015/1993').title).toBe(
      'The A487 Trunk Road (Llanarth to Castell Pigyn, Ceredigion) (Temporary Speed Restrictions & No Overtaking) Order 2015',
    );
    expect(feed.items.filter((i) => i.summary.includes('Welsh title: '))).toHaveLength(5);
  });

  it('reads a listing feed whose feed-level date is in the year 3200 without a warning', async () => {
    const feed = await parsed(legislation, real('legislation/roddicki-listing-1110-2016-page1.xml'), 'https://www.legislation.gov.uk/ukpga/data.feed');
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(20);
    expect(feed.items[0]).toMatchObject({
      key: 'http://www.legislation.gov.uk/id/asp/2015/13',
      title: 'Harbours (Scotland) Act 2015',
      link: 'http://www.legislation.gov.uk/asp/2015/13/enacted',
      documentType: 'ScottishAct',
      published: '2015-12-10T15:05:52.878Z',
    });
    expect(byKey(feed.items, 'http://www.legislation.gov.uk/id/ukpga/2015/34').title).toBe('Northern Ireland (Welfare Reform) Act 2015');
    // An unreadable feed date is still reported.
    const broken = real('legislation/roddicki-listing-1110-2016-page1.xml').replace('3200-01-30T00:00:00', 'not a date');
    expect((await parsed(legislation, broken, 'https://www.legislation.gov.uk/ukpga/data.feed')).warnings).toEqual([
      'feed updated: invalid date "not a date" ignored',
    ]);
  });
});

describe('parliament-statements on real captures', () => {
  const feedUrl = 'https://questions-statements-api.parliament.uk/api/writtenstatements/statements?answeringBodies=1&madeWhenFrom=2021-02-01&madeWhenTo=2021-02-01';

  it('reads the Home Office statements of 1 February 2021: titles, departments, houses, public pages', async () => {
    const feed = await parsed(parliamentStatements, real('parliament-statements/clquestions-2021-02-01-statements-home-office.json'), feedUrl);
    expect(feed.warnings).toEqual([]);
    expect(feed.items.map((i) => [i.key, i.title, i.department, i.categories[0], i.published])).toEqual([
      ['2021-02-01/HLWS745', 'Launch of the Hong Kong British National (Overseas) route', 'Home Office', 'Lords', '2021-02-01T00:00:00.000Z'],
      ['2021-02-01/HCWS751', 'Launch of the Hong Kong British National (Overseas) route', 'Home Office', 'Commons', '2021-02-01T00:00:00.000Z'],
    ]);
    expect(feed.items[1]!.link).toBe('https://questions-statements.parliament.uk/written-statements/detail/2021-02-01/HCWS751');
    // The list cuts the text at 255 characters: the item is read from the list, and its own endpoint is known.
    expect(feed.items[1]!.summary).toMatch(/by the Chin\.\.\.$/);
    expect(feed.items.map(textSourceOf)).toEqual(['list', 'list']);
    expect(feed.items.map((i) => i.detailUrl)).toEqual([
      'https://questions-statements-api.parliament.uk/api/writtenstatements/statements/1282164',
      'https://questions-statements-api.parliament.uk/api/writtenstatements/statements/1282160',
    ]);
    const member = await parsed(parliamentStatements, real('parliament-statements/clquestions-2021-02-01-statements-member-4066.json'), feedUrl);
    expect(member.items.map((i) => i.key)).toEqual(['2021-02-01/HCWS751']);
  });

  it('asks for the whole text where the feed is served (a test server, a proxy), and reads it as plain text', async () => {
    const feed = await parsed(
      parliamentStatements,
      real('parliament-statements/clquestions-2021-02-01-statements-home-office.json'),
      `${LOCAL}/api/writtenstatements/statements?take=100`,
    );
    expect(feed.items[0]!.detailUrl).toBe(`${LOCAL}/api/writtenstatements/statements/1282164`);
    const detail = parliamentStatements.readDetail!(fixture('synthetic-written-statement-detail.json'));
    expect(detail.ok && detail.value).toMatch(
      /^My right honourable friend the Minister of State for Security has today made the following statement\. The Government has today laid/,
    );
    expect(detail.ok && detail.value).toContain('we will consult on the introduction of civil penalties');
    expect(parliamentStatements.readDetail!('{"value": {"uin": "HCWS1"}}')).toMatchObject({ ok: false });
    expect(parliamentStatements.readDetail!('<html>')).toMatchObject({ ok: false });
  });
});

describe('parliament-questions on real captures', () => {
  const feedUrl = 'https://questions-statements-api.parliament.uk/api/writtenquestions/questions?answeredWhenFrom=2024-01-01&take=20';

  it('reads 20 answers of January 2024: titles with departments, dates, corrected answers updated', async () => {
    const feed = await parsed(parliamentQuestions, real('parliament-questions/aws-samples-2024-list-questions.json'), feedUrl);
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toHaveLength(20);
    expect(feed.items[0]).toMatchObject({
      key: '2024-01-05/8024',
      link: 'https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/8024',
      title: 'Incinerators (written answer, Department for Environment, Food and Rural Affairs)',
      department: 'Department for Environment, Food and Rural Affairs',
      categories: ['Commons'],
      published: '2024-03-12T00:00:00.000Z',
      detailUrl: 'https://questions-statements-api.parliament.uk/api/writtenquestions/questions/1679703',
    });
    expect(feed.items.filter((i) => i.department === 'Department for Environment, Food and Rural Affairs')).toHaveLength(10);
    expect(feed.items.filter((i) => i.updated).map((i) => [i.title, i.published, i.updated])).toEqual([
      ['Prison Officers (written answer, Ministry of Justice)', '2024-01-11T00:00:00.000Z', '2024-02-05T00:00:00.000Z'],
      ['Maternity Services: Staff (written answer, Department of Health and Social Care)', '2024-01-11T00:00:00.000Z', '2024-01-30T00:00:00.000Z'],
      ['MOD Boscombe Down: Domestic Visits (written answer, Home Office)', '2024-01-15T00:00:00.000Z', '2024-01-29T00:00:00.000Z'],
    ]);
  });

  it('says a correction is an update of the same answer; a later sighting of the same correction is not', () => {
    const answer = { key: '2024-01-05/7947', link: 'l', title: 't', summary: '', categories: [], updated: '2024-02-05T00:00:00.000Z' };
    expect(parliamentQuestions.updateOf?.({ updated: null, stage: null }, answer)).toBe('corrected:2024-02-05T00:00:00.000Z');
    expect(parliamentQuestions.updateOf?.({ updated: '2024-01-30T00:00:00.000Z', stage: null }, answer)).toBe('corrected:2024-02-05T00:00:00.000Z');
    expect(parliamentQuestions.updateOf?.({ updated: '2024-02-05T00:00:00.000Z', stage: null }, answer)).toBeUndefined();
    expect(parliamentQuestions.updateOf?.({ updated: null, stage: null }, { ...answer, updated: undefined })).toBeUndefined();
  });

  it('reads one question’s own endpoint ({value, links}, HTML answer) into the whole answer and question', () => {
    const detail = parliamentQuestions.readDetail!(real('parliament-questions/aws-samples-2024-single-question.json'));
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value).toMatch(/^The department is supporting sectors with short-term project-based work through flexi-Job apprenticeship agencies \(FJAAs\)/);
    expect(detail.value).toContain(
      'with the latest data to be published on 25 January 2024. The department intends to publish data on achievements by FJAAs in due course.',
    );
    expect(detail.value).toMatch(
      / — Asked: To ask the Secretary of State for Education, how many \(a\) starts and \(b\) completions of flexi-job apprenticeships .* since February 2022\.$/,
    );
    expect(detail.value).not.toMatch(/<p>|&nbsp;|target=/);
    expect(parliamentQuestions.readDetail!(real('parliament-questions/aws-samples-2024-list-questions.json'))).toMatchObject({ ok: false });
  });
});

describe('govuk-atom and generic on real captures', () => {
  it('govuk-atom reads the real finder example: titles and links as on GOV.UK', async () => {
    const feed = await parsed(govukAtom, fixture('govuk-finder-drug-device-alerts-atom-example.xml'), 'https://www.gov.uk/drug-device-alerts.atom');
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items.every((i) => i.link.startsWith('https://www.gov.uk/') && i.key.startsWith('/') && i.title && textSourceOf(i) === 'feed')).toBe(true);
  });

  it('govuk-atom reads today’s organisation feeds (no category, no <content>): the summary is what is matched', async () => {
    // The shape of https://www.gov.uk/government/organisations/<org>.atom today: id with #timestamp, summary only.
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>https://www.gov.uk/government/organisations/home-office</id>
  <title>Home Office - Activity on GOV.UK</title>
  <updated>2024-05-13T10:00:00+01:00</updated>
  <entry>
    <id>https://www.gov.uk/government/publications/transparency-in-supply-chains-review#2024-05-13T10:00:00+01:00</id>
    <updated>2024-05-13T10:00:00+01:00</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk/government/publications/transparency-in-supply-chains-review"/>
    <title>Transparency in supply chains: review</title>
    <summary type="html">The Government&amp;#8217;s response to the review of the Modern Slavery Act 2015.</summary>
  </entry>
</feed>`;
    const feed = await parsed(govukAtom, body, 'https://www.gov.uk/government/organisations/home-office.atom');
    expect(feed.warnings).toEqual([]);
    expect(feed.items).toEqual([
      expect.objectContaining({
        key: '/government/publications/transparency-in-supply-chains-review',
        title: 'Transparency in supply chains: review',
        summary: 'The Government’s response to the review of the Modern Slavery Act 2015.',
        updated: '2024-05-13T09:00:00.000Z',
      }),
    ]);
  });

  it('generic reads the real captures of every other source without losing an item', async () => {
    const bills = await parsed(generic, real('parliament-bills/allbills-2025-02-01-from-python-string.rss'), `${LOCAL}/feed`);
    expect(bills.items).toHaveLength(50);
    expect(bills.items[0]).toMatchObject({ title: 'Finance Bill', link: 'https://bills.parliament.uk/bills/3873', updated: '2025-01-31T19:59:52.000Z' });
    const listing = await parsed(generic, real('legislation/roddicki-listing-1110-2016-page1.xml'), `${LOCAL}/feed`);
    expect(listing.items).toHaveLength(20);
    expect(listing.items[0]!.title).toBe('Harbours (Scotland) Act 2015');
    const perBill = await parsed(generic, real('parliament-bills/pages-bills-3437.rss'), `${LOCAL}/feed`);
    expect(perBill.items.map((i) => i.title)).toEqual(['Publication: Bill 275 2022-23 (as introduced)', 'Sitting: 1st reading - Tuesday, 21 March 2023']);
  });
});
