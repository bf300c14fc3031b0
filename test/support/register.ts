// Test helpers: a migrated store with the mini register seeded, and an in-process CLI.
import { fileURLToPath } from 'node:url';
import { openApp, type App } from '../../src/app.ts';
import { manualClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { storeUrlFor } from './test-engine.ts';

export const MINI_SEEDS = fileURLToPath(new URL('../fixtures/seeds-mini/', import.meta.url));

export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  // No change-note lookups unless a test points them at its local server: tests reach 127.0.0.1 only.
  // No tracker page unless a test asks for one (WEB_PORT: '0', an ephemeral port): never port 8080 in tests.
  const merged = { DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off', ...env };
  // On the PostgreSQL run, the store asked for is a schema of this test file's (test-engine.ts).
  const config = loadConfig({ ...merged, DATABASE_URL: storeUrlFor(merged.DATABASE_URL) });
  if (!config.ok) throw new Error(config.error.join('; '));
  return config.value;
}

export async function openMiniApp(now = '2024-06-01T12:00:00Z', env: NodeJS.ProcessEnv = {}): Promise<App & { clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock(now);
  const app = await openApp(testConfig(env), clock, { seedsDir: MINI_SEEDS });
  return Object.assign(app, { clock });
}

export { tempDir } from './temp-dir.ts';

/** Runs the CLI in-process and captures what a user would see. */
export async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; seedsDir?: string; now?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const env = { DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', ...options.env };
  const code = await runCli(args, {
    env: { ...env, DATABASE_URL: storeUrlFor(env.DATABASE_URL) },
    seedsDir: options.seedsDir ?? MINI_SEEDS,
    clock: manualClock(options.now ?? '2024-06-01T12:00:00Z'),
    io: { out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`) },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as unknown };
}
