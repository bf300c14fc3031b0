// The tracker page at 10,000 commitments: p50/p99 of `/` (a page of 50: the scoreboard chart, the filter
// form, the list) over HTTP on 127.0.0.1, against two baselines measured in the same run: the same page of
// 50 through the CLI's list path (query core + terminal rendering, no HTTP), and a static file (/style.css)
// served by the same server (what HTTP and the framework cost alone). Goal: `/` p99 under 50 ms.
import { pathToFileURL } from 'node:url';
import { renderList } from '../src/cli/format.ts';
import { coloursFor } from '../src/cli/colours.ts';
import { manualClock } from '../src/clock.ts';
import { KyselyFeedStore } from '../src/feeds/feed-store.ts';
import { STATUSES } from '../src/domain.ts';
import { silentLogger } from '../src/log.ts';
import { RegisterQueries } from '../src/queries.ts';
import { siteLinks } from '../src/web/links.ts';
import { startTrackerServer, trackerFor } from '../src/web/server.ts';
import { rng, syntheticRegister, time } from './synthetic-register.ts';

const WORDS =
  'export control review forced labour modern slavery penalties transparency supply chains procurement guidance training envoys uyghur community sanctions xinjiang atrocity prevention'.split(
    ' ',
  );

/** Timed after 20 calls that warm the server's caches and connections. */
const warmTime = (label: string, runs: number, fn: (i: number) => Promise<unknown>) => time(label, runs, fn, 20);

export async function benchWeb(size = 10_000) {
  const random = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const register = await syntheticRegister('web', size, random, sentence);
  const { opened, store } = register;
  try {
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
        page: await warmTime('GET / (page of 50, chart, form)', 300, (i) => get(i % 2 ? `?page=${1 + ((i * 37) % pages)}` : '')),
        filtered: await warmTime('GET /?status=…&department=trade&page=3', 300, (i) => get(`?status=${STATUSES[i % STATUSES.length]}&department=trade&page=3`)),
        search: await warmTime('GET /?q=<2 words>', 300, (i) => get(`?q=${WORDS[i % WORDS.length]}+${WORDS[(i * 3) % WORDS.length]}`)),
        commitment: await warmTime('GET /commitments/<id>', 300, (i) => get(`commitments/commitment-${(i * 7919) % size}`)),
        inProcess: await warmTime('the same / rendered in-process (no HTTP)', 300, async (i) =>
          tracker.index(await tracker.context(siteLinks({ depth: 0 })), i % 2 ? { page: String(1 + ((i * 37) % pages)) } : {}),
        ),
        cliList: await warmTime('baseline: CLI list path, page of 50', 300, async (i) =>
          renderList(await queries.list({ page: 1 + ((i * 37) % pages), pageSize: 50 }), pc),
        ),
        staticFile: await warmTime('baseline: GET /style.css (same server)', 300, () => get('style.css')),
      };
      return { size, results };
    } finally {
      await server.stop();
    }
  } finally {
    await register.close();
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
