// Two projects: every test on SQLite, and the contract suite (stores, queries, the end-to-end Discord and
// digest tests) again on PostgreSQL at TEST_DATABASE_URL. With CI=true the PostgreSQL project always runs,
// so a missing server fails the run; elsewhere it is skipped, with one line saying so, when no server answers.
import pg from 'pg';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { redactUrl } from './src/db/postgres-url.ts';
import { DEFAULT_TEST_DATABASE_URL } from './test/support/test-engine.ts';

/** The test files that make up the contract suite; each must pass on both engines. */
const CONTRACT_SUITE = [
  'test/register.test.ts',
  'test/registers.test.ts',
  'test/cli.test.ts',
  'test/cli-poll.test.ts',
  'test/poller.test.ts',
  'test/poller-change-notes.test.ts',
  'test/poller-exactly-once.test.ts',
  'test/poller-health.test.ts',
  'test/poller-proposals.test.ts',
  'test/full-text.test.ts',
  'test/discord-bot.test.ts',
  'test/discord-bot-editors.test.ts',
  'test/discord-bot-posting.test.ts',
  'test/discord-bot-proposals.test.ts',
  'test/discord-feeds.test.ts',
  'test/delivery-faults.test.ts',
  'test/discord-shards.test.ts',
  'test/send-once.test.ts',
  'test/digest.test.ts',
  'test/digest-discord.test.ts',
  'test/delivery-claims.test.ts',
  'test/scheduler-firings.test.ts',
  'test/web-tracker.test.ts',
  'test/web-feed-and-site.test.ts',
  // PostgreSQL's own: its URL and errors, its search beside SQLite's, several processes on one server.
  'test/pg-*.test.ts',
];

const databaseUrl = process.env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;

async function serverAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Vitest reads this file again for each project that extends it: ask the server, and say so, once a run.
const once = globalThis as { __cwPostgresAnswers?: Promise<boolean> };

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const ci = /^(1|true)$/i.test(process.env.CI ?? '');
  const postgres =
    ci ||
    (await (once.__cwPostgresAnswers ??= serverAnswers().then((answers) => {
      if (!answers) {
        process.stderr.write(`PostgreSQL tests skipped: no server answered at ${redactUrl(databaseUrl)} (set TEST_DATABASE_URL, or CI=true to require it)\n`);
      }
      return answers;
    })));
  return {
    test: {
      globalSetup: ['test/global-setup.ts'],
      // Tests never reach the internet; fail fast rather than hang if one tries.
      testTimeout: 20_000,
      hookTimeout: 20_000,
      projects: [
        { extends: true as const, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/pg-*.test.ts', '**/node_modules/**'] } },
        ...(postgres
          ? [
              {
                extends: true as const,
                test: {
                  name: 'postgres',
                  include: CONTRACT_SUITE,
                  env: { CW_TEST_ENGINE: 'postgres', TEST_DATABASE_URL: databaseUrl },
                  setupFiles: ['test/support/postgres-schemas.ts'],
                },
              },
            ]
          : []),
      ],
    },
  };
});
