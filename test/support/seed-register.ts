// The never-again-xinjiang register's seed files, parsed by the domain schemas, and the Government
// Response they were built from (test/fixtures/government-response.txt), made comparable: what the
// seed-data, seed-commitments and seed-watch-terms tests read.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { CommitmentSeed, RecommendationSeed, RegisterManifest } from '../../src/domain.ts';
import { normalise } from '../../src/import/evaluate.ts';

// The same comparison the importer's figures use: quotes, dashes and whitespace folded, nothing else.
export { normalise };

const registerDir = new URL('../../seeds/registers/never-again-xinjiang/', import.meta.url);
const readYaml = (name: string): unknown => parse(readFileSync(new URL(name, registerDir), 'utf8'));
export const source = readFileSync(new URL('../fixtures/government-response.txt', import.meta.url), 'utf8');

export const manifestResult = RegisterManifest.safeParse(readYaml('register.yaml'));
export const recommendationsResult = z.strictObject({ recommendations: z.array(RecommendationSeed) }).safeParse(readYaml('recommendations.yaml'));
export const commitmentsResult = z.strictObject({ commitments: z.array(CommitmentSeed) }).safeParse(readYaml('commitments.yaml'));

/** The parsed data; fails the calling test (with the schema's reasons) if a file did not validate. */
export function data() {
  if (!manifestResult.success) throw new Error(`register.yaml: ${manifestResult.error.message}`);
  if (!recommendationsResult.success) throw new Error(`recommendations.yaml: ${recommendationsResult.error.message}`);
  if (!commitmentsResult.success) throw new Error(`commitments.yaml: ${commitmentsResult.error.message}`);
  return {
    manifest: manifestResult.data,
    recommendations: recommendationsResult.data.recommendations,
    commitments: commitmentsResult.data.commitments,
  };
}

export const normalSource = normalise(source);
export const inSource = (text: string) => normalSource.includes(normalise(text));

/** The phrases a text quotes in straight double quotes. */
export const quotedPhrases = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');

export const HEADINGS = [
  'The Multilateral System',
  'Diaspora and Culture',
  'Forced labour and the private sector',
  'Technology and research',
  'The UK’s approach to atrocity prevention',
];
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
export const EXPECTED_THEMES = [
  { name: HEADINGS[0], recommendations: range(1, 13) },
  { name: HEADINGS[1], recommendations: range(14, 18) },
  { name: HEADINGS[2], recommendations: range(19, 27) },
  { name: HEADINGS[3], recommendations: range(28, 30) },
  { name: HEADINGS[4], recommendations: range(31, 36) },
];
