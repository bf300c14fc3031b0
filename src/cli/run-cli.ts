// The terminal front end: `commitment-watch <command>`. Readable output by default, --json for scripts.
// runCli returns the exit code instead of exiting, so tests run it in-process.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { openApp, SeedError, type App } from '../app.ts';
import { describeStore, openStore } from '../db/database.ts';
import { systemClock, type Clock } from '../clock.ts';
import { ConfigProblem, EXIT_CONFIG } from '../config-problem.ts';
import { loadConfig } from '../config.ts';
import { Position, POSITIONS, Status, STATUSES } from '../domain.ts';
import {
  commitmentJson,
  recommendationJson,
  renderCommitment,
  renderEvidence,
  renderHistory,
  renderList,
  renderRecommendation,
  renderRecommendations,
  renderSearch,
  renderStats,
  searchHitJson,
} from './format.ts';
import { coloursFor } from './colours.ts';
import type { CliContext, Io } from './context.ts';
import { registerExportCommand } from './export-command.ts';
import { registerFeedsCommand } from './feeds-command.ts';
import { registerPollCommand } from './poll-command.ts';
import { registerWhyCommand } from './why-command.ts';
import { registerDigestCommand } from './digest-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerSiteCommand } from './site-command.ts';

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: process.stdout.isTTY === true,
};

export interface CliDeps {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  seedsDir?: string;
  io?: Io;
}

class UsageFailure extends Error {}

const statusList = (value: string): Status[] => {
  const parsed = z.array(Status).safeParse(value.split(',').map((s) => s.trim()));
  if (!parsed.success) throw new InvalidArgumentError(`expected one or more of ${STATUSES.join(', ')} (comma-separated)`);
  return parsed.data;
};
const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number from 1');
  return n;
};

export async function runCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const clock = deps.clock ?? systemClock;
  const env = deps.env ?? process.env;
  const config = loadConfig(env);
  if (!config.ok) {
    io.err(`Configuration problem${config.error.length > 1 ? 's' : ''}:\n${config.error.map((p) => `  - ${p}`).join('\n')}`);
    return 2;
  }
  let app: App | undefined;
  const ctx: CliContext = {
    io,
    pc: coloursFor(env, io.isTTY === true),
    config: config.value,
    clock,
    seedsDir: deps.seedsDir,
    app: async () => (app ??= await openApp(config.value, clock, { seedsDir: deps.seedsDir })),
    fail: (message) => {
      throw new UsageFailure(message);
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof UsageFailure) {
      io.err(`commitment-watch: ${error.message}`);
      return 1;
    }
    if (error instanceof SeedError) {
      io.err(error.message);
      return 2;
    }
    // A store that cannot be used (a directory, not a database, corrupt, not writable): named, no stack.
    if (error instanceof ConfigProblem) {
      io.err(`Configuration problem:\n  - ${error.message}`);
      return EXIT_CONFIG;
    }
    throw error;
  } finally {
    await app?.close();
  }
}

/** --register checked against the registers loaded; an unknown one (or none, where one is needed) fails in one line. */
async function registerOption(ctx: CliContext, name: string | undefined, needOne: boolean): Promise<string | undefined> {
  const resolved = await (await ctx.app()).queries.resolveRegister(name, needOne, '--register');
  if (!resolved.ok) ctx.fail(resolved.error);
  return resolved.value;
}

