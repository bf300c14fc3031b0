// Delivery at Discord's rate limit: one event to N subscribed channels (BENCH_FANOUT_CHANNELS, default 5,000),
// and the weekly digest to N channels, posted by real bot processes (bench/support/fanout-child.ts: the
// real poster, the real digest service) on PostgreSQL, against the local fake Discord (127.0.0.1) with
// Discord's limits on (50 requests per sliding second; per-channel buckets). One process and two, taking
// turns through the shared send schedule; and, same run, two processes each pacing itself (what discord.js
// does alone) to show why the schedule is shared. Goal: ≥ 45 posts/s, 0 duplicates, 0 lost, 429s ≤ 1%.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { openApp, type App } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { deliveryNonce } from '../src/discord/poster.ts';
import { testDatabaseUrl } from '../test/support/test-engine.ts';
import { RateLimitedDiscord, type DeliveryFigures } from './support/rate-limited-discord.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// The small test register: the fan-out is about delivery, not about the register's size.
const MINI_SEEDS = fileURLToPath(new URL('../test/fixtures/seeds-mini/', import.meta.url));
export const FANOUT_CHANNELS = Number(process.env.BENCH_FANOUT_CHANNELS ?? 5_000);

type Work = 'alerts' | 'digests';
interface Scenario {
  work: Work;
  processes: number;
  pacing: 'shared' | 'alone';
  label: string;
}

export const SCENARIOS: Scenario[] = [
  { work: 'alerts', processes: 1, pacing: 'shared', label: 'alert, 1 process' },
  { work: 'alerts', processes: 2, pacing: 'shared', label: 'alert, 2 processes' },
  { work: 'alerts', processes: 2, pacing: 'alone', label: 'alert, 2 processes, no shared pacer (baseline)' },
  { work: 'digests', processes: 1, pacing: 'shared', label: 'weekly digest, 1 process' },
  { work: 'digests', processes: 2, pacing: 'shared', label: 'weekly digest, 2 processes' },
];

export interface FanoutResult {
  scenario: Scenario;
  figures?: DeliveryFigures;
  /** Seconds from the start (the event recorded, the digest pass begun) to the first post. */
  firstPostSeconds?: number;
  error?: string;
}

// The digest: subscriptions made a week before, their digest due on Saturday 09:00 London; one event in the week.
const SUBSCRIBED_AT = '2024-06-01T07:00:00.000Z';
const DIGEST_AT = '2024-06-08T08:00:20.000Z';
const EVENT_IN_WEEK = '2024-06-03T10:00:00.000Z';

function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** The store with every channel subscribed (through the subscription store, as /alerts subscribe does). */
async function prepare(url: string, discord: RateLimitedDiscord, work: Work): Promise<App> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
  if (!config.ok) throw new Error(config.error.join('; '));
  const app = await openApp(config.value, systemClock, { seedsDir: MINI_SEEDS });
  const ids = discord.channelIds;
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map((channelId) =>
        app.subscriptions.upsert(
          {
            guildId: discord.fake.guildId,
            channelId,
            frequency: work === 'alerts' ? 'immediately' : 'off',
            digest: work === 'digests',
            digestWeekday: 6,
            digestHour: 9,
            timeZone: 'Europe/London',
            createdBy: 'bench',
          },
          work === 'alerts' ? new Date().toISOString() : SUBSCRIBED_AT,
        ),
      ),
    );
  }
  await app.deliveries.setCursor(await app.outbox.newestId());
  return app;
}

const evidence = (createdAt: string) => ({
  type: 'evidence' as const,
  commitmentId: 'modern-slavery-penalties',
  payload: { commitment: 'modern-slavery-penalties', item: { title: 'Penalties consultation', link: 'https://www.gov.uk/penalties' }, feed: 'govuk' },
  dedupeKey: `bench:${createdAt}`,
  createdAt,
});

