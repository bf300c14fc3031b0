// One synthetic register for the benchmarks that need a big one (the query core, the tracker page):
// 200 recommendations and `size` commitments of made-up words, in a SQLite file of its own.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStore } from '../src/db/database.ts';
import { STATUSES, type CommitmentSeed, type RecommendationSeed } from '../src/domain.ts';
import { applySeeds } from '../src/seed/apply-seeds.ts';
import { KyselyRegisterStore } from '../src/store/kysely-register-store.ts';

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

/** A repeatable pseudo-random sequence in [0, 1): the same register on every run. */
export function rng(seed: number): () => number {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** p50 and p99 of `runs` calls, after `warmUp` calls that are not counted. */
export async function time(label: string, runs: number, fn: (i: number) => Promise<unknown>, warmUp = 0) {
  for (let i = 0; i < warmUp; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export interface SyntheticRegister {
  opened: OpenStore;
  store: KyselyRegisterStore;
  /** How long seeding took, in ms. */
  seedMs: number;
  /** Closes the store and removes its file. */
  close(): Promise<void>;
}

/** Seeds a register of `size` commitments whose text is drawn by `sentence` (n words) and `random`. */
export async function syntheticRegister(name: string, size: number, random: () => number, sentence: (n: number) => string): Promise<SyntheticRegister> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
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
  const file = join(tmpdir(), `cw-bench-${name}-${process.pid}.sqlite`);
  const opened = await openStore({ dialect: 'sqlite', filename: file });
  const store = new KyselyRegisterStore(opened.db);
  const manifest = {
    id: 'bench',
    title: 'Bench',
    committee: 'Bench Committee',
    documents: [{ id: 'response', kind: 'government-response' as const, title: 'R', published: '2021-11-14' }],
  };
  const seedStart = performance.now();
  await applySeeds(store, [{ manifest, recommendations, commitments }], new Date('2026-01-01T00:00:00Z'));
  const seedMs = performance.now() - seedStart;
  return {
    opened,
    store,
    seedMs,
    close: async () => {
      await opened.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}
