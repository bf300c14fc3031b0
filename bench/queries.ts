// Query core on a register of 10,000 synthetic commitments: p50 and p99 of show, filtered list, search and
// autocomplete, beside Discord's 3-second interaction deadline, on SQLite and on PostgreSQL (the local
// server, in a schema of its own) in the same run, side by side. Goal: p99 under 25 ms each, on both.
// Without a PostgreSQL server, its column is skipped with one line saying why.
import { pathToFileURL } from 'node:url';
import { manualClock } from '../src/clock.ts';
import { STATUSES } from '../src/domain.ts';
import { RegisterQueries } from '../src/queries.ts';
import { onPostgres, postgresUnavailable, rng, syntheticRegister, time, type SyntheticRegister } from './synthetic-register.ts';

const WORDS =
  'export control review forced labour modern slavery penalties transparency supply chains procurement guidance training envoys uyghur community unesco research sanctions xinjiang atrocity prevention strategy ilo business risk cotton solar surveillance universities'.split(
    ' ',
  );

/** Calls not counted, on both engines alike: the first ones also fill caches and PostgreSQL's plans. */
const WARM_UP = 20;

/** The figures on one engine's register: the same queries on each. */
async function measure(register: SyntheticRegister, size: number) {
  const queries = new RegisterQueries(register.store, manualClock('2026-06-01T12:00:00Z'), 'Europe/London');
  const results = [
    await time('show', 500, (i) => queries.show(`commitment-${(i * 7919) % size}`), WARM_UP),
    await time(
      'list (status + department, page 3)',
      300,
      (i) => queries.list({ status: [STATUSES[i % STATUSES.length]!], department: 'trade', page: 3, pageSize: 10 }),
      WARM_UP,
    ),
    await time('list (overdue)', 300, () => queries.list({ overdue: true, pageSize: 10 }), WARM_UP),
    await time('search (2 words)', 300, (i) => queries.search(`${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`, 10), WARM_UP),
    await time('autocomplete (suggest)', 300, (i) => queries.suggest(WORDS[i % WORDS.length]!.slice(0, 4), 25), WARM_UP),
  ];
  return { engine: register.engine, seedMs: register.seedMs, copyMs: register.copyMs, results };
}

/** One register seeded on SQLite and measured; the same rows on PostgreSQL, measured in the same run. */
export async function benchQueries(size = 10_000) {
  const random = rng(42);
  // A vocabulary of the register's words plus 3,000 made-up ones, drawn with a Zipf-like skew,
  // so common words match thousands of commitments and rare ones a few, as in real text.
  const vocabulary = [...WORDS, ...Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}x${(i * 7) % 13}`)];
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)] as string;
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const register = await syntheticRegister('queries', size, random, sentence);
  try {
    const sqlite = await measure(register, size);
    const skipped = await postgresUnavailable();
    if (skipped) return { size, sqlite, postgres: undefined, skipped };
    const copy = await onPostgres(register);
    try {
      return { size, sqlite, postgres: await measure(copy, size), skipped };
    } finally {
      await copy.close();
    }
  } finally {
    await register.close();
  }
}

const GOAL_MS = 25;
const ms = (x: number) => x.toFixed(2).padStart(7);
const verdict = (p99: number) => (p99 < GOAL_MS ? 'ok' : 'OVER GOAL');

export function printQueries(r: Awaited<ReturnType<typeof benchQueries>>) {
  const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
  const pgSeed = r.postgres ? `; on PostgreSQL the same rows copied in ${s(r.postgres.copyMs)}` : '';
  console.log(
    `\nQuery core — ${r.size.toLocaleString('en-GB')} commitments (seeded in ${s(r.sqlite.seedMs)}${pgSeed}); Discord's deadline is 3,000 ms; goal p99 < ${GOAL_MS} ms on both`,
  );
  console.log(
    `  ${''.padEnd(36)} ${'SQLite p50'.padStart(11)} ${'p99'.padStart(10)}   ${r.postgres ? `${'PostgreSQL p50'.padStart(15)} ${'p99'.padStart(10)}   p99 PG/SQLite` : ''}`,
  );
  for (const [i, x] of r.sqlite.results.entries()) {
    const pg = r.postgres?.results[i];
    const left = `  ${x.label.padEnd(36)} ${ms(x.p50)} ms ${ms(x.p99)} ms ${verdict(x.p99).padEnd(9)}`;
    console.log(pg ? `${left}  ${ms(pg.p50)} ms   ${ms(pg.p99)} ms ${verdict(pg.p99).padEnd(9)}  ${(pg.p99 / x.p99).toFixed(1).padStart(5)}×` : left);
  }
  if (r.skipped) console.log(`  PostgreSQL figures skipped: ${r.skipped}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printQueries(await benchQueries());
