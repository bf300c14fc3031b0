// Writes a draft register folder in the seed format (register.yaml, recommendations.yaml,
// commitments.yaml) and REVIEW.md, and sums the draft up for --json.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { POSITIONS, type Position } from '../domain.ts';
import { err, ok, type Result } from '../result.ts';
import type { Draft, DraftCommitment, DraftRecommendation } from './draft.ts';
import { reviewMarkdown } from './review.ts';

export interface ImportSummary {
  id: string;
  recommendations: number;
  commitments: number;
  positions: Record<Position, number>;
  lowConfidence: string[];
  warnings: string[];
}

export function summarise(draft: Draft): ImportSummary {
  const positions = Object.fromEntries(POSITIONS.map((p) => [p, 0])) as Record<Position, number>;
  for (const r of draft.recommendations) positions[r.position]++;
  return {
    id: draft.manifest.id,
    recommendations: draft.recommendations.length,
    commitments: draft.commitments.length,
    positions,
    lowConfidence: [
      ...draft.recommendations.filter((r) => r.confidence === 'low').map((r) => `recommendation ${r.number}`),
      ...draft.commitments.filter((c) => c.confidence === 'low').map((c) => `commitment ${c.id}`),
    ],
    warnings: draft.warnings,
  };
}

const header = (what: string, id: string) =>
  `# ${what} of register ${id}, drafted by \`commitment-watch import\`. Review it (see REVIEW.md), then\n# remove \`confidence\` and \`draft\` and run \`commitment-watch seed\`.\n`;

/** YAML as the hand-written seeds are: lists of numbers or short terms on one line ([1, 2, 3]). */
function yaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      const items = isSeq(node) ? node.items : [];
      if (items.every((i) => isScalar(i)) && items.map((i) => String((i as { value: unknown }).value)).join(', ').length < 70)
        (node as { flow: boolean }).flow = true;
    },
  });
  return doc.toString({ lineWidth: 100, minContentWidth: 40, flowCollectionPadding: false });
}

function recommendationOut({ doubts: _doubts, ...rec }: DraftRecommendation) {
  return rec;
}

function commitmentOut({ doubts: _doubts, history, evidence, rules, watch, deadline, ...c }: DraftCommitment) {
  const trimmedWatch = Object.fromEntries(Object.entries(watch).filter(([, v]) => !Array.isArray(v) || v.length > 0));
  const trimmedDeadline = deadline ? Object.fromEntries(Object.entries(deadline).filter(([k, v]) => k !== 'revised' || (Array.isArray(v) && v.length))) : undefined;
  const { confidence, ...rest } = c;
  return {
    ...rest,
    ...(trimmedDeadline ? { deadline: trimmedDeadline } : {}),
    watch: trimmedWatch,
    ...(history.length ? { history } : {}),
    ...(evidence.length ? { evidence } : {}),
    ...(rules.length ? { rules } : {}),
    confidence,
  };
}

/** The three seed files and REVIEW.md, by name. */
export function draftFiles(draft: Draft): Record<string, string> {
  const id = draft.manifest.id;
  return {
    'register.yaml': header('The manifest', id) + yaml(draft.manifest),
    'recommendations.yaml': header('The recommendations', id) + yaml({ recommendations: draft.recommendations.map(recommendationOut) }),
    'commitments.yaml': header('Candidate undertakings', id) + yaml({ commitments: draft.commitments.map(commitmentOut) }),
    'REVIEW.md': reviewMarkdown(draft),
  };
}

/** Writes the folder; an existing, non-empty folder is refused unless `force`. */
export async function writeDraft(draft: Draft, dir: string, force: boolean): Promise<Result<string[], string>> {
  const found = await stat(dir).catch(() => undefined);
  if (found && !found.isDirectory()) return err(`${dir} is a file, not a folder: choose another --out`);
  if (found && !force && (await readdir(dir)).length > 0) {
    return err(`${dir} already exists: choose another --id or --out, or add --force to overwrite it`);
  }
  const files = draftFiles(draft);
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, 'utf8');
  } catch (error) {
    // A folder that cannot be made or written (a file on the path, no permission) is the user's to fix.
    return err(`could not write the draft to ${dir}: ${(error as Error).message}`);
  }
  return ok(Object.keys(files).map((name) => join(dir, name)));
}
