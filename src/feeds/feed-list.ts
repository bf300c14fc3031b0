// The list of feeds to poll: seeds/feeds.yaml by default, FEEDS_FILE instead of it, or a JSON array given
// to `poll --feeds FILE`. Validated with zod; a problem names the file, the path inside it, the line and
// the reason (the seed loader's style), and every problem is reported together.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FeedKind } from '../domain.ts';
import { err, ok, type Result } from '../result.ts';
import { formatFileProblem, issueProblems, parseYamlFile, problemAt, type FileProblem } from '../yaml-file.ts';

export const DEFAULT_FEEDS_FILE = fileURLToPath(new URL('../../seeds/feeds.yaml', import.meta.url));

const MINUTE = 60_000;
export const DEFAULT_INTERVAL_MS = 15 * MINUTE;
/** GOV.UK caches every response for 5 minutes: polling it faster gains nothing and costs them. */
export const GOVUK_MIN_INTERVAL_MS = 5 * MINUTE;
export const MIN_INTERVAL_MS = MINUTE;
export const MAX_INTERVAL_MS = 7 * 24 * 60 * MINUTE;

export interface FeedSpec {
  id: string;
  url: string;
  /** Left out: recognised from the first body fetched. */
  kind?: FeedKind | undefined;
  /** Polling interval, whole minutes. */
  everyMs: number;
}

export type FeedListProblem = FileProblem;
export const formatFeedListProblem = formatFileProblem;

const UNIT_MS = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE } as const;

/** "15m", "1h", "2d" → milliseconds; undefined when not of that form. */
export function parseInterval(text: string): number | undefined {
  const m = /^\s*(\d{1,5})\s*(m|min|h|d)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase().startsWith('m') ? 'm' : (m[2]!.toLowerCase() as 'h' | 'd');
  return Number(m[1]) * UNIT_MS[unit];
}

/** Milliseconds → the shortest of "90m", "2h", "1d". */
export function formatInterval(ms: number): string {
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${Math.round(ms / MINUTE)}m`;
}

/** True for GOV.UK's own hosts (www.gov.uk, gov.uk) and every other *.gov.uk host. */
export function isGovUkHost(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'gov.uk' || host.endsWith('.gov.uk');
  } catch {
    return false;
  }
}

const id = z.string().regex(/^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/, 'must be an id: lower-case letters, digits and single - _ . between them');
const feedUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const Entry = z
  .strictObject({
    id,
    url: feedUrl,
    kind: FeedKind.optional(),
    every: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        const ms = parseInterval(value);
        if (ms === undefined) ctx.addIssue({ code: 'custom', message: `"${value}" is not an interval: write minutes, hours or days such as 15m, 1h, 1d` });
        else if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) ctx.addIssue({ code: 'custom', message: `must be from 1m to 7d, got ${value}` });
      }),
  })
  .superRefine((entry, ctx) => {
    const ms = entry.every === undefined ? DEFAULT_INTERVAL_MS : parseInterval(entry.every);
    if (ms !== undefined && ms < GOVUK_MIN_INTERVAL_MS && isGovUkHost(entry.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: `${new URL(entry.url).hostname} must not be polled more often than every 5 minutes (GOV.UK caches responses for 5 minutes; polling faster gains nothing), got ${entry.every}`,
      });
    }
  });

/** seeds/feeds.yaml and FEEDS_FILE: `feeds:` and a list; a bare list (the JSON form) is accepted too. */
const FeedFile = z.union([z.strictObject({ feeds: z.array(Entry) }), z.array(Entry)]);

function toSpec(entry: z.infer<typeof Entry>): FeedSpec {
  return { id: entry.id, url: entry.url, kind: entry.kind, everyMs: entry.every === undefined ? DEFAULT_INTERVAL_MS : parseInterval(entry.every)! };
}

/** Reads a feed list (YAML or JSON: YAML reads both). */
export async function loadFeedList(file: string = DEFAULT_FEEDS_FILE): Promise<Result<FeedSpec[], FeedListProblem[]>> {
  const shown = relative(process.cwd(), file) || file;
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err([{ file: shown, path: '', message: code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})` }]);
  }
  return parseFeedList(source, shown);
}

/** Parses the text of a feed list; `file` is only used to name it in problems. */
export function parseFeedList(source: string, file: string): Result<FeedSpec[], FeedListProblem[]> {
  const parsedFile = parseYamlFile(source, file, 'YAML or JSON');
  if (!parsedFile.ok) return parsedFile;
  const y = parsedFile.value;
  const parsed = FeedFile.safeParse(y.raw);
  if (!parsed.success) {
    // A union reports its branches' issues together; show those of the form the file is written in.
    return err(issueProblems(y, unionIssues(parsed.error, Array.isArray(y.raw))));
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.feeds;
  const prefix = Array.isArray(parsed.data) ? '' : 'feeds';
  const problems: FeedListProblem[] = [];
  const ids = new Map<string, number>();
  const urls = new Map<string, number>();
  entries.forEach((entry, i) => {
    const here = (field: string) => [...(prefix ? [prefix] : []), i, field];
    const sameId = ids.get(entry.id);
    if (sameId !== undefined) problems.push(problemAt(y, here('id'), `"${entry.id}" is already the id of feed ${sameId + 1}`));
    ids.set(entry.id, i);
    const sameUrl = urls.get(entry.url);
    if (sameUrl !== undefined) problems.push(problemAt(y, here('url'), `the same URL as feed "${entries[sameUrl]!.id}": list each feed once`));
    urls.set(entry.url, i);
  });
  return problems.length ? err(problems) : ok(entries.map(toSpec));
}

function unionIssues(error: z.ZodError, isArray: boolean): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'invalid_union' && issue.path.length === 0) {
      const branch = issue.errors[isArray ? 1 : 0] ?? [];
      out.push(...branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
    } else out.push(issue);
  }
  if (out.length === 0 && !isArray)
    return [{ code: 'custom', path: [], message: 'expected `feeds:` and a list of feeds, or a JSON array of feeds', input: undefined }];
  return out;
}
