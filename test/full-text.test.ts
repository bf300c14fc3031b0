// Parliament's cut list texts read whole, corrected answers as updates, every sitting of a bill its own
// item, and GOV.UK summary-only entries matched — through the poller, end to end, against a local server
// (127.0.0.1 only) serving real captures (test/fixtures/feeds/real/).
import { appendFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { eventsAfter, type StoredEvent } from '../src/events.ts';
import { explainItem, explanationText } from '../src/feeds/explain.ts';
import type { FeedSpec } from '../src/feeds/feed-list.ts';
import { KyselyFeedStore } from '../src/feeds/feed-store.ts';
import { createFetcher, type Fetcher } from '../src/feeds/fetch.ts';
import { Poller, type PollerDeps } from '../src/feeds/poller.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { MINI_SEEDS, tempDir, testConfig } from './support/register.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'feeds');
const real = (path: string) => readFileSync(join(FIXTURES, 'real', path), 'utf8');
const MIN = 60_000;
const QUESTIONS = '/api/writtenquestions/questions';
const STATEMENTS = '/api/writtenstatements/statements';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

let server: FeedServer;
let app: App | undefined;
let clock: ReturnType<typeof manualClock>;
let fetcher: Fetcher;
let feedStore: KyselyFeedStore;
const dirs: string[] = [];

beforeEach(async () => {
  server = await startFeedServer();
  fetcher = createFetcher({ userAgent: 'commitment-watch-test', allowPrivateNetworks: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 1_000_000 });
});