function startChild(
  s: Scenario,
  url: string,
  discord: RateLimitedDiscord,
): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null>; stderr: () => string } {
  const args = [
    '--import',
    'tsx',
    'bench/support/fanout-child.ts',
    s.work,
    url,
    discord.apiUrl,
    discord.token,
    s.pacing,
    MINI_SEEDS,
    DIGEST_AT,
    String(discord.channelIds.length),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2_000)));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`a bot process ended before it was ready (${code}): ${err.trim().split('\n').pop() ?? ''}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, ready, exited, stderr: () => err };
}

async function runScenario(s: Scenario, discord: RateLimitedDiscord, index: number): Promise<FanoutResult> {
  const schema = `cw_bench_fanout_${process.pid}_${index}`;
  const url = schemaUrl(schema);
  let app: App | undefined;
  const children: ReturnType<typeof startChild>[] = [];
  try {
    app = await prepare(url, discord, s.work);
    let eventId = 0;
    if (s.work === 'digests') eventId = (await app.outbox.record(evidence(EVENT_IN_WEEK)))!;
    for (let i = 0; i < s.processes; i++) children.push(startChild(s, url, discord));
    await Promise.all(children.map((c) => c.ready));
    let first: number | undefined;
    const started = performance.now();
    const unhook = discord.fake.faults.onMessage(() => (first ??= performance.now()));
    discord.mark();
    if (s.work === 'alerts') eventId = (await app.outbox.record(evidence(new Date().toISOString())))!;
    else for (const c of children) c.child.stdin!.write('go\n');
    const expected = discord.channelIds.length;
    const timeoutMs = 60_000 + (expected / 20) * 1_000 * s.processes;
    await discord.waitForPosts(expected, timeoutMs);
    const codes = await Promise.all(children.map((c) => c.exited));
    unhook();
    if (codes.some((c) => c !== 0)) throw new Error(`a bot process failed (${codes.join(', ')}): ${children.map((c) => c.stderr().trim()).join(' | ')}`);
    const figures = discord.figures({
      expected: (channelId) => (s.work === 'alerts' ? [deliveryNonce(eventId, channelId)] : []),
      markerOf: (m) => String(m.nonce ?? m.content),
    });
    // A digest's nonce is per run and part: "lost" is a channel without any post.
    if (s.work === 'digests') figures.lost = discord.channelIds.filter((id) => discord.fake.messagesIn(id).length === 0).length;
    return { scenario: s, figures, firstPostSeconds: first === undefined ? undefined : (first - started) / 1000 };
  } catch (error) {
    return { scenario: s, error: error instanceof Error ? error.message : String(error) };
  } finally {
    for (const c of children) c.child.kill('SIGKILL');
    await app?.close();
    await dropSchema(schema).catch(() => undefined);
  }
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function benchFanout(channels = FANOUT_CHANNELS, scenarios = SCENARIOS): Promise<{ channels: number; results: FanoutResult[]; skipped?: string }> {
  if (!(await postgresAnswers())) return { channels, results: [], skipped: `no PostgreSQL answered at ${new URL(testDatabaseUrl()).host}` };
  const results: FanoutResult[] = [];
  for (const [i, s] of scenarios.entries()) {
    // A Discord of its own per scenario: its rate-limit windows and counts start empty.
    const discord = await RateLimitedDiscord.start({ channels });
    try {
      results.push(await runScenario(s, discord, i));
    } finally {
      await discord.close();
    }
  }
  return { channels, results };
}

export function printFanout(r: Awaited<ReturnType<typeof benchFanout>>): void {
  console.log(
    `\nFan-out at Discord's rate limit — ${r.channels.toLocaleString('en-GB')} channels, bot processes on PostgreSQL, local fake Discord at 50 requests/s; goal ≥ 45 posts/s, 0 duplicates, 0 lost, 429s ≤ 1%`,
  );
  if (r.skipped) return void console.log(`  skipped: ${r.skipped} (set TEST_DATABASE_URL)`);
  for (const { scenario, figures: f, firstPostSeconds, error } of r.results) {
    if (!f) {
      console.log(`  ${scenario.label}: FAILED — ${error}`);
      continue;
    }
    const met = f.postsPerSecond >= 45 && f.duplicates === 0 && f.lost === 0 && f.limitedShare <= 0.01;
    const first = firstPostSeconds ?? 0;
    // The digest pass records every run before it sends any: the sending alone, from the first post, beside it.
    const sending = f.seconds - first > 0 ? ` — ${(f.posts / (f.seconds - first)).toFixed(1)} posts/s from the first post` : '';
    console.log(
      `  ${scenario.label}: ${f.postsPerSecond.toFixed(1)} posts/s (${f.posts} posts in ${f.seconds.toFixed(1)} s, first after ${first.toFixed(2)} s${sending}); ` +
        `duplicates ${f.duplicates}, lost ${f.lost}; 429: ${f.limited} of ${f.requests} requests (${(f.limitedShare * 100).toFixed(2)}%)${scenario.pacing === 'shared' ? (met ? ' — goal met' : ' — GOAL MISSED') : ''}`,
    );
  }
  const alone = r.results.find((x) => x.scenario.pacing === 'alone')?.figures;
  const shared = r.results.find((x) => x.scenario.work === 'alerts' && x.scenario.processes === 2 && x.scenario.pacing === 'shared')?.figures;
  if (alone && shared && shared.limitedShare > 0) {
    console.log(
      `  two processes: 429 share ${(alone.limitedShare * 100).toFixed(2)}% pacing alone vs ${(shared.limitedShare * 100).toFixed(2)}% sharing the schedule`,
    );
  } else if (alone && shared) {
    console.log(`  two processes: 429 share ${(alone.limitedShare * 100).toFixed(2)}% pacing alone vs 0 sharing the schedule`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printFanout(await benchFanout());
