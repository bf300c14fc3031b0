// Reading a YAML (or JSON) file that is validated with zod, shared by the seed loader and the feed list.
// A problem names the file, the path inside it, the line and the reason, so every one can be reported
// together and found in the file.
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { err, ok, type Result } from './result.ts';

export interface FileProblem {
  file: string;
  /** Where in the file, e.g. commitments[3].status; empty for the file as a whole. */
  path: string;
  line?: number | undefined;
  message: string;
}

export function formatFileProblem(p: FileProblem): string {
  const where = [p.path, p.line ? `(line ${p.line})` : ''].filter(Boolean).join(' ');
  return `${p.file}: ${where ? `${where}: ` : ''}${p.message}`;
}

/** A parsed document, with what is needed to find the line of any path in it. */
export interface YamlFile {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** The document as plain JS, for zod. */
  raw: unknown;
}

/**
 * Parses the text of a file; `file` is only used to name it in problems. A syntax error becomes a problem
 * "not valid <syntax>: <first line of the parser's message>" at its line.
 */
export function parseYamlFile(source: string, file: string, syntax = 'YAML'): Result<YamlFile, FileProblem[]> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    return err(doc.errors.map((e) => ({ file, path: '', line: lines.linePos(e.pos[0]).line, message: `not valid ${syntax}: ${e.message.split('\n')[0]}` })));
  }
  return ok({ file, doc, lines, raw: doc.toJS() as unknown });
}

/** A problem at `path` inside the file, with the line of that place (or its nearest parent). */
export function problemAt(y: YamlFile, path: PropertyKey[], message: string): FileProblem {
  return { file: y.file, path: formatPath(path), line: lineOf(y, path), message };
}

/** zod's issues as problems, each at its path and line. */
export function issueProblems(y: YamlFile, issues: readonly z.core.$ZodIssue[]): FileProblem[] {
  return issues.map((issue) => problemAt(y, issue.path, issue.message));
}

/** ['commitments', 3, 'status'] → "commitments[3].status". */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The line of the deepest node that exists along the path (a missing field points at its parent). */
function lineOf({ doc, lines }: YamlFile, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth) as (string | number)[];
    const node = depth === 0 ? doc.contents : doc.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range && (depth === 0 || node !== undefined)) return lines.linePos(range[0]).line;
    if (depth > 0 && isMap(doc.getIn(keys.slice(0, -1), true))) continue;
  }
  return undefined;
}
