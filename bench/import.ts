// `import` quality on Government Responses: each document and format scored against its register
// (the curated Xinjiang register; the reviewed registers of the two written fixtures), beside a naive
// splitter measured in the same run: split at "Recommendation N" lines or numbered paragraphs, take the
// first paragraph as the Committee's words, classify by the answer's first keyword, and take every
// sentence with "will" as an undertaking.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Position, RecommendationSeed } from '../src/domain.ts';
import { blocksFromText, type Block } from '../src/import/blocks.ts';
import { draftRegister } from '../src/import/draft.ts';
import { readCurated, score, type Drafted, type Score } from '../src/import/evaluate.ts';
import { readDocument } from '../src/import/read-source.ts';
import { sentencesOf } from '../src/import/sentences.ts';

const at = (path: string) => new URL(`../${path}`, import.meta.url).pathname;
const DOCUMENTS = [
  { name: 'Xinjiang response, text', file: 'test/fixtures/government-response.txt', register: 'seeds/registers/never-again-xinjiang' },
  { name: 'Xinjiang response, HTML', file: 'test/fixtures/import/government-response.html', register: 'seeds/registers/never-again-xinjiang' },
  { name: 'Xinjiang response, PDF', file: 'test/fixtures/import/government-response.pdf', register: 'seeds/registers/never-again-xinjiang' },
  {
    name: 'Numbered bold paragraphs (HTML)',
    file: 'test/fixtures/import/flood-resilience-response.html',
    register: 'test/fixtures/registers/flood-resilience-rural-communities',
  },
  {
    name: 'GOV.UK labelled (HTML)',
    file: 'test/fixtures/import/rural-connectivity-response.html',
    register: 'test/fixtures/registers/rural-connectivity-left-on-the-line',
  },
];

/** The naive splitter: what a first attempt would do. */
export function naiveDraft(blocks: Block[]): Drafted {
  const marker = /^(?:recommendation\s+(\d+)\b|(\d+)\s*[.)])/i;
  const recs: RecommendationSeed[] = [];
  let current: { number: number; paras: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const [text = '', ...answer] = current.paras;
    const first = (answer[0] ?? '').toLowerCase();
    const position: Position = /\bnot\b|\bno plans\b|\breject/.test(first) ? 'not-accepted' : /\baccept|\bagree/.test(first) ? 'accepted' : 'noted';
    recs.push({ number: current.number, theme: 'x', text, response: answer.join('\n') || '-', position, rationale: 'x', departments: ['x'] });
  };
  for (const b of blocks) {
    const m = marker.exec(b.text);
    if (m) {
      close();
      const rest = b.text.slice(m[0].length).replace(/^[\s:.–-]+/, '');
      current = { number: Number(m[1] ?? m[2]), paras: rest ? [rest] : [] };
    } else current?.paras.push(b.text);
  }
  close();
  const commitments = recs.flatMap((r) =>
    sentencesOf(r.response ?? '')
      .filter((s) => /\bwill\b/.test(s))
      .map((quote) => ({ quote, recommendations: [r.number] })),
  );
  return { recommendations: recs, commitments };
}

interface Row {
  name: string;
  importer: Score;
  naive: Score;
  ms: number;
  naiveMs: number;
}

export async function benchImport(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const doc of DOCUMENTS) {
    const read = await readDocument(at(doc.file), () => {
      throw new Error('bench documents are files');
    });
    if (!read.ok) throw new Error(read.error);
    const expected = readCurated(at(doc.register));
    const t0 = performance.now();
    const draft = draftRegister(read.value.blocks, { today: '2026-01-01' });
    const t1 = performance.now();
    const naive = naiveDraft(read.value.format === 'text' ? blocksFromText(readFileSync(at(doc.file), 'utf8')) : read.value.blocks);
    const t2 = performance.now();
    rows.push({ name: doc.name, importer: score(draft, expected), naive: score(naive, expected), ms: t1 - t0, naiveMs: t2 - t1 });
  }
  return rows;
}

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '—');
const line = (s: Score) =>
  `found ${s.recommendationsFound}/${s.recommendationsExpected}, answers verbatim ${s.answersVerbatim}, texts verbatim ${s.textsVerbatim}, ` +
  `positions ${s.positionsAgree}/${s.recommendationsExpected}, undertakings ${s.undertakingsFound}/${s.undertakingsExpected} (${pct(s.undertakingsFound, s.undertakingsExpected)}), ` +
  `candidates ${s.candidates}, thrown away ${s.thrownAway} (${pct(s.thrownAway, s.candidates)})`;

export function printImport(rows: Row[]): void {
  console.log('\n== import: drafting registers from Government Responses (vs a naive splitter, same run) ==');
  console.log('"thrown away" = a candidate sharing no sentence with any undertaking of the reviewed register (strict: a');
  console.log('repeat of a kept undertaking under another recommendation counts as thrown away).');
  for (const r of rows) {
    console.log(`\n${r.name}`);
    console.log(`  import: ${line(r.importer)}  [${r.ms.toFixed(1)} ms]`);
    console.log(`  naive:  ${line(r.naive)}  [${r.naiveMs.toFixed(1)} ms]`);
    const misses = r.importer.positionMisses.map((m) => `${m.number} (${m.drafted}, register: ${m.curated})`).join('; ');
    if (misses) console.log(`  import position misses: ${misses}`);
  }
}
