// The labelled evaluation set (bench/fixtures/match-eval.yaml): items written by us in the published styles
// of the five sources, each with the commitments a careful reader would link it to. evaluate() scores a
// matcher on it by (item, commitment) pairs: a pair the matcher accepts and the label lists is a true
// positive; accepted but not listed, a false positive; listed but not accepted, a false negative.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { CommitmentSeed, FeedKind, WatchTerms } from '../src/domain.ts';
import type { FeedItem } from '../src/feed-types.ts';
import type { CommitmentRow } from '../src/store/register-store.ts';

export const EVAL_SET = fileURLToPath(new URL('./fixtures/match-eval.yaml', import.meta.url));
export const REGISTER_COMMITMENTS = fileURLToPath(new URL('../seeds/registers/never-again-xinjiang/commitments.yaml', import.meta.url));
export const BASELINE_WATCH = fileURLToPath(new URL('./baseline/watch-before-issue-9.yaml', import.meta.url));

const EvalItem = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** development: written while the rules were reviewed; held-out: written after, never used to change them. */
  split: z.enum(['development', 'held-out']).default('development'),
  kind: FeedKind,
  title: z.string().min(1),
  summary: z.string(),
  categories: z.array(z.string()).default([]),
  department: z.string().optional(),
  documentType: z.string().optional(),
  billTitle: z.string().optional(),
  billStage: z.string().optional(),
  expect: z.array(z.string()),
  reason: z.string().min(1),
});
export type EvalItem = z.infer<typeof EvalItem>;
const EvalSet = z.strictObject({ items: z.array(EvalItem).min(1) });

export function loadEvalSet(path = EVAL_SET): EvalItem[] {
  const items = EvalSet.parse(parse(readFileSync(path, 'utf8'))).items;
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`${path}: item id ${item.id} is used twice`);
    ids.add(item.id);
  }
  return items;
}

export function feedItemOf(e: EvalItem): FeedItem {
  const item: FeedItem = { key: `eval:${e.id}`, link: `https://example.invalid/eval/${e.id}`, title: e.title, summary: e.summary, categories: e.categories };
  if (e.department) item.department = e.department;
  if (e.documentType) item.documentType = e.documentType;
  if (e.billTitle) item.billTitle = e.billTitle;
  if (e.billStage) item.billStage = e.billStage;
  return item;
}

/** The register's commitments as the Matcher sees them. */
export function registerCommitments(path = REGISTER_COMMITMENTS): CommitmentRow[] {
  const seeds = z.object({ commitments: z.array(CommitmentSeed) }).parse(parse(readFileSync(path, 'utf8'))).commitments;
  return seeds.map((s) => ({
    id: s.id,
    registerId: 'never-again-xinjiang',
    title: s.title,
    quote: s.quote,
    status: s.status,
    department: s.department,
    originalDepartment: s.originalDepartment ?? null,
    recommendations: s.recommendations,
    madeIn: s.madeIn,
    madeOn: s.madeOn,
    deadline: s.deadline ?? null,
    deadlineDate: null,
    watch: s.watch,
    rules: s.rules,
  }));
}

export function baselineWatch(path = BASELINE_WATCH): { id: string; watch: WatchTerms }[] {
  return z.object({ commitments: z.array(z.object({ id: z.string(), watch: WatchTerms })) }).parse(parse(readFileSync(path, 'utf8'))).commitments;
}

export interface Confusion {
  item: string;
  commitment: string;
  /** The item's label reason. */
  reason: string;
}

export interface EvalResult {
  items: number;
  byKind: Record<string, number>;
  positives: number;
  nearMisses: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  falsePositives: Confusion[];
  falseNegatives: Confusion[];
  /** Per commitment: true positives, false positives, false negatives. */
  perCommitment: Record<string, { tp: number; fp: number; fn: number }>;
}

/** Scores `accept` (item → accepted commitment ids) on the set. */
export function evaluate(items: readonly EvalItem[], accept: (item: FeedItem, kind: FeedKind) => readonly string[]): EvalResult {
  let tp = 0;
  const falsePositives: Confusion[] = [];
  const falseNegatives: Confusion[] = [];
  const perCommitment: EvalResult['perCommitment'] = {};
  const count = (id: string) => (perCommitment[id] ??= { tp: 0, fp: 0, fn: 0 });
  const byKind: Record<string, number> = {};
  for (const e of items) {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    const got = new Set(accept(feedItemOf(e), e.kind));
    const want = new Set(e.expect);
    for (const id of got) {
      if (want.has(id)) {
        tp++;
        count(id).tp++;
      } else {
        falsePositives.push({ item: e.id, commitment: id, reason: e.reason });
        count(id).fp++;
      }
    }
    for (const id of want) {
      if (got.has(id)) continue;
      falseNegatives.push({ item: e.id, commitment: id, reason: e.reason });
      count(id).fn++;
    }
  }
  const fp = falsePositives.length;
  const fn = falseNegatives.length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const positives = items.filter((e) => e.expect.length > 0).length;
  return {
    items: items.length,
    byKind,
    positives,
    nearMisses: items.length - positives,
    tp,
    fp,
    fn,
    precision,
    recall,
    f1,
    falsePositives,
    falseNegatives,
    perCommitment,
  };
}
