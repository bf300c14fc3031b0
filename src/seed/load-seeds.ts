// Reads and validates the seed folders. A problem names the file, the path inside it, the line,
// and the reason; every problem is collected so one run shows them all.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CommitmentSeed, RecommendationSeed, RegisterManifest } from '../domain.ts';
import { err, ok, type Result } from '../result.ts';
import { formatFileProblem, issueProblems, parseYamlFile, type FileProblem } from '../yaml-file.ts';

export const DEFAULT_SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));

export interface RegisterSeed {
  manifest: RegisterManifest;
  recommendations: RecommendationSeed[];
  commitments: CommitmentSeed[];
}

export type SeedProblem = FileProblem;
export const formatSeedProblem = formatFileProblem;

const RecommendationsFile = z.strictObject({ recommendations: z.array(RecommendationSeed).min(1) });
const CommitmentsFile = z.strictObject({ commitments: z.array(CommitmentSeed) });

export async function loadSeeds(seedsDir = DEFAULT_SEEDS_DIR): Promise<Result<RegisterSeed[], SeedProblem[]>> {
  const registersDir = join(seedsDir, 'registers');
  const display = (file: string) => relative(process.cwd(), file) || file;
  let folders: string[];
  try {
    folders = (await readdir(registersDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return err([{ file: display(registersDir), path: '', message: 'no such folder: seeds must have a registers/ folder' }]);
  }
  const problems: SeedProblem[] = [];
  const registers: RegisterSeed[] = [];
  const registerFolders: string[] = [];
  for (const folder of folders) {
    const dir = join(registersDir, folder);
    const manifest = await readYaml(join(dir, 'register.yaml'), RegisterManifest, display, problems);
    const recs = await readYaml(join(dir, 'recommendations.yaml'), RecommendationsFile, display, problems);
    const commits = await readYaml(join(dir, 'commitments.yaml'), CommitmentsFile, display, problems);
    if (!manifest || !recs || !commits) continue;
    const register = { manifest, recommendations: recs.recommendations, commitments: commits.commitments };
    problems.push(...crossCheck(register, (name) => display(join(dir, name))));
    registers.push(register);
    registerFolders.push(folder);
  }
  // A register's id keys its recommendations: two folders with one id would be merged. The clash names both files.
  const registerIds = new Map<string, string>();
  for (const [k, r] of registers.entries()) {
    const file = display(join(registersDir, registerFolders[k]!, 'register.yaml'));
    const other = registerIds.get(r.manifest.id);
    if (other) problems.push({ file, path: 'id', message: `"${r.manifest.id}" is already the id of the register in ${other}: register ids must be unique` });
    else registerIds.set(r.manifest.id, file);
  }
  // Commitment ids are global (history, evidence and Discord messages refer to them): a clash names both files.
  const ids = new Map<string, string>();
  for (const [k, r] of registers.entries()) {
    const file = display(join(registersDir, registerFolders[k]!, 'commitments.yaml'));
    for (const [i, c] of r.commitments.entries()) {
      const other = ids.get(c.id);
      if (other) {
        problems.push({ file, path: `commitments[${i}].id`, message: `"${c.id}" is already used in ${other}: commitment ids must be unique across registers` });
      }
      ids.set(c.id, `${file} (commitments[${i}], register ${r.manifest.id})`);
    }
  }
  return problems.length ? err(problems) : ok(registers);
}

async function readYaml<T>(file: string, schema: z.ZodType<T>, display: (f: string) => string, problems: SeedProblem[]): Promise<T | undefined> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    problems.push({ file: display(file), path: '', message: 'missing: every register folder needs this file' });
    return undefined;
  }
  const parsedFile = parseYamlFile(source, display(file));
  if (!parsedFile.ok) {
    problems.push(...parsedFile.error);
    return undefined;
  }
  const parsed = schema.safeParse(parsedFile.value.raw);
  if (parsed.success) return parsed.data;
  problems.push(...issueProblems(parsedFile.value, parsed.error.issues));
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
      problems.push({
        file: recFile,
        path: `recommendations[${i}].responseSameAs`,
        message: `recommendation ${rec.responseSameAs} has no response of its own to share`,
      });
    }
  }
  const documents = new Set(r.manifest.documents.map((d) => d.id));
  const commitmentsFile = file('commitments.yaml');
  for (const [i, c] of r.commitments.entries()) {
    if (!documents.has(c.madeIn)) {
      problems.push({
        file: commitmentsFile,
        path: `commitments[${i}].madeIn`,
        message: `"${c.madeIn}" is not a document of register ${r.manifest.id} (${[...documents].join(', ')})`,
      });
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
