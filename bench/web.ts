// The tracker page at 10,000 commitments: p50/p99 of `/` (a page of 50: the scoreboard chart, the filter
// form, the list) over HTTP on 127.0.0.1, against two baselines measured in the same run: the same page of
// 50 through the CLI's list path (query core + terminal rendering, no HTTP), and a static file (/style.css)
// served by the same server (what HTTP and the framework cost alone). Goal: `/` p99 under 50 ms.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { renderList } from '../src/cli/format.ts';
import { coloursFor } from '../src/cli/colours.ts';
import { manualClock } from '../src/clock.ts';
import { openStore } from '../src/db/database.ts';
import { KyselyFeedStore } from '../src/feeds/feed-store.ts';
import { STATUSES, type CommitmentSeed, type RecommendationSeed } from '../src/domain.ts';
import { silentLogger } from '../src/log.ts';
import { RegisterQueries } from '../src/queries.ts';
import { applySeeds } from '../src/seed/apply-seeds.ts';
import { KyselyRegisterStore } from '../src/store/kysely-register-store.ts';
import { siteLinks } from '../src/web/links.ts';
import { startTrackerServer, trackerFor } from '../src/web/server.ts';

const DEPARTMENTS = [
  'Foreign, Commonwealth and Development Office',
  'Department for Business and Trade',
  'Home Office',
  'Cabinet Office',
  'Department for Education',
];
const THEMES = [
  'The Multilateral System',
  'Diaspora and Culture',
  'Forced labour and the private sector',
  'Technology and research',
  "The UK's approach to atrocity prevention",
];
const WORDS =
  'export control review forced labour modern slavery penalties transparency supply chains procurement guidance training envoys uyghur community sanctions xinjiang atrocity prevention'.split(
    ' ',
  );

function rng(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function time(label: string, runs: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn(i); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function benchWeb(size = 10_000) {
  const random = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const recommendations: RecommendationSeed[] = Array.from({ length: 200 }, (_, i) => ({
    number: i + 1,
    theme: pick(THEMES),
    text: `The Government should ${sentence(30)}.`,
    response: `We ${sentence(60)}.`,
    position: pick(['accepted', 'accepted-in-part', 'noted', 'not-accepted'] as const),
    rationale: 'Synthetic.',
    departments: [pick(DEPARTMENTS)],
  }));
  const commitments: CommitmentSeed[] = Array.from({ length: size }, (_, i) => ({
    id: `commitment-${i}`,
    title: `Commitment ${i}: ${sentence(8)}`,
    quote: `We will ${sentence(40)}.`,
    recommendations: [1 + (i % 200)],
    department: pick(DEPARTMENTS),
    madeIn: 'response',
    madeOn: '2021-11-01',
    deadline: random() < 0.3 ? { date: `202${Math.floor(random() * 6)}-0${1 + Math.floor(random() * 9)}-15`, revised: [] } : undefined,
    status: pick(STATUSES),
    statusReason: 'Synthetic.',
    history: [],
    evidence: [],
    watch: { names: [], any: [sentence(2)], all: [], none: [], feedKinds: [], bills: [] },
    rules: [],
  }));
  const file = join(tmpdir(), `cw-bench-web-${process.pid}.sqlite`);
  const opened = await openStore({ dialect: 'sqlite', filename: file });
  try {
    const store = new KyselyRegisterStore(opened.db);
    await applySeeds(
      store,
      [
        {
          manifest: {
            id: 'bench',
            title: 'Bench',
            committee: 'Bench Committee',
            documents: [{ id: 'response', kind: 'government-response', title: 'R', published: '2021-11-14' }],
          },
          recommendations,
          commitments,
        },
      ],
      new Date('2026-01-01T00:00:00Z'),
    );
    const clock = manualClock('2026-06-01T12:00:00Z');
    const queries = new RegisterQueries(store, clock, 'Europe/London');
    const app = { queries, store, feeds: new KyselyFeedStore(opened.db) };
    const server = await startTrackerServer(app, { port: 0, host: '127.0.0.1', clock, logger: silentLogger });
    const tracker = trackerFor(app);
    const get = async (path: string) => {
      const r = await fetch(new URL(path, server.url));
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      return r.text();
    };
    const pc = coloursFor({ NO_COLOR: '1' }, false);
    const pages = size / 50;
    try {
      const results = {
        page: await time('GET / (page of 50, chart, form)', 300, (i) => get(i % 2 ? `?page=${1 + ((i * 37) % pages)}` : '')),
        filtered: await time('GET /?status=…&department=trade&page=3', 300, (i) => get(`?status=${STATUSES[i % STATUSES.length]}&department=trade&page=3`)),
        search: await time('GET /?q=<2 words>', 300, (i) => get(`?q=${WORDS[i % WORDS.length]}+${WORDS[(i * 3) % WORDS.length]}`)),
        commitment: await time('GET /commitments/<id>', 300, (i) => get(`commitments/commitment-${(i * 7919) % size}`)),
        inProcess: await time('the same / rendered in-process (no HTTP)', 300, async (i) =>
          tracker.index(await tracker.context(siteLinks({ depth: 0 })), i % 2 ? { page: String(1 + ((i * 37) % pages)) } : {}),
        ),
        cliList: await time('baseline: CLI list path, page of 50', 300, async (i) =>
          renderList(await queries.list({ page: 1 + ((i * 37) % pages), pageSize: 50 }), pc),
        ),
        staticFile: await time('baseline: GET /style.css (same server)', 300, () => get('style.css')),
      };
      return { size, results };
    } finally {
      await server.stop();
    }
  } finally {
    await opened.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

export function printWeb(r: Awaited<ReturnType<typeof benchWeb>>) {
  const { page, cliList, staticFile } = r.results;
  console.log(`\nTracker page — ${r.size.toLocaleString('en-GB')} commitments, over HTTP on 127.0.0.1; goal: / p99 < 50 ms`);
  for (const x of Object.values(r.results)) {
    console.log(`  ${x.label.padEnd(42)} p50 ${x.p50.toFixed(2).padStart(7)} ms   p99 ${x.p99.toFixed(2).padStart(7)} ms`);
  }
  const verdict = page.p99 < 50 ? 'ok' : 'OVER GOAL';
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  console.log(
    `  / against the CLI list path: p50 ${ratio(page.p50, cliList.p50)}, p99 ${ratio(page.p99, cliList.p99)}; against a static file: p50 ${ratio(page.p50, staticFile.p50)}, p99 ${ratio(page.p99, staticFile.p99)}`,
  );
  console.log(`  / p99 ${page.p99.toFixed(1)} ms against the 50 ms goal: ${verdict}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printWeb(await benchWeb());