afterEach(async () => {
  fetcher.close();
  await app?.close();
  app = undefined;
  await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The mini register plus these commitments (YAML list entries). */
async function open(extra: string): Promise<void> {
  const seeds = tempDir();
  dirs.push(seeds);
  cpSync(MINI_SEEDS, seeds, { recursive: true });
  appendFileSync(join(seeds, 'registers', 'mini', 'commitments.yaml'), extra);
  clock = manualClock('2024-06-01T12:00:00Z');
  app = await openApp(testConfig(), clock, { seedsDir: seeds });
  feedStore = new KyselyFeedStore(app.db);
}

const commitment = (id: string, watch: string, department = 'Department for Education') => `  - id: ${id}
    title: A test undertaking (${id})
    quote: We will do it.
    recommendations: [3]
    department: ${department}
    madeIn: response
    madeOn: 2021-11-01
    status: not-started
    statusReason: As the test needs.
    watch:
${watch}
`;
// Words that appear only after the 255th character of the real single question's answer.
const STATISTICS = commitment('fjaa-statistics', '      any: [traineeships statistical release]');

const poller = (extra: Partial<PollerDeps> = {}) => new Poller({ feedStore, registerStore: app!.store, fetcher, clock, timeZone: 'Europe/London', ...extra });
const spec = (id: string, path: string, kind: FeedSpec['kind']): FeedSpec => ({ id, url: server.url(`${path}?take=100`), kind, everyMs: 15 * MIN });
const feedEvents = async (): Promise<StoredEvent[]> => (await eventsAfter(app!.db, 0, 10_000)).filter((e) => e.type !== 'overdue');

/** A whole result as the LIST endpoint gives it: text fields cut at 255 characters ("..." on the answer), tags gone. */
function listForm<T extends Record<string, unknown>>(result: { value: T; links: unknown }, fields: string[]): { value: T; links: unknown } {
  const value: Record<string, unknown> = { ...result.value };
  for (const field of fields) {
    const raw = value[field];
    const text = (typeof raw === 'string' ? raw : '').replace(/<[^>]*>/g, '');
    value[field] = text.length > 255 ? `${text.slice(0, 255)}${field === 'questionText' ? '' : '...'}` : text;
  }
  return { value: value as T, links: result.links };
}

const realQuestions = () =>
  JSON.parse(real('parliament-questions/aws-samples-2024-list-questions.json')) as {
    totalResults: number;
    results: { value: Record<string, unknown>; links: unknown }[];
  };
const single = () => JSON.parse(real('parliament-questions/aws-samples-2024-single-question.json')) as { value: Record<string, unknown>; links: unknown };
const withResults = (results: unknown[]) => JSON.stringify({ totalResults: results.length, results });

async function pollTwice(feeds: FeedSpec[], second: () => void, deps: Partial<PollerDeps> = {}): Promise<void> {
  await poller(deps).pollOnce(feeds);
  second();
  clock.advance(16 * MIN);
  await poller(deps).pollOnce(feeds);
}

describe('written answers: the whole text from each answer’s own endpoint', () => {
  it('reads a new answer whole and matches on words the list cut off; never on the first fetch', async () => {
    await open(STATISTICS);
    const feeds = [spec('answers', QUESTIONS, 'parliament-questions')];
    server.serveBody(QUESTIONS, JSON.stringify(realQuestions()), JSON_TYPE);
    server.serveBody(`${QUESTIONS}/1679416`, real('parliament-questions/aws-samples-2024-single-question.json'), JSON_TYPE);
    await pollTwice(feeds, () => {
      expect(server.requests().filter((r) => r.path.startsWith(`${QUESTIONS}/`))).toEqual([]); // first fetch: no lookups
      const list = realQuestions();
      server.serveBody(QUESTIONS, withResults([listForm(single(), ['answerText', 'questionText']), ...list.results]), JSON_TYPE);
    });
    expect(
      server
        .requests()
        .filter((r) => r.path.startsWith(`${QUESTIONS}/`))
        .map((r) => r.path),
    ).toEqual([`${QUESTIONS}/1679416`]);
    const events = await feedEvents();
    expect(events.map((e) => [e.type, e.commitmentId])).toEqual([['evidence', 'fjaa-statistics']]);
    expect(events[0]!.payload).toMatchObject({
      item: {
        title: 'Apprentices: Employment Agencies (written answer, Department for Education)',
        link: 'https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/7926',
      },
    });
    const why = await explainItem(feedStore, 'https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/7926');
    if (!why.ok) throw new Error(why.error);
    expect(why.value.sightings[0]!.text).toEqual([
      expect.objectContaining({
        decision: 'detail',
        detail: expect.stringMatching(/^matched on the whole text from http:\/\/127\.0\.0\.1:\d+\/api\/writtenquestions\/questions\/1679416 \(\d+ characters\)$/),
      }),
    ]);
  });

  it('when the lookup fails, matches on the list text and `why` says so', async () => {
    await open(STATISTICS);
    const feeds = [spec('answers', QUESTIONS, 'parliament-questions')];
    server.serveBody(QUESTIONS, JSON.stringify(realQuestions()), JSON_TYPE);
    // No route for the answer's own endpoint: the server answers 404.
    await pollTwice(feeds, () =>
      server.serveBody(QUESTIONS, withResults([listForm(single(), ['answerText', 'questionText']), ...realQuestions().results]), JSON_TYPE),
    );
    expect(await feedEvents()).toEqual([]);
    const why = await explainItem(feedStore, 'https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/7926');
    if (!why.ok) throw new Error(why.error);
    expect(why.value.sightings[0]!.text[0]).toMatchObject({
      decision: 'list',
      detail: expect.stringMatching(/^the full-text lookup failed \(.*404.*\): matched on the list's text instead \(\d+ characters, cut by the source\)$/),
    });
    expect(why.value.verdict).toMatch(/It was judged on the list's cut text: the full-text lookup failed \(.*404.*\)\.$/);
    expect(explanationText(why.value)).toContain('text: the full-text lookup failed');
  });

  it('reads at most the cap per feed per poll; the rest are matched on the list text, and say why', async () => {
    await open(STATISTICS);
    const feeds = [spec('answers', QUESTIONS, 'parliament-questions')];
    const [first, second, ...rest] = realQuestions().results;
    server.serveBody(QUESTIONS, withResults(rest), JSON_TYPE);
    await pollTwice(feeds, () => server.serveBody(QUESTIONS, withResults([first, second, ...rest]), JSON_TYPE), { fullTexts: { max: 1 } });
    expect(server.requests().filter((r) => r.path.startsWith(`${QUESTIONS}/`))).toHaveLength(1);
    const traces = await Promise.all(['2024-01-05/8024', '2024-01-05/7862'].map((key) => feedStore.traces('answers', key)));
    const notes = traces.map((t) => t.find((x) => x.stage === 'text')!.detail);
    expect(notes.filter((n) => n.startsWith('the full-text lookup was not made (not looked up: at most 1 whole texts are read per feed per poll)'))).toHaveLength(1);
  });

  it('an endpoint that does not answer holds the feed no longer than the budget; the item is matched on the list text', async () => {
    await open(STATISTICS);
    const feeds = [spec('answers', QUESTIONS, 'parliament-questions')];
    server.serveBody(QUESTIONS, JSON.stringify(realQuestions()), JSON_TYPE);
    server.route(`${QUESTIONS}/1679416`, () => undefined); // never answers (the fetcher would give up after 1.5 s)
    await pollTwice(
      feeds,
      () => server.serveBody(QUESTIONS, withResults([listForm(single(), ['answerText', 'questionText']), ...realQuestions().results]), JSON_TYPE),
      { fullTexts: { budgetMs: 50 } },
    );
    expect(server.requests(`${QUESTIONS}/1679416`)).toHaveLength(1);
    expect(await feedEvents()).toEqual([]);
    const [note] = (await feedStore.traces('answers', '2024-01-05/7926')).filter((t) => t.stage === 'text');
    expect(note).toMatchObject({ decision: 'list', detail: expect.stringMatching(/^the full-text lookup failed \(no answer from the item's own endpoint within /) });
  });

  it('a corrected answer is an update of the same item: one item-updated event, the correction read whole', async () => {
    await open(STATISTICS);
    const feeds = [spec('answers', QUESTIONS, 'parliament-questions')];
    const answer = listForm(single(), ['answerText', 'questionText']);
    server.serveBody(QUESTIONS, withResults([answer, ...realQuestions().results]), JSON_TYPE);
    server.serveBody(`${QUESTIONS}/1679416`, real('parliament-questions/aws-samples-2024-single-question.json'), JSON_TYPE);
    const corrected = { ...answer, value: { ...answer.value, answerIsCorrection: true, dateAnswerCorrected: '2024-01-17T00:00:00' } };
    await pollTwice(feeds, () => server.serveBody(QUESTIONS, withResults([corrected, ...realQuestions().results]), JSON_TYPE));
    let events = await feedEvents();
    expect(events.map((e) => [e.type, e.commitmentId])).toEqual([['item-updated', 'fjaa-statistics']]);
    expect(events[0]!.payload).toMatchObject({ previousUpdated: null, item: { updated: '2024-01-17T00:00:00.000Z' }, newlyMatched: ['fjaa-statistics'] });
    // Seen again unchanged: nothing more.
    clock.advance(16 * MIN);
    await poller().pollOnce(feeds, { force: true });
    events = await feedEvents();
    expect(events).toHaveLength(1);
  });
});

describe('written statements: the whole text from each statement’s own endpoint', () => {
  it('matches a Home Office statement on its whole text, which the list cut before "penalties"', async () => {
    await open('');
    const feeds = [spec('statements', STATEMENTS, 'parliament-statements')];
    server.serveBody(STATEMENTS, real('parliament-statements/clquestions-2021-02-01-statements-home-office.json'), JSON_TYPE);
    const detail = readFileSync(join(FIXTURES, 'synthetic-written-statement-detail.json'), 'utf8');
    server.serveBody(`${STATEMENTS}/1731210`, detail, JSON_TYPE);
    const homeOffice = JSON.parse(real('parliament-statements/clquestions-2021-02-01-statements-home-office.json')) as { results: unknown[] };
    await pollTwice(feeds, () =>
      server.serveBody(
        STATEMENTS,
        withResults([listForm(JSON.parse(detail) as { value: Record<string, unknown>; links: unknown }, ['text']), ...homeOffice.results]),
        JSON_TYPE,
      ),
    );
    const events = await feedEvents();
    // modern-slavery-penalties (mini register) needs "penalt", which only the whole text has.
    // A Home Office statement on it also proposes in-progress (the commitment is stalled).
    expect(events.map((e) => [e.type, e.commitmentId])).toEqual([
      ['evidence', 'modern-slavery-penalties'],
      ['status-proposal', 'modern-slavery-penalties'],
    ]);
    expect(events[0]!.payload).toMatchObject({ item: { title: 'Modern Slavery Act 2015: Review of Transparency in Supply Chains' } });
    expect(events[1]!.payload).toMatchObject({ from: 'stalled', to: 'in-progress', rule: 'written-statement' });
  });
});

describe('per-bill feeds: every sitting is its own item', () => {
  it('a new sitting of a linked bill (same guid and link as the first) is new, with its stage', async () => {
    await open(commitment('elections-bill', '      any: [elections bill]\n      bills: [Elections Bill]', 'Cabinet Office'));
    const feeds = [spec('bill-3437', '/bills/3437.rss', 'parliament-bills')];
    const first = real('parliament-bills/pages-bills-3437.rss');
    server.serveBody('/bills/3437.rss', first, { 'content-type': 'application/rss+xml' });
    const sitting = `    <item><guid isPermaLink="true">https://bills.parliament.uk/bills/3437</guid><link>https://bills.parliament.uk/bills/3437</link><category>Sitting</category><title>Sitting: 2nd reading - Friday, 24 March 2023</title><description>Elections Bill: House of Commons 2nd reading</description><pubDate>Mon, 27 Mar 2023 12:00:00 Z</pubDate><p4:Stage>2nd reading</p4:Stage></item>\n  </channel>`;
    await pollTwice(feeds, () => server.serveBody('/bills/3437.rss', first.replace('  </channel>', sitting), { 'content-type': 'application/rss+xml' }));
    const events = await feedEvents();
    expect(events.map((e) => e.type)).toEqual(['evidence', 'status-proposal']);
    expect(events[0]!.payload).toMatchObject({
      item: {
        title: 'Sitting: 2nd reading - Friday, 24 March 2023',
        link: 'https://bills.parliament.uk/bills/3437#sitting:2023-03-24:2nd%20reading',
        published: '2023-03-24T00:00:00.000Z',
      },
    });
    expect(events[1]!.payload).toMatchObject({
      commitment: 'elections-bill',
      from: 'not-started',
      to: 'in-progress',
      rule: 'bill-progress',
      reason: 'Elections Bill reached 2nd reading (Parliament bills feed)',
    });
    const items = await feedStore.items('bill-3437');
    expect(items.map((i) => [i.key, i.stage]).sort()).toEqual([
      ['https://bills.parliament.uk/bills/3437#sitting:2023-03-21:1st reading', '1st reading'],
      ['https://bills.parliament.uk/bills/3437#sitting:2023-03-24:2nd reading', '2nd reading'],
      ['https://publications.parliament.uk/pa/bills/cbill/58-03/0275/220275.pdf', null],
    ]);
  });
  it('each later sitting of a linked bill is reported too, though every sitting links to the bill page', async () => {
    await open(commitment('elections-bill', '      any: [elections bill]\n      bills: [Elections Bill]', 'Cabinet Office'));
    const feeds = [spec('bill-3437', '/bills/3437.rss', 'parliament-bills')];
    const first = real('parliament-bills/pages-bills-3437.rss');
    const sitting = (title: string, stage: string) =>
      `    <item><guid isPermaLink="true">https://bills.parliament.uk/bills/3437</guid><link>https://bills.parliament.uk/bills/3437</link><category>Sitting</category><title>Sitting: ${title}</title><description>Elections Bill: House of Commons ${stage}</description><pubDate>Mon, 24 Apr 2023 12:00:00 Z</pubDate><p4:Stage>${stage}</p4:Stage></item>\n`;
    const serve = (...sittings: string[]) =>
      server.serveBody('/bills/3437.rss', first.replace('  </channel>', `${sittings.join('')}  </channel>`), { 'content-type': 'application/rss+xml' });
    serve();
    const second = sitting('2nd reading - Friday, 24 March 2023', '2nd reading');
    await pollTwice(feeds, () => serve(second));
    clock.advance(16 * MIN);
    serve(second, sitting('Committee stage - Tuesday, 18 April 2023', 'Committee stage'));
    await poller().pollOnce(feeds);
    const events = await feedEvents();
    const evidence = events.filter((e) => e.type === 'evidence').map((e) => (e.payload.item as { title: string }).title);
    expect(evidence).toEqual(['Sitting: 2nd reading - Friday, 24 March 2023', 'Sitting: Committee stage - Tuesday, 18 April 2023']);
  });
});

describe('GOV.UK feeds without <content>', () => {
  it('matches an organisation-feed entry on its summary', async () => {
    await open('');
    const feeds = [spec('govuk-ho', '/home-office.atom', 'govuk-atom')];
    const feed = (entries: string) => `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><id>https://www.gov.uk/government/organisations/home-office</id><title>Home Office - Activity on GOV.UK</title><updated>2024-05-13T10:00:00+01:00</updated>${entries}</feed>`;
    const entry = `<entry><id>https://www.gov.uk/government/publications/tisc-review#2024-05-13T10:00:00+01:00</id><updated>2024-05-13T10:00:00+01:00</updated><link rel="alternate" type="text/html" href="https://www.gov.uk/government/publications/tisc-review"/><title>Transparency in supply chains: government response</title><summary type="html">How the Government will bring in civil penalties under the Modern Slavery Act for organisations that fail to publish a statement.</summary></entry>`;
    server.serveBody('/home-office.atom', feed(''), { 'content-type': 'application/atom+xml' });
    await pollTwice(feeds, () => server.serveBody('/home-office.atom', feed(entry), { 'content-type': 'application/atom+xml' }));
    expect((await feedEvents()).map((e) => [e.type, e.commitmentId])).toEqual([['evidence', 'modern-slavery-penalties']]);
  });
});
