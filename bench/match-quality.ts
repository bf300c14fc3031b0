// Matching quality on the labelled evaluation set (bench/fixtures/match-eval.yaml): precision, recall and
// F1 of today's Matcher and register, beside the rules and watch terms from before issue 9
// (bench/baseline/) measured in the same run, with every false positive and false negative by commitment.
//
//   npx tsx bench/match-quality.ts
import { pathToFileURL } from 'node:url';
import { Matcher } from '../src/match/matcher.ts';
import { baselineMatcher } from './baseline/matcher-before-issue-9.ts';
import { baselineWatch, evaluate, loadEvalSet, registerCommitments, type EvalItem, type EvalResult } from './match-eval.ts';

export const GOAL = 0.9;

export interface MatchQualityBench {
  now: { all: EvalResult; heldOut: EvalResult };
  before: { all: EvalResult; heldOut: EvalResult; onItsCommitments: EvalResult };
}

export function benchMatchQuality(): MatchQualityBench {
  const items = loadEvalSet();
  const heldOut = items.filter((e) => e.split === 'held-out');
  const matcher = new Matcher(registerCommitments());
  const now = (i: Parameters<Matcher['match']>[0], k: Parameters<Matcher['match']>[1]) =>
    matcher
      .match(i, k)
      .filter((r) => r.accepted)
      .map((r) => r.commitmentId);
  const oldWatch = baselineWatch();
  const before = baselineMatcher(oldWatch);
  // The old register lacked a commitment; scored also on the commitments it had, for a like-for-like figure.
  const known = new Set(oldWatch.map((c) => c.id));
  const onKnown: EvalItem[] = items.map((e) => ({ ...e, expect: e.expect.filter((id) => known.has(id)) }));
  return {
    now: { all: evaluate(items, now), heldOut: evaluate(heldOut, now) },
    before: { all: evaluate(items, before), heldOut: evaluate(heldOut, before), onItsCommitments: evaluate(onKnown, before) },
  };
}

const figures = (r: EvalResult) =>
  `precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}, F1 ${r.f1.toFixed(3)} (${r.tp} right, ${r.fp} false positives, ${r.fn} false negatives)`;

export function printMatchQuality(b: MatchQualityBench): void {
  const { all } = b.now;
  const kinds = Object.entries(all.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const met = all.precision >= GOAL && all.recall >= GOAL ? 'met' : 'MISSED';
  const lines = [
    `\nMatching quality — ${all.items} labelled items written in the sources' styles (${kinds}; ${all.positives} with evidence, ${all.nearMisses} near-misses; ${b.now.heldOut.items} held out):`,
    `  today:        ${figures(all)} — goal precision and recall ≥ ${GOAL}: ${met}`,
    `  before (same run, rules and watch terms of d3ba80c): ${figures(b.before.all)}`,
    `  before, on the commitments it had: ${figures(b.before.onItsCommitments)}`,
    `  held out only — today: ${figures(b.now.heldOut)}; before: ${figures(b.before.heldOut)}`,
    `  ratios today/before: precision ×${(all.precision / b.before.all.precision).toFixed(2)}, recall ×${(all.recall / b.before.all.recall).toFixed(2)}`,
  ];
  const confused = Object.entries(all.perCommitment).filter(([, c]) => c.fp > 0 || c.fn > 0);
  lines.push(confused.length ? '  Confusions today, by commitment:' : '  Confusions today: none');
  for (const [id, c] of confused.sort(([a], [z]) => a.localeCompare(z))) {
    lines.push(`    ${id}: ${c.tp} right, ${c.fp} false positive(s), ${c.fn} false negative(s)`);
    for (const x of all.falsePositives.filter((f) => f.commitment === id)) lines.push(`      FP ${x.item} — label: ${x.reason}`);
    for (const x of all.falseNegatives.filter((f) => f.commitment === id)) lines.push(`      FN ${x.item} — label: ${x.reason}`);
  }
  const beforeConfused = Object.entries(b.before.all.perCommitment)
    .filter(([, c]) => c.fp > 0 || c.fn > 0)
    .map(([id, c]) => `${id} (${c.fp} FP, ${c.fn} FN)`);
  lines.push(`  Confusions before: ${beforeConfused.join(', ') || 'none'}`);
  console.log(lines.join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printMatchQuality(benchMatchQuality());
