// Reads and validates the seed folders. A problem names the file, the path inside it, the line,
// and the reason; every problem is collected so one run shows them all.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { CommitmentSeed, RecommendationSeed, RegisterManifest } from '../domain.ts';
import { err, ok, type Result } from '../result.ts';

export const DEFAULT_SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));

export interface RegisterSeed {
  manifest: RegisterManifest;
  recommendations: RecommendationSeed[];
  commitments: CommitmentSeed[];
}

export interface SeedProblem {
  file: string;
  /** Where in the file, e.g. commitments[3].status; empty for the file as a whole. */
  path: string;
  line?: number | undefined;
  message: string;
}

export function formatSeedProblem(p: SeedProblem): string {
  const where = [p.path, p.line ? `(line ${p.line})` : ''].filter(Boolean).join(' ');
  return `${p.file}: ${where ? `${where}: ` : ''}${p.message}`;
}

const RecommendationsFile = z.strictObject({ recommendations: z.array(RecommendationSeed).min(1) });
const CommitmentsFile = z.strictObject({ commitments: z.array(CommitmentSeed) });

export async function loadSeeds(seedsDir = DEFAULT_SEEDS_DIR): Promise<Result<RegisterSeed[], SeedProblem[]>> {
  const registersDir = join(seedsDir, 'registers');
  const display = (file: string) => relative(process.cwd(), file) || file;
  let folders: string[];
  try {
    folders = (await readdir(registersDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return err([{ file: display(registersDir), path: '', message: 'no such folder: seeds must have a registers/ folder' }]);
  }
  const problems: SeedProblem[] = [];
  const registers: RegisterSeed[] = [];
  for (const folder of folders) {
    const dir = join(registersDir, folder);
    const manifest = await readYaml(join(dir, 'register.yaml'), RegisterManifest, display, problems);
    const recs = await readYaml(join(dir, 'recommendations.yaml'), RecommendationsFile, display, problems);
    const commits = await readYaml(join(dir, 'commitments.yaml'), CommitmentsFile, display, problems);
    if (!manifest || !recs || !commits) continue;
    const register = { manifest, recommendations: recs.recommendations, commitments: commits.commitments };
    problems.push(...crossCheck(register, (name) => display(join(dir, name))));
    registers.push(register);
  }
  const ids = new Map<string, string>();
  for (const r of registers) {
    for (const [i, c] of r.commitments.entries()) {
      const other = ids.get(c.id);
      if (other) {
        problems.push({ file: display(join(registersDir, r.manifest.id, 'commitments.yaml')), path: `commitments[${i}].id`, message: `"${c.id}" is already used by register ${other}` });
      }
      ids.set(c.id, r.manifest.id);
    }
  }
  return problems.length ? err(problems) : ok(registers);
}

async function readYaml<T>(
  file: string,
  schema: z.ZodType<T>,
  display: (f: string) => string,
  problems: SeedProblem[],
): Promise<T | undefined> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    problems.push({ file: display(file), path: '', message: 'missing: every register folder needs this file' });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      problems.push({ file: display(file), path: '', line: lines.linePos(e.pos[0]).line, message: `not valid YAML: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push({
      file: display(file),
      path: formatPath(issue.path),
      line: lineOf(doc, lines, issue.path),
      message: issue.message,
    });
  }
  return undefined;
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The line of the deepest node that exists along the path (a missing field points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth) as (string | number)[];
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range && (depth === 0 || node !== undefined)) return lines.linePos(range[0]).line;
    if (depth > 0 && isMap(doc.getIn(keys.slice(0, -1), true))) continue;
  }
  return undefined;
}

function crossCheck(r: RegisterSeed, file: (name: string) => string): SeedProblem[] {
  const problems: SeedProblem[] = [];
  const recFile = file('recommendations.yaml');
  const numbers = new Map<number, RecommendationSeed>();
  for (const [i, rec] of r.recommendations.entries()) {
    if (numbers.has(rec.number)) problems.push({ file: recFile, path: `recommendations[${i}].number`, message: `recommendation ${rec.number} appears twice` });
    numbers.set(rec.number, rec);
  }
  for (const [i, rec] of r.recommendations.entries()) {
    if (rec.responseSameAs === undefined) continue;
    const target = numbers.get(rec.responseSameAs);
    if (!target?.response) {
      problems.push({ file: recFile, path: `recommendations[${i}].responseSameAs`, message: `recommendation ${rec.responseSameAs} has no response of its own to share` });
    }
  }
  const documents = new Set(r.manifest.documents.map((d) => d.id));
  const commitmentsFile = file('commitments.yaml');
  for (const [i, c] of r.commitments.entries()) {
    if (!documents.has(c.madeIn)) {
      problems.push({ file: commitmentsFile, path: `commitments[${i}].madeIn`, message: `"${c.madeIn}" is not a document of register ${r.manifest.id} (${[...documents].join(', ')})` });
    }
    for (const [j, n] of c.recommendations.entries()) {
      if (!numbers.has(n)) problems.push({ file: commitmentsFile, path: `commitments[${i}].recommendations[${j}]`, message: `there is no recommendation ${n}` });
    }
  }
  const seen = new Set<string>();
  for (const [i, c] of r.commitments.entries()) {
    if (seen.has(c.id)) problems.push({ file: commitmentsFile, path: `commitments[${i}].id`, message: `"${c.id}" appears twice` });
    seen.add(c.id);
  }
  return problems;
}
