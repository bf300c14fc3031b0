// Query core on a register of 10,000 synthetic commitments: p50 and p99 of show, filtered list and
// search, beside Discord's 3-second interaction deadline. Goal: p99 under 25 ms each.
import { pathToFileURL } from 'node:url';
import { manualClock } from '../src/clock.ts';
import { STATUSES } from '../src/domain.ts';
import { RegisterQueries } from '../src/queries.ts';
import { rng, syntheticRegister, time } from './synthetic-register.ts';

const WORDS =
  'export control review forced labour modern slavery penalties transparency supply chains procurement guidance training envoys uyghur community unesco research sanctions xinjiang atrocity prevention strategy ilo business risk cotton solar surveillance universities'.split(
    ' ',
  );

export async function benchQueries(size = 10_000) {
  const random = rng(42);
  // A vocabulary of the register's words plus 3,000 made-up ones, drawn with a Zipf-like skew,
  // so common words match thousands of commitments and rare ones a few, as in real text.
  const vocabulary = [...WORDS, ...Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}x${(i * 7) % 13}`)];
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)] as string;
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const register = await syntheticRegister('queries', size, random, sentence);
  try {
    const queries = new RegisterQueries(register.store, manualClock('2026-06-01T12:00:00Z'), 'Europe/London');
    const results = [
      await time('show', 500, (i) => queries.show(`commitment-${(i * 7919) % size}`)),
      await time('list (status + department, page 3)', 300, (i) =>
        queries.list({ status: [STATUSES[i % STATUSES.length]!], department: 'trade', page: 3, pageSize: 10 }),
      ),
      await time('list (overdue)', 300, () => queries.list({ overdue: true, pageSize: 10 })),
      await time('search (2 words)', 300, (i) => queries.search(`${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`, 10)),
      await time('autocomplete (suggest)', 300, (i) => queries.suggest(WORDS[i % WORDS.length]!.slice(0, 4), 25)),
    ];
    return { size, seedMs: register.seedMs, results };
  } finally {
    await register.close();
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
