// Query core on a register of 10,000 synthetic commitments: p50 and p99 of show, filtered list and
// search, beside Discord's 3-second interaction deadline. Goal: p99 under 25 ms each.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { manualClock } from '../src/clock.ts';
import { openStore } from '../src/db/database.ts';
import { STATUSES, type CommitmentSeed, type RecommendationSeed } from '../src/domain.ts';
import { RegisterQueries } from '../src/queries.ts';
import { applySeeds } from '../src/seed/apply-seeds.ts';
import { KyselyRegisterStore } from '../src/store/kysely-register-store.ts';

const WORDS =
  'export control review forced labour modern slavery penalties transparency supply chains procurement guidance training envoys uyghur community unesco research sanctions xinjiang atrocity prevention strategy ilo business risk cotton solar surveillance universities'.split(
    ' ',
  );
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

function rng(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function time(label: string, runs: number, fn: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function benchQueries(size = 10_000) {
  const random = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
  // A vocabulary of the register's words plus 3,000 made-up ones, drawn with a Zipf-like skew,
  // so common words match thousands of commitments and rare ones a few, as in real text.
  const vocabulary = [...WORDS, ...Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}x${(i * 7) % 13}`)];
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)] as string;
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
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
    status: pick([...STATUSES]),
    statusReason: 'Synthetic.',
    history: [],
    evidence: [],
    watch: { names: [], any: [sentence(2)], all: [], none: [], feedKinds: [], bills: [] },
    rules: [],
  }));
  const file = join(tmpdir(), `cw-bench-${process.pid}.sqlite`);
  const opened = await openStore({ dialect: 'sqlite', filename: file });
  try {
    const store = new KyselyRegisterStore(opened.db);
    const seedStart = performance.now();
    await applySeeds(
      store,
      [
        {
          manifest: {
            id: 'bench',
            title: 'Bench',
            committee: 'Bench',
            documents: [{ id: 'response', kind: 'government-response', title: 'R', published: '2021-11-14' }],
          },
          recommendations,
          commitments,
        },
      ],
      new Date('2026-01-01T00:00:00Z'),
    );
    const seedMs = performance.now() - seedStart;
    const queries = new RegisterQueries(store, manualClock('2026-06-01T12:00:00Z'), 'Europe/London');
    const results = [
      await time('show', 500, (i) => queries.show(`commitment-${(i * 7919) % size}`)),
      await time('list (status + department, page 3)', 300, (i) =>
        queries.list({ status: [STATUSES[i % STATUSES.length]!], department: 'trade', page: 3, pageSize: 10 }),
      ),
      await time('list (overdue)', 300, () => queries.list({ overdue: true, pageSize: 10 })),
      await time('search (2 words)', 300, (i) => queries.search(`${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`, 10)),
      await time('autocomplete (suggest)', 300, (i) => queries.suggest(WORDS[i % WORDS.length]!.slice(0, 4), 25)),
    ];
    return { size, seedMs, results };
  } finally {
    await opened.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

export function printQueries(r: Awaited<ReturnType<typeof benchQueries>>) {
  console.log(`\nQuery core — ${r.size.toLocaleString('en-GB')} commitments (seeded in ${(r.seedMs / 1000).toFixed(1)} s); Discord's deadline is 3,000 ms`);
  for (const x of r.results) {
    const verdict = x.p99 < 25 ? 'ok' : 'OVER GOAL';
    console.log(
      `  ${x.label.padEnd(36)} p50 ${x.p50.toFixed(2).padStart(7)} ms   p99 ${x.p99.toFixed(2).padStart(7)} ms   (${(3000 / x.p99).toFixed(0)}× inside the deadline; goal p99 < 25 ms: ${verdict})`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printQueries(await benchQueries());
