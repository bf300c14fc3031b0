// `commitment-watch poll --once` and `why`, in-process, against fixtures served on 127.0.0.1, with a store
// in a temp folder (DATABASE_URL) so a second run sees what the first recorded.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { coloursFor } from '../src/cli/colours.ts';
import { renderEvent } from '../src/cli/poll-command.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { MINI_SEEDS, tempDir } from './support/register.ts';

/** A control character other than tab and newline (C0, DEL and C1): a terminal would act on it. */
const CONTROL_CHARACTER = /[^\P{Cc}\t\n]/u;

const FIXTURES = join(import.meta.dirname, 'fixtures', 'feeds');
const committeeNews = readFileSync(join(FIXTURES, 'parliament-committee-news-rss-2018.xml'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

let server: FeedServer;
let dir: string;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  server = await startFeedServer();
  dir = tempDir('cw-poll-');
  clock = manualClock('2024-06-01T12:00:00Z');
});
afterEach(() => server.close());

/** The store every run of the CLI in a test shares (and an App standing for another process opens). */
const storeUrl = () => `file:${join(dir, 'store.sqlite')}`;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: {
      DATABASE_URL: storeUrl(),
      LOG_LEVEL: 'silent',
      ALLOW_PRIVATE_FEED_ADDRESSES: 'true',
      BOT_CONTACT: 'mailto:ops@example.org',
      CI: 'true', // as on a CI runner: the output is no terminal, so it stays plain
      GOVUK_CONTENT_API_URL: server.url('/api/content'),
      ...env,
    },
    seedsDir: MINI_SEEDS,
    clock,
    io: { out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`) },
  });
  const lines = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, lines };
}

function feedsFile(feeds: unknown[]): string {
  const file = join(dir, 'feeds.json');
  writeFileSync(file, JSON.stringify(feeds));
  return file;
}

const withNewItem = (title: string) =>
  committeeNews.replace(
    '<item>',
    `<item><title>${title}</title><link>https://committees.example.org/news/new-1</link><guid>new-1</guid><description>Evidence session.</description><pubDate>Sat, 01 Jun 2024 11:00:00 GMT</pubDate></item><item>`,
  );

