import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { openApp } from '../src/app.ts';
import { EXPORT_COLUMNS } from '../src/cli/export-command.ts';
import { manualClock } from '../src/clock.ts';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.ts';
import { describeStore } from '../src/db/database.ts';
import { cli, MINI_SEEDS, tempDir, testConfig } from './support/register.ts';
import { onPostgres } from './support/test-engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real command in a child process, as a user would. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('CLI answers from the seeded register', () => {
  it('show --json has the fixed keys', async () => {
    const r = await cli(['show', 'modern-slavery-penalties', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      id: 'modern-slavery-penalties',
      title: 'Financial penalties for breaches of the Modern Slavery Act transparency duty',
      quote: 'We will introduce these measures as soon as Parliamentary time allows.',
      status: 'stalled',
      department: 'Home Office',
      recommendations: [3],
      deadline: { text: 'as soon as Parliamentary time allows', date: '2022-12-31' },
      overdue: true,
    });
  });

  it('show prints a readable page', async () => {
    // CI set, as on a CI runner: output that is not a terminal stays plain all the same.
    const r = await cli(['show', 'report-export-controls-review'], { env: { CI: 'true' } });
    expect(r.stdout).toContain('Report the findings of the export controls review to Parliament');
    expect(r.stdout).toContain('DIT will report back to Parliament');
    expect(r.stdout).toMatch(/Department:\s+Department for Business and Trade \(made by Department for International Trade\)/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('paints only when asked: FORCE_COLOR colours a pipe, NO_COLOR wins over it', async () => {
    const forced = await cli(['list', '--status', 'stalled'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[33mstalled'); // yellow
    const both = await cli(['list', '--status', 'stalled'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.stdout).toMatch(/^stalled\s+\S/m);
    expect(both.stdout).not.toContain('\u001b[');
  });

  it('an unknown id exits non-zero with one line naming the closest ids', async () => {
    const r = await cli(['show', 'modern-slavery']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no commitment has the id "modern-slavery"; did you mean modern-slavery-penalties/);
  });

  it('search --json prints hits best first with kind, id, title and snippet', async () => {
    const r = await cli(['search', 'modern', 'slavery', 'penalties', '--json']);
    const hits = r.json() as Record<string, unknown>[];
    expect(hits[0]).toEqual({
      kind: 'commitment',
      id: 'modern-slavery-penalties',
      title: 'Financial penalties for breaches of the Modern Slavery Act transparency duty',
      snippet: expect.stringContaining('Parliamentary time allows'),
    });
    expect(hits).toContainEqual(expect.objectContaining({ kind: 'recommendation', id: '3' }));
  });

  it('stats --json counts per status and per position', async () => {
    const r = await cli(['stats', '--json']);
    expect(r.json()).toEqual({
      commitments: {
        total: 3,
        byStatus: { 'not-started': 1, 'in-progress': 1, stalled: 1, delivered: 0, 'partly-delivered': 0, abandoned: 0, unclear: 0 },
      },
      recommendations: { total: 3, byPosition: { accepted: 2, 'accepted-in-part': 0, noted: 0, 'not-accepted': 1 } },
    });
  });

  it('recommendations --json and recommendation <n> give the Committee’s words and the shared answer', async () => {
    const all = (await cli(['recommendations', '--json'])).json() as { number: number; position: string }[];
    expect(all.map((r) => [r.number, r.position])).toEqual([
      [1, 'accepted'],
      [2, 'not-accepted'],
      [3, 'accepted'],
    ]);
    const two = (await cli(['recommendation', '2', '--json'])).json();
    expect(two).toMatchObject({ number: 2, theme: 'Trade', responseSameAs: 1, response: expect.stringContaining('report back to Parliament') });
    const none = await cli(['recommendation', '40']);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('recommendations are numbered 1–3') });
    expect((await cli(['recommendation', 'x'])).code).toBe(1);
  });

  it('list filters and refuses a bad option with an explanation', async () => {
    const list = (await cli(['list', '--department', 'home office', '--json'])).json() as { id: string; openDays: number | null }[];
    expect(list.map((c) => c.id)).toEqual(['modern-slavery-penalties']);
    expect(list[0]!.openDays).toBe(943); // 2021-11-01 to the test clock's 2024-06-01
    const text = (await cli(['list'])).stdout;
    expect(text).toMatch(/^stalled +modern-slavery-penalties {2}OVERDUE$/m);
    expect(text).toMatch(/^in-progress +report-export-controls-review {2}\(open 2 years, no date\)$/m);
    const bad = await cli(['list', '--status', 'finished']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected one or more of not-started, in-progress');
  });

  it('history --json lists the timeline oldest first', async () => {
    const h = (await cli(['history', 'modern-slavery-penalties', '--json'])).json() as { from: string | null; to: string }[];
    expect(h.map((e) => [e.from, e.to])).toEqual([
      [null, 'not-started'],
      ['not-started', 'stalled'],
    ]);
  });

  it('export writes the register as CSV a spreadsheet reads safely, and as JSON with the same keys', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    const app = await openApp(testConfig({ DATABASE_URL: db }), manualClock('2024-06-01T12:00:00Z'), { seedsDir: MINI_SEEDS });
    // A reason that a spreadsheet would run as a formula if it were written as it is.
    await app.store.changeStatus(
      { commitmentId: 'trade-envoy-training', to: 'in-progress', reason: '=HYPERLINK("https://evil.example","click")', actor: 'cli:test' },
      '2024-05-01T10:00:00.000Z',
    );
    await app.close();

    const csv = await cli(['export'], { env: { DATABASE_URL: db } });
    expect(csv.code).toBe(0);
    const rows = parse<Record<string, string>>(csv.stdout, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((r) => r.id)).toEqual(['report-export-controls-review', 'modern-slavery-penalties', 'trade-envoy-training']);
    expect(rows[1]).toMatchObject({
      status: 'stalled',
      deadline_text: 'as soon as Parliamentary time allows',
      deadline_date: '2022-12-31',
      overdue: 'true',
      open_days: '943',
      positions: '3: accepted',
      last_change: 'not-started → stalled',
    });
    expect(rows[2]!.last_change_reason).toBe(`'=HYPERLINK("https://evil.example","click")`);

    const out = join(dir, 'register.json');
    const json = await cli(['export', '--format', 'json', '--out', out], { env: { DATABASE_URL: db } });
    expect(json.stderr).toBe(`Wrote 3 commitments to ${out}.\n`);
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
    expect(Object.keys(parsed[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(parsed[2]).toMatchObject({ id: 'trade-envoy-training', overdue: false, last_change_reason: '=HYPERLINK("https://evil.example","click")' });
    expect((await cli(['export', '--format', 'xlsx'])).stderr).toMatch(/Allowed choices are csv, json/);
  });

  it('seed twice changes nothing the second time', async () => {
    const db = join(tempDir(), 'db.sqlite');
    await cli(['seed'], { env: { DATABASE_URL: db } });
    const second = await cli(['seed', '--json'], { env: { DATABASE_URL: db } });
    const summary = second.json() as Record<string, { created: number; updated: number }>;
    for (const counts of Object.values(summary)) expect([counts.created, counts.updated]).toEqual([0, 0]);
  });
});

describe('bad input is named, with what was expected', () => {
  it('a bad seed file names the file, the path inside it, the line and the reason, and changes nothing', async () => {
    const seeds = tempDir();
    cpSync(MINI_SEEDS, seeds, { recursive: true });
    const file = join(seeds, 'registers/mini/commitments.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('status: stalled', 'status: stalled')
        .replace('    status: not-started\n    statusReason: The course', '    status: finished\n    statusReason: The course'),
    );
    const db = join(tempDir(), 'db.sqlite');
    const r = await cli(['seed'], { seedsDir: seeds, env: { DATABASE_URL: db } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/registers\/mini\/commitments\.yaml: commitments\[2\]\.status \(line \d+\): Invalid option: expected one of "not-started"/);
    const line = Number(/line (\d+)/.exec(r.stderr)?.[1]);
    expect(readFileSync(file, 'utf8').split('\n')[line - 1]).toContain('status: finished');
  });

  it('a seed that points at a missing recommendation is refused', async () => {
    const seeds = tempDir();
    cpSync(MINI_SEEDS, seeds, { recursive: true });
    const file = join(seeds, 'registers/mini/commitments.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('recommendations: [3]', 'recommendations: [3, 9]'));
    const r = await cli(['stats'], { seedsDir: seeds });
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('commitments[1].recommendations[1]: there is no recommendation 9') });
  });

  it('configuration problems are all reported together, naming each variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://db.example/cw',
      TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'loud',
      DISCORD_GUILD_ID: 'abc',
      GOVUK_CONTENT_API_URL: 'gov.uk',
    });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    expect(config.error).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^DATABASE_URL: expected postgres:\/\/… or postgresql:\/\/… for PostgreSQL, or a file: URL or a path to an SQLite file \(the mysql: scheme is not supported\)/,
        ),
        expect.stringMatching(/^TIMEZONE: expected an IANA time zone/),
        expect.stringMatching(/^LOG_LEVEL: expected one of fatal/),
        expect.stringMatching(/^DISCORD_GUILD_ID: expected a Discord id/),
        expect.stringMatching(/^GOVUK_CONTENT_API_URL: expected an http\(s\) URL of GOV.UK’s content API .*, or off$/),
      ]),
    );
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.value.govukContentApiUrl).toBe('https://www.gov.uk/api/content');
    const off = loadConfig({ GOVUK_CONTENT_API_URL: 'off' });
    expect(off.ok && off.value.govukContentApiUrl).toBeNull();
  });

  it('every variable the code reads is in .env.example and in the README, and nothing else is', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const inExample = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(inExample.sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const name of CONFIG_VARIABLES) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  it('every command of the CLI is in the README', async () => {
    const help = (await cli(['--help'])).stdout;
    const names = [...help.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    expect(names.length).toBeGreaterThan(10);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of names) expect(readme, name).toMatch(new RegExp(`(\\| |/ )\`${name}[ \`]|cli -- ${name}\\b`));
  });

  it('every feeds subcommand of the CLI is in the README', async () => {
    const help = (await cli(['feeds', '--help'])).stdout;
    const names = [...help.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    expect(names).toEqual(expect.arrayContaining(['status', 'enable', 'check']));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of names) expect(readme, name).toMatch(new RegExp(`\\| \`feeds ${name}[ \`]`));
  });

  it('accepts file: URLs and paths for DATABASE_URL', () => {
    for (const url of ['file:data/x.sqlite', 'file:///tmp/x.sqlite', './x.sqlite', '/tmp/x.sqlite']) {
      const config = loadConfig({ DATABASE_URL: url });
      expect(config.ok && describeStore(config.value.store)).toMatch(/x\.sqlite$/);
    }
  });

  // SQLite's own problems; PostgreSQL's are in test/pg-store.test.ts.
  it.skipIf(onPostgres())('a store that cannot be used is a DATABASE_URL problem: exit 2, one line, no stack', async () => {
    const dir = tempDir();
    const r = await cli(['stats'], { env: { DATABASE_URL: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL: .* is a directory: expected an SQLite file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the real command exits 2 with no stack trace and never prints the token', async () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value';
    const r = await run(['stats'], { DATABASE_URL: 'mysql://localhost/x', DISCORD_TOKEN: token, DISCORD_API_URL: 'not a url' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL: expected postgres://… or postgresql://… for PostgreSQL, or a file: URL or a path');
    expect(r.stderr).toContain('DISCORD_API_URL: expected an http(s) URL');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(token);
  });
});

describe.skipIf(onPostgres())('two processes on one SQLite file', () => {
  it('queue their writes and leave the database intact', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    await cli(['seed'], { env: { DATABASE_URL: db } });
    const script = join(dir, 'writer.mts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(join(root, 'src/db/database.ts'))};
import { KyselyRegisterStore } from ${JSON.stringify(join(root, 'src/store/kysely-register-store.ts'))};
const opened = await openStore({ dialect: 'sqlite', filename: process.argv[2] });
const store = new KyselyRegisterStore(opened.db);
const id = process.argv[3];
for (let i = 0; i < 40; i++) {
  await store.changeStatus({ commitmentId: id, to: i % 2 ? 'in-progress' : 'stalled', reason: 'write ' + i, actor: 'cli:test' }, new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString());
}
await opened.close();
`,
    );
    const writer = (id: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, db, id], { cwd: root, stdio: 'inherit' });
        child.on('close', resolve);
      });
    expect(await Promise.all([writer('trade-envoy-training'), writer('report-export-controls-review')])).toEqual([0, 0]);
    const history = (await cli(['history', 'trade-envoy-training', '--json'], { env: { DATABASE_URL: db } })).json() as unknown[];
    expect(history).toHaveLength(41);
    const Database = (await import('better-sqlite3')).default;
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.prepare("select count(*) n from events where type = 'status-change'").get()).toEqual({ n: 80 });
    check.close();
  });
});