function buildProgram(ctx: CliContext): Command {
  const { io, pc } = ctx;
  const print = (json: boolean | undefined, value: unknown, text: () => string) => io.out(json ? JSON.stringify(value, null, 2) : text());
  const program = new Command('commitment-watch')
    .description('Holds the UK Government to what it said it would do.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)');

  program
    .command('list')
    .description('list commitments, filtered')
    .addOption(new Option('--status <statuses>', `only these statuses (${STATUSES.join(', ')})`).argParser(statusList))
    .addOption(new Option('--position <position>', 'only commitments answering recommendations with this position').choices(POSITIONS))
    .option('--department <name>', 'department (today’s or original name; part of it will do)')
    .option('--theme <name>', 'theme of the recommendation (part of it will do)')
    .option('--overdue', 'only commitments whose deadline has passed')
    .option('--register <id>', 'only this register')
    .addOption(new Option('--page <n>', 'page number').argParser(positiveInt))
    .addOption(new Option('--page-size <n>', 'commitments a page').argParser(positiveInt).default(100))
    .option('--json', 'print JSON')
    .action(
      async (o: {
        status?: Status[];
        position?: Position;
        department?: string;
        theme?: string;
        overdue?: boolean;
        register?: string;
        page?: number;
        pageSize: number;
        json?: boolean;
      }) => {
        const queries = (await ctx.app()).queries;
        const register = await registerOption(ctx, o.register, false);
        const filter = { status: o.status, position: o.position, department: o.department, theme: o.theme, overdue: o.overdue, register };
        // Without --page, every match: scripts asking for a list want all of it.
        let page = await queries.list({ ...filter, page: o.page ?? 1, pageSize: o.pageSize });
        const items = [...page.items];
        while (o.page === undefined && page.page < page.pages) {
          page = await queries.list({ ...filter, page: page.page + 1, pageSize: o.pageSize });
          items.push(...page.items);
        }
        const shown = o.page === undefined ? { ...page, items, page: 1, pages: 1 } : page;
        print(o.json, items.map(commitmentJson), () => renderList(shown, pc));
      },
    );

  program
    .command('show <id>')
    .description('show one commitment')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await (await ctx.app()).queries.show(id);
      if (!result.ok) ctx.fail(result.error.message);
      print(o.json, commitmentJson(result.value), () => renderCommitment(result.value, pc));
    });

  program
    .command('search <words...>')
    .description('search commitments and recommendations, best first')
    .addOption(new Option('--limit <n>', 'how many results').argParser(positiveInt).default(10))
    .option('--json', 'print JSON')
    .action(async (words: string[], o: { limit: number; json?: boolean }) => {
      const text = words.join(' ');
      if (!/[\p{L}\p{N}]/u.test(text)) ctx.fail('search needs at least one word');
      const hits = await (await ctx.app()).queries.search(text, o.limit);
      print(o.json, hits.map(searchHitJson), () => renderSearch(hits, pc));
    });

  program
    .command('history <id>')
    .description('the timeline of a commitment’s status')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await (await ctx.app()).queries.history(id);
      if (!result.ok) ctx.fail(result.error.message);
      print(o.json, result.value.history, () => renderHistory(result.value.commitment, result.value.history, pc));
    });

  program
    .command('evidence <id>')
    .description('every piece of evidence linked to a commitment, newest first, with where it came from')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await (await ctx.app()).queries.evidence(id);
      if (!result.ok) ctx.fail(result.error.message);
      print(o.json, result.value.evidence, () => renderEvidence(result.value.commitment, result.value.evidence, pc));
    });

  program
    .command('stats')
    .description('counts per status and per position')
    .option('--register <id>', 'only this register')
    .option('--json', 'print JSON')
    .action(async (o: { register?: string; json?: boolean }) => {
      const stats = await (await ctx.app()).queries.stats(await registerOption(ctx, o.register, false));
      print(o.json, stats, () => renderStats(stats, pc));
    });

  program
    .command('recommendations')
    .description('every recommendation with the Government’s position')
    .option('--register <id>', 'only this register')
    .option('--json', 'print JSON')
    .action(async (o: { register?: string; json?: boolean }) => {
      const recs = await (await ctx.app()).queries.recommendations(await registerOption(ctx, o.register, false));
      print(o.json, recs.map(recommendationJson), () => renderRecommendations(recs, pc));
    });

  program
    .command('recommendation <number>')
    .description('one recommendation: the Committee’s words, the Government’s answer and position')
    .option('--register <id>', 'the register, where there are several')
    .option('--json', 'print JSON')
    .action(async (raw: string, o: { register?: string; json?: boolean }) => {
      const number = Number(raw);
      if (!Number.isInteger(number) || number < 1) ctx.fail(`"${raw}" is not a recommendation number: expected a whole number such as 23`);
      // Recommendation numbers are per register: with several loaded, the register must be named.
      const result = await (await ctx.app()).queries.recommendation(number, await registerOption(ctx, o.register, true));
      if (!result.ok) ctx.fail(result.error.message);
      print(o.json, { ...recommendationJson(result.value), commitmentTitles: result.value.commitmentTitles }, () => renderRecommendation(result.value, pc));
    });

  program
    .command('migrate')
    .description('create or bring the store up to date (SQLite or PostgreSQL), without seeding')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const opened = await openStore(ctx.config.store);
      await opened.close();
      const { applied, all } = opened.migrations;
      print(o.json, { store: describeStore(ctx.config.store), applied, migrations: all }, () =>
        [
          `Store: ${describeStore(ctx.config.store)}`,
          applied.length ? `Applied: ${applied.join(', ')}` : 'Up to date',
          `At: ${all.at(-1) ?? 'none'} (${all.length} migrations)`,
        ].join('\n'),
      );
    });

  program
    .command('seed')
    .description('validate the seed data and apply it (idempotent)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const app = await ctx.app();
      const s = app.seedSummary;
      print(o.json, s, () =>
        Object.entries(s)
          .map(([what, t]) => `${what.padEnd(16)} ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged`)
          .join('\n'),
      );
    });

  registerPollCommand(program, ctx);
  registerWhyCommand(program, ctx);
  registerFeedsCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerDigestCommand(program, ctx);
  registerImportCommand(program, ctx);
  registerSiteCommand(program, ctx);

  return program;
}