describe('poll --once', () => {
  it('prints one JSON line per event; a second run prints only what is new; why explains an item', async () => {
    server.serveBody('/committee.rss', committeeNews, { 'content-type': 'application/rss+xml', etag: '"1"' });
    server.serveFile('/legislation.feed', join(FIXTURES, 'legislation-gov-uk-new-data-feed-2015.xml'));
    const file = feedsFile([
      { id: 'committee', url: server.url('/committee.rss') },
      { id: 'legislation', url: server.url('/legislation.feed'), kind: 'legislation' },
    ]);

    const first = await cli(['poll', '--once', '--feeds', file, '--json']);
    expect(first.code).toBe(0);
    // The first fetch posts nothing; the only event is the mini register's overdue commitment.
    expect(first.lines()).toEqual([expect.objectContaining({ type: 'overdue', commitment: 'modern-slavery-penalties', deadline: '2022-12-31' })]);
    expect(server.requests('/committee.rss')[0]?.headers['user-agent']).toBe(`commitment-watch/${VERSION} (+mailto:ops@example.org)`);

    server.serveBody('/committee.rss', withNewItem('Trade envoy course on forced labour launched'), { 'content-type': 'application/rss+xml', etag: '"2"' });
    clock.advance(60_000);
    const second = await cli(['poll', '--once', '--feeds', file, '--json']);
    expect(second.code).toBe(0);
    const lines = second.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type: 'evidence',
      commitment: 'trade-envoy-training',
      feed: 'committee',
      item: { title: 'Trade envoy course on forced labour launched', link: 'https://committees.example.org/news/new-1', published: '2024-06-01T11:00:00.000Z' },
      score: expect.any(Number),
      matched: ['trade envoy'],
    });
    expect(server.requests('/committee.rss')[1]?.headers['if-none-match']).toBe('"1"');

    clock.advance(60_000);
    const third = await cli(['poll', '--once', '--feeds', file, '--json']);
    expect(third.code).toBe(0);
    expect(third.stdout).toBe('');

    // What was found is the commitment's evidence, with where it came from.
    const evidence = await cli(['evidence', 'trade-envoy-training', '--json']);
    expect(JSON.parse(evidence.stdout)).toEqual([
      expect.objectContaining({
        url: 'https://committees.example.org/news/new-1',
        title: 'Trade envoy course on forced labour launched',
        source: 'committee',
        matched: ['trade envoy'],
        published: '2024-06-01T11:00:00.000Z',
      }),
    ]);
    expect((await cli(['evidence', 'trade-envoy-training'])).stdout).toMatch(
      /2024-06-01 {2}Trade envoy course on forced labour launched\n +https:\/\/committees\.example\.org\/news\/new-1\n +via committee, score [\d.]+ \[trade envoy\]/,
    );

    const why = await cli(['why', 'https://committees.example.org/news/new-1']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('Posted: event');
    expect(why.stdout).toMatch(/✓ trade-envoy-training {2}score [\d.]+ \[trade envoy\]/);
    const whyJson = JSON.parse((await cli(['why', 'https://committees.example.org/news/new-1', '--json'])).stdout) as Record<string, unknown>;
    expect(whyJson).toMatchObject({ posted: true, sightings: [{ feed: 'committee', identity: [{ decision: 'new' }] }] });

    // An item of the first fetch: seen, not posted, and why.
    const old = await cli([
      'why',
      'http://www.parliament.uk/business/committees/committees-a-z/commons-select/administration-committee/news-parliament-2017/single-use-plastics-in-parliament/',
    ]);
    expect(old.code).toBe(0);
    expect(old.stdout).toMatch(/Not posted: it was already in the feed when the bot first read it/);

    const unknown = await cli(['why', 'https://example.org/never-seen']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/no feed item with the link https:\/\/example\.org\/never-seen has been seen/);
  });

  it('reads by default; failed feeds are events, not a failed run', async () => {
    server.serveBody('/broken.rss', '<!doctype html><html><body>Sorry</body></html>', { 'content-type': 'text/html' });
    server.serveFile('/ok.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const file = feedsFile([
      { id: 'broken', url: server.url('/broken.rss') },
      { id: 'ok', url: server.url('/ok.rss') },
    ]);
    const r = await cli(['poll', '--once', '--feeds', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[feed\] broken failing: .*HTML page/);
    expect(r.stdout).toMatch(/\[overdue\] modern-slavery-penalties deadline 2022-12-31 passed/);
    expect(r.stderr).toMatch(/Polled 2 feeds: 1 read, 0 unchanged, 1 failed, 0 skipped; 2 new events\./);
  });

  it('feeds status shows which process polled each feed last and which holds it now (until its claim expires)', async () => {
    server.serveFile('/ok.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const file = feedsFile([{ id: 'ok', url: server.url('/ok.rss') }]);
    await cli(['poll', '--once', '--feeds', file]);
    const [polled] = JSON.parse((await cli(['feeds', 'status', '--json'])).stdout) as { lastPolledBy: string; heldBy: unknown }[];
    expect(polled!.lastPolledBy).toMatch(/^.+:\d+:[0-9a-f]{8}$/); // the CLI run's process: host, pid, random part
    expect(polled!.heldBy).toBeNull();
    // Another process (a bot on the same store) is polling it now, with a claim until 12:05 and an escape sequence in its name.
    const config = loadConfig({ DATABASE_URL: storeUrl(), LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
    if (!config.ok) throw new Error(config.error.join('; '));
    const other = await openApp(config.value, clock, { seedsDir: MINI_SEEDS });
    expect(await other.feeds.claim('ok', 'bot-2:77:\u001b[31mabcd', clock.now().toISOString(), '2024-06-01T12:05:00.000Z')).toBeDefined();
    await other.close();
    const text = (await cli(['feeds', 'status'])).stdout;
    expect(text).toContain(`last polled by ${polled!.lastPolledBy} at 2024-06-01T12:00:00.000Z`);
    expect(text).toContain('being polled by bot-2:77:[31mabcd (claim until 2024-06-01T12:05:00.000Z)');
    expect(text).not.toMatch(CONTROL_CHARACTER);
    clock.advance(5 * 60_000); // the claim has expired: nobody holds it now
    expect((await cli(['feeds', 'status'])).stdout).not.toContain('being polled by');
  });

  it('feeds status lists failing feeds first; feeds enable puts one back, once, and names the closest ids for a typo', async () => {
    server.serveBody('/broken.rss', '<!doctype html><html><body>Sorry</body></html>', { 'content-type': 'text/html' });
    server.serveFile('/ok.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const file = feedsFile([
      { id: 'ok', url: server.url('/ok.rss') },
      { id: 'broken', url: server.url('/broken.rss') },
    ]);
    await cli(['poll', '--once', '--feeds', file]);

    const status = await cli(['feeds', 'status', '--json']);
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.stdout) as { id: string; health: string; consecutiveFailures: number; reason: string | null }[];
    expect(rows.map((f) => [f.id, f.health, f.consecutiveFailures])).toEqual([
      ['broken', 'failing', 1],
      ['ok', 'healthy', 0],
    ]);
    expect(rows[0]!.reason).toMatch(/HTML page/);
    expect((await cli(['feeds', 'status'])).stdout).toMatch(/^failing +broken +http:\/\/127\.0\.0\.1:\d+\/broken\.rss\n +.*HTML page/);

    const enabled = await cli(['feeds', 'enable', 'broken']);
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toBe('broken was failing; it is healthy again and will be polled at its next slot.\n');
    const again = await cli(['feeds', 'enable', 'broken', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'broken', health: 'healthy', previous: 'healthy', changed: false });
    // Still broken: the next poll reports it failing again.
    clock.advance(20 * 60_000);
    const poll = await cli(['poll', '--once', '--feeds', file, '--json']);
    const health = poll.lines().filter((l) => l.type === 'feed-health');
    expect(health.map((l) => [l.feed, l.change, l.previous])).toEqual([['broken', 'failing', 'healthy']]);

    const typo = await cli(['feeds', 'enable', 'brokn']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('commitment-watch: no feed has the id "brokn"; did you mean broken, ok?\n');
  });

  it("a minister's written answer restating a commitment is evidence for it (recognised from the body), and proposes nothing", async () => {
    const full = JSON.parse(readFileSync(join(FIXTURES, 'synthetic-written-questions.json'), 'utf8')) as { results: { value: { uin: string } }[] };
    const only = (uins: string[]) => JSON.stringify({ ...full, results: full.results.filter((r) => uins.includes(r.value.uin)) });
    server.serveBody('/answers.json', only(['HL4120']), { 'content-type': 'application/json' });
    const file = feedsFile([{ id: 'answers', url: server.url('/answers.json') }]);
    await cli(['poll', '--once', '--feeds', file, '--json']);
    server.serveBody('/answers.json', only(['HL4120', '25301', '25302']), { 'content-type': 'application/json' });
    clock.advance(60_000);
    const second = await cli(['poll', '--once', '--feeds', file, '--json']);
    const lines = second.lines().filter((l) => l.type !== 'overdue');
    expect(lines).toEqual([
      expect.objectContaining({
        type: 'evidence',
        commitment: 'modern-slavery-penalties',
        feed: 'answers',
        item: expect.objectContaining({
          title: 'Modern Slavery: Supply Chains (written answer, Home Office)',
          link: 'https://questions-statements.parliament.uk/written-questions/detail/2024-05-08/25301',
        }),
      }),
    ]);
    expect(server.requests('/answers.json')[1]!.url).toMatch(/answeredWhenFrom=\d{4}-\d{2}-\d{2}/);
  });

  it("why prints feed text and what an item's own endpoint answered without control characters", async () => {
    const list = JSON.parse(readFileSync(join(FIXTURES, 'real', 'parliament-questions', 'aws-samples-2024-list-questions.json'), 'utf8')) as {
      results: { value: { id: number; heading: string } }[];
    };
    const [first, ...rest] = list.results;
    server.serveBody('/answers.json', JSON.stringify({ totalResults: rest.length, results: rest }), { 'content-type': 'application/json' });
    const file = feedsFile([{ id: 'answers', url: server.url('/answers.json'), kind: 'parliament-questions' }]);
    await cli(['poll', '--once', '--feeds', file, '--json']);
    first!.value.heading = 'Incinerators\u001b]0;pwned\u0007';
    server.serveBody('/answers.json', JSON.stringify({ totalResults: list.results.length, results: [first, ...rest] }), { 'content-type': 'application/json' });
    // The answer's own endpoint answers with a page, not JSON: the parser's message quotes it.
    server.serveBody(`/api/writtenquestions/questions/${first!.value.id}`, '<html>\u001b[2J\u001b]0;owned\u0007</html>', { 'content-type': 'text/html' });
    clock.advance(60_000);
    await cli(['poll', '--once', '--feeds', file, '--json']);
    const why = await cli(['why', 'https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/8024']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('“Incinerators]0;pwned (written answer, Department for Environment, Food and Rural Affairs)”');
    expect(why.stdout).toMatch(/text: the full-text lookup failed \(invalid JSON: .*<html>\[2J/);
    expect(why.stdout).not.toMatch(CONTROL_CHARACTER);
  });

  it('feed text reaches the terminal without control characters; the colour is still ours', () => {
    const event = {
      id: 1,
      type: 'item-updated' as const,
      commitmentId: 'report-export-controls-review',
      feedId: 'fcdo',
      dedupeKey: 'k',
      createdAt: '2024-06-01T12:00:00.000Z',
      payload: { item: { title: 'Export controls \u001b]0;pwned\u0007review\u001b[2J', link: 'https://www.gov.uk/x', changeNote: 'Added\u0000 annex' } },
    };
    const text = renderEvent(event, coloursFor({ FORCE_COLOR: '1' }, false));
    expect(text).toContain('“Export controls ]0;pwnedreview[2J”');
    expect(text).toContain('Added annex');
    // eslint-disable-next-line no-control-regex -- the point: no control character from the feed survives
    expect(text).not.toMatch(/[\u0000\u0007]|\u001b\]|\u001b\[2J/);
    expect(text).toContain('\u001b[1m[updated]'); // bold, from us
  });

  it('refuses loopback addresses unless ALLOW_PRIVATE_FEED_ADDRESSES is set', async () => {
    server.serveFile('/ok.rss', join(FIXTURES, 'parliament-committee-news-rss-2018.xml'));
    const file = feedsFile([{ id: 'ok', url: server.url('/ok.rss') }]);
    const r = await cli(['poll', '--once', '--feeds', file, '--json'], { ALLOW_PRIVATE_FEED_ADDRESSES: '' });
    expect(r.code).toBe(0);
    expect(r.lines().find((l) => l.type === 'feed-health')).toMatchObject({ feed: 'ok', health: 'failing', reason: expect.stringMatching(/Refused/) });
    expect(server.connectionCount).toBe(0);
  });

  it('needs --once, and says what is wrong with a feeds file', async () => {
    expect((await cli(['poll'])).stderr).toMatch(/add --once/);
    const file = feedsFile([{ id: 'x', url: 'ftp://example.org/feed' }]);
    const r = await cli(['poll', '--once', '--feeds', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the feeds file is invalid:\n {2}- .*feeds\.json: \[0\]\.url \(line 1\): must be an http\(s\) URL/);
  });
});
