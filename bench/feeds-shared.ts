// One poll cycle of the 300 bench feeds (bench/feeds.ts: 127.0.0.1, 100 ms latency each) shared by two real
// bot processes on one PostgreSQL, started together, beside one process alone on the same feeds in the same
// run. Counted at the feed server: requests per feed URL, so a feed fetched twice cannot hide. Goal: no feed
// fetched twice, every feed polled. Each cycle runs in a schema of its own, dropped afterwards.
//
//   npx tsx bench/feeds-shared.ts
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { CONCURRENCY, FEEDS, LATENCY_MS, startServer, type BenchFeedServer } from './feeds.ts';
import { benchSchema, benchSchemaUrl, dropBenchSchema, postgresUnavailable } from './synthetic-register.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./feed-poll-child.ts', import.meta.url));

interface ChildReport {
  ms: number;
  polled: string[];
  parsed: number;
  failed: number;
  skipped: Record<string, number>;
}

/** A child process that said "ready"; `go()` starts its cycle and resolves with its report. */
async function startChild(databaseUrl: string, server: BenchFeedServer) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', CHILD, server.origin, String(FEEDS), String(CONCURRENCY)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, DATABASE_URL: databaseUrl },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`a poller process exited (${code}) early: ${stderr.trim().split('\n')[0] ?? ''}`))),
  );
  exited.catch(() => undefined);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await Promise.race([lines.next(), exited])).value as string;
  if ((await next()) !== 'ready') throw new Error('a poller process did not start');
  return {
    child,
    go: async (): Promise<ChildReport> => {
      child.stdin.write('go\n');
      return JSON.parse(await next()) as ChildReport;
    },
  };
}

/** One cycle by `processes` processes started together on a fresh schema (migrated and seeded first). */
async function cycle(server: BenchFeedServer, processes: number) {
  const schema = benchSchema('feeds');
  const databaseUrl = benchSchemaUrl(schema);
  const children: Awaited<ReturnType<typeof startChild>>[] = [];
  try {
    const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
    if (!config.ok) throw new Error(config.error.join('; '));
    await (await openApp(config.value, systemClock)).close(); // migrations and seeds, before the clock starts
    for (let i = 0; i < processes; i++) children.push(await startChild(databaseUrl, server));
    server.requests.perFeed.clear();
    const start = performance.now();
    const reports = await Promise.all(children.map((c) => c.go()));
    const ms = performance.now() - start;
    const counts = [...server.requests.perFeed.values()];
    const polled = new Set(reports.flatMap((r) => r.polled));
    return {
      ms,
      processes: reports.map((r) => ({ ms: r.ms, fetched: r.polled.length, parsed: r.parsed, failed: r.failed, skipped: r.skipped })),
      feedsRequested: counts.length,
      fetchedTwice: counts.filter((n) => n > 1).length,
      polledAll: polled.size === FEEDS && counts.length === FEEDS,
    };
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
    await dropBenchSchema(schema);
  }
}

export async function benchSharedFeeds() {
  const skipped = await postgresUnavailable();
  if (skipped) return { skipped };
  const server = await startServer();
  try {
    const alone = await cycle(server, 1);
    const shared = await cycle(server, 2);
    return { skipped: undefined, alone, shared };
  } finally {
    await server.close();
  }
}

export function printSharedFeeds(r: Awaited<ReturnType<typeof benchSharedFeeds>>) {
  console.log(`\nFeeds shared by two processes on one PostgreSQL — ${FEEDS} feeds on 127.0.0.1, ${LATENCY_MS} ms latency each, one cycle`);
  if (!r.alone || !r.shared) return void console.log(`  PostgreSQL figures skipped: ${r.skipped}`);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `  one process alone                          ${s(r.alone.ms).padStart(7)}   (fetched ${r.alone.processes[0]?.fetched ?? 0}; every feed polled: ${r.alone.polledAll ? 'yes' : 'NO'})`,
  );
  const each = r.shared.processes.map((p, i) => `process ${i + 1} fetched ${p.fetched} in ${s(p.ms)}`).join(', ');
  console.log(
    `  two processes started together             ${s(r.shared.ms).padStart(7)}   (${each}; ${(r.shared.ms / r.alone.ms).toFixed(2)}× the time of one alone)`,
  );
  console.log(
    `  feeds fetched twice: ${r.shared.fetchedTwice} (goal 0: ${r.shared.fetchedTwice === 0 ? 'ok' : 'FAILED'}); every feed polled: ${r.shared.polledAll ? 'yes' : `NO (${r.shared.feedsRequested}/${FEEDS} requested)`}`,
  );
  const skips = r.shared.processes.map(
    (p, i) =>
      `process ${i + 1}: ${
        Object.entries(p.skipped)
          .map(([why, n]) => `${n} ${why}`)
          .join(', ') || 'none'
      }`,
  );
  console.log(`  skipped (another process had it, or had just polled it): ${skips.join('; ')}`);
  const failed = r.shared.processes.reduce((n, p) => n + p.failed, 0) + r.alone.processes.reduce((n, p) => n + p.failed, 0);
  if (failed) console.log(`  feeds fetched but not parsed: ${failed}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printSharedFeeds(await benchSharedFeeds());
