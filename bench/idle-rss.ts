// Idle memory of the bot in console mode: started on an empty feed list with the real register, waited
// for until it says it has started, then its resident set (VmRSS in /proc/<pid>/status) read after a short
// settle. The compiled program (what `npm start` runs, its V8 options included) against the old way,
// TypeScript through tsx's loader, as the baseline in the same run. Goal: under 120 MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const GOAL_MB = 120;
const SETTLE_MS = 3_000;
const RUNS = 3;

interface Way {
  label: string;
  args: string[];
}

const WAYS: Way[] = [
  { label: 'tsx loader (before)', args: ['--import', 'tsx', 'src/main.ts'] },
  // V8's default young generation grows to 32 MB while the modules load, and stays: what the option saves.
  { label: 'compiled, default V8 heap', args: ['dist/src/main.js'] },
  { label: 'compiled dist/ (npm start)', args: startScriptArgs() },
];

/** What `npm start` runs after `node` (its V8 options included), read from package.json so the two agree. */
function startScriptArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${pkg.scripts.start}": this bench knows only "node …"`);
  return args;
}

/** The resident set of a running process, in MB. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!line?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

async function idleRss(way: Way, dir: string, run: number): Promise<number> {
  const feeds = join(dir, 'feeds.json');
  writeFileSync(feeds, '[]');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: join(dir, `idle-${run}.sqlite`),
    FEEDS_FILE: feeds,
    GOVUK_CONTENT_API_URL: 'off',
    LOG_FORMAT: 'json',
  };
  const child = spawn(process.execPath, way.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl+C stops') && err.includes('"msg":"started"')) resolve();
      });
      child.stderr.on('data', () => {
        if (out.includes('Ctrl+C stops') && err.includes('"msg":"started"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${way.label} exited (${code}) before starting:\n${err}`)));
    });
    await sleep(SETTLE_MS);
    return rssMb(child.pid!);
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
  }
}

export async function benchIdleRss() {
  // What `npm start` does first: compile (incremental; nothing to do when dist/ is fresh).
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-rss-'));
  try {
    const results: { label: string; mb: number[] }[] = WAYS.map((w) => ({ label: w.label, mb: [] }));
    // Interleaved, so a busy machine weighs on both alike.
    for (let run = 0; run < RUNS; run++) {
      for (const [i, way] of WAYS.entries()) results[i]!.mb.push(await idleRss(way, dir, run * WAYS.length + i));
    }
    return results.map((r) => ({ label: r.label, median: [...r.mb].sort((a, b) => a - b)[Math.floor(r.mb.length / 2)]!, runs: r.mb }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printIdleRss(results: Awaited<ReturnType<typeof benchIdleRss>>): void {
  console.log(`\nIdle RSS — console mode, empty feed list, the real register; median of ${RUNS} starts, read ${SETTLE_MS / 1000} s after "started"`);
  const baseline = results[0]!.median;
  for (const r of results) {
    const verdict = r.median < GOAL_MB ? 'ok' : 'OVER GOAL';
    console.log(
      `  ${r.label.padEnd(28)} ${r.median.toFixed(1).padStart(6)} MB  (${r.runs.map((x) => x.toFixed(0)).join(', ')}; ${(r.median / baseline).toFixed(2)}× the baseline; goal < ${GOAL_MB} MB: ${verdict})`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printIdleRss(await benchIdleRss());
