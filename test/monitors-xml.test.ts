// legislation.gov.uk and the generic RSS/Atom monitor: strings and fixture files only, no HTTP.
import { describe, expect, it } from 'vitest';
import { generic, legislation } from '../monitors/index.ts';
import { fixture, parsed, byKey, countBy, rss } from './support/monitor-fixtures.ts';

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
