// `commitment-watch feeds check <url>` against the local feed server (127.0.0.1 only) serving real captures.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { cli, tempDir } from './support/register.ts';

/** The control characters in a text (tab and newline allowed), up to DEL (0x7f) or the C1 set (to 0x9f). */
const controlCharacters = (text: string, last: 0x7f | 0x9f): string[] =>
  [...text].filter((c) => {
    const n = c.codePointAt(0)!;
    return n <= 0x08 || (n >= 0x0b && n <= 0x1f) || (n >= 0x7f && n <= last);
  });

const REAL = join(import.meta.dirname, 'fixtures', 'feeds', 'real');
const real = (path: string) => readFileSync(join(REAL, path), 'utf8');
const LOCAL = { ALLOW_PRIVATE_FEED_ADDRESSES: 'true' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

interface Checked {
  kind: string;
  items: {
    key: string;
    title: string;
    link: string;
    published: string | null;
    updated: string | null;
    stage: string | null;
    department: string | null;
    textChars: number;
    textSource: string;
  }[];
  warnings: string[];
}
const check = async (args: string[]) => cli(['feeds', 'check', ...args], { env: LOCAL });

describe('feeds check', () => {
  it('reads a per-bill feed, recognised from its body: every sitting with its stage and date', async () => {
    server.serveFile('/bills/1285.rss', join(REAL, 'parliament-bills/pages-bills-1285.rss'));
    const r = await check([server.url('/bills/1285.rss'), '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().startsWith('{')).toBe(true);
    const out = r.json() as Checked;
    expect(Object.keys(out)).toEqual(['kind', 'items', 'warnings']);
    expect(out).toEqual({
      kind: 'parliament-bills',
      warnings: [],
      items: [
        {
          key: 'https://bills.parliament.uk/bills/1285#sitting:2013-07-18:1st reading',
          title: 'Sitting: 1st reading - Thursday, 18 July 2013',
          link: 'https://bills.parliament.uk/bills/1285#sitting:2013-07-18:1st%20reading',
          published: '2013-07-17T23:00:00.000Z',
          updated: null,
          stage: '1st reading',
          department: null,
          textChars: 84,
          textSource: 'feed',
        },
        expect.objectContaining({ title: 'Publication: 1st reading', stage: '1st reading', published: '2014-05-15T14:52:41.000Z', textSource: 'feed' }),
      ],
    });
  });

  it('reads written answers whole from their own endpoints, as the poller would, and says where each text came from', async () => {
    const list = JSON.parse(real('parliament-questions/aws-samples-2024-list-questions.json')) as { results: { value: { id: number } }[] };
    server.serveBody('/api/writtenquestions/questions', JSON.stringify({ totalResults: 2, results: list.results.slice(0, 2) }), JSON_TYPE);
    // The first answer's own endpoint answers with the real single-question shape; the second is missing (404).
    server.serveBody(`/api/writtenquestions/questions/${list.results[0]!.value.id}`, real('parliament-questions/aws-samples-2024-single-question.json'), JSON_TYPE);
    const r = await check([server.url('/api/writtenquestions/questions?take=2'), '--kind', 'parliament-questions', '--json']);
    expect(r.code).toBe(0);
    const out = r.json() as Checked;
    expect(out.kind).toBe('parliament-questions');
    expect(out.items.map((i) => [i.title, i.department, i.stage, i.textSource])).toEqual([
      ['Incinerators (written answer, Department for Environment, Food and Rural Affairs)', 'Department for Environment, Food and Rural Affairs', null, 'detail'],
      [
        'River Tame: Pollution (written answer, Department for Environment, Food and Rural Affairs)',
        'Department for Environment, Food and Rural Affairs',
        null,
        'list',
      ],
    ]);
    expect(out.items[0]!.textChars).toBeGreaterThan(1000);
    expect(out.items[1]!.textChars).toBeLessThan(600);
    expect(out.warnings).toEqual([expect.stringMatching(/^2024-01-05\/7862: the full-text lookup failed \(.*404.*\); read from the list$/)]);
    // The monitor's date window was added to the request, as the poller does.
    const requested = server.requests('/api/writtenquestions/questions')[0]!.url;
    expect(requested).toContain('answeredWhenFrom=2024-05-18');
    expect(requested).toContain('take=2');
  });

  it('past the cap, says the lookup was not made rather than that it failed', async () => {
    server.serveFile('/api/writtenquestions/questions', join(REAL, 'parliament-questions/aws-samples-2024-list-questions.json'));
    const out = (await check([server.url('/api/writtenquestions/questions'), '--json'])).json() as Checked;
    expect(out.items).toHaveLength(20);
    expect(server.requests().filter((r) => r.path.startsWith('/api/writtenquestions/questions/'))).toHaveLength(10);
    expect(out.warnings.filter((w) => /the full-text lookup failed \(.*404/.test(w))).toHaveLength(10);
    expect(
      out.warnings.filter((w) => /the full-text lookup was not made \(not looked up: at most 10 whole texts are read per feed per poll\)/.test(w)),
    ).toHaveLength(10);
  });

  it('prints readable text by default, with feed text made safe for the terminal', async () => {
    const body = real('parliament-bills/pages-bills-3437.rss').replace(
      'Publication: Bill 275 2022-23 (as introduced)',
      'Publication: Bill 275\u001b[2J\u001b]0;owned\u0007 (as introduced)',
    );
    server.serveBody('/bills/3437.rss', body, { 'content-type': 'application/rss+xml' });
    const r = await check([server.url('/bills/3437.rss')]);
    expect(r.code).toBe(0);
    expect(controlCharacters(r.stdout, 0x7f)).toEqual([]);
    expect(r.stdout).toContain(`parliament-bills (recognised) · 2 items · ${server.url('/bills/3437.rss')}`);
    expect(r.stdout).toContain('“Elections Bill”');
    expect(r.stdout).toMatch(
      / {2}2\. Sitting: 1st reading - Tuesday, 21 March 2023\n {5}https:\/\/bills\.parliament\.uk\/bills\/3437#sitting:2023-03-21:1st%20reading\n {5}published 2023-03-21T00:00:00\.000Z · stage 1st reading · text 44 characters from the feed\n {5}key https:\/\/bills\.parliament\.uk\/bills\/3437#sitting:2023-03-21:1st reading/,
    );
    expect(r.stdout).toContain('Nothing was stored.');
  });

  it('reads a legislation listing: English titles, no warning for its year-3200 feed date', async () => {
    server.serveFile('/ukpga/data.feed', join(REAL, 'legislation/roddicki-listing-1110-2016-page1.xml'));
    const out = (await check([server.url('/ukpga/data.feed'), '--json'])).json() as Checked;
    expect(out.kind).toBe('legislation');
    expect(out.warnings).toEqual([]);
    expect(out.items).toHaveLength(20);
    expect(out.items[0]).toMatchObject({
      title: 'Harbours (Scotland) Act 2015',
      link: 'http://www.legislation.gov.uk/asp/2015/13/enacted',
      stage: null,
      department: null,
      textSource: 'feed',
    });
  });

  it('fails in one line, non-zero, for a bad URL, an unknown kind, an unreadable body, or an address it may not fetch', async () => {
    const bad = await check(['not a url']);
    expect([bad.code, bad.stderr]).toEqual([1, 'commitment-watch: not an http(s) URL: "not a url"\n']);
    const kind = await check([server.url('/x'), '--kind', 'tweets']);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toBe(
      'commitment-watch: unknown kind "tweets": expected one of govuk-atom, parliament-bills, parliament-statements, parliament-questions, legislation, generic\n',
    );
    server.serveBody('/page', '<!doctype html><html><body>Hello</body></html>', { 'content-type': 'text/html' });
    const page = await check([server.url('/page')]);
    expect(page.code).toBe(1);
    expect(page.stderr).toMatch(
      /^commitment-watch: cannot tell what kind of feed http:\/\/127\.0\.0\.1:\d+\/page is \(received an HTML page, not a feed .*\); give --kind \(one of .*\)\n$/,
    );
    const missing = await check([server.url('/nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')).toHaveLength(2);
    expect(missing.stderr).toContain('404');
    // Without ALLOW_PRIVATE_FEED_ADDRESSES the loopback address is refused before any connection.
    const before = server.connectionCount;
    const refused = await cli(['feeds', 'check', server.url('/bills/1285.rss')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^commitment-watch: Refused to fetch .*\n$/);
    expect(server.connectionCount).toBe(before);
  });

  it('stores nothing: no database is created or opened', async () => {
    server.serveFile('/bills/1285.rss', join(REAL, 'parliament-bills/pages-bills-1285.rss'));
    const dir = tempDir();
    try {
      const db = join(dir, 'never.sqlite');
      const r = await cli(['feeds', 'check', server.url('/bills/1285.rss')], { env: { ...LOCAL, DATABASE_URL: db } });
      expect(r.code).toBe(0);
      expect(existsSync(db)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so in one line when nothing answers', async () => {
    const gone = await startFeedServer();
    const url = gone.url('/feed.rss');
    await gone.close();
    const r = await check([url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^commitment-watch: Network error fetching http:\/\/127\.0\.0\.1:\d+\/feed\.rss: .*\n$/);
  });
});
