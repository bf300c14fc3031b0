// Hostile and odd input for every XML monitor (entities, non-feeds, truncation, bad dates, duplicates,
// oversized bodies), and the shared readers of dates and text in monitors/support/.
import { DateTime } from 'luxon';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { generic, govukAtom, legislation, parliamentBills, parliamentStatements } from '../monitors/index.ts';
import { checkXmlBody } from '../monitors/support/body-checks.ts';
import { parseDate } from '../monitors/support/dates.ts';
import { htmlToPlain, truncateWords } from '../monitors/support/text.ts';
import { fixture, parsed, failure, rss, atom } from './support/monitor-fixtures.ts';

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

  it('refuses oversized bodies', () => {
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
