// Wiring shared by every front end: open the store, load and apply the seeds, build the query core.
import type { Kysely } from 'kysely';
import { openStore } from './db/database.ts';
import type { Database } from './db/tables.ts';
import type { Config } from './config.ts';
import type { Clock } from './clock.ts';
import { RegisterQueries } from './queries.ts';
import { applySeeds, type SeedSummary } from './seed/apply-seeds.ts';
import { DEFAULT_SEEDS_DIR, formatSeedProblem, loadSeeds, type RegisterSeed, type SeedProblem } from './seed/load-seeds.ts';
import { KyselyRegisterStore } from './store/kysely-register-store.ts';
import type { RegisterStore } from './store/register-store.ts';

export class SeedError extends Error {
  constructor(readonly problems: SeedProblem[]) {
    super(`the seed data is invalid:\n${problems.map((p) => `  - ${formatSeedProblem(p)}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

export interface App {
  config: Config;
  clock: Clock;
  db: Kysely<Database>;
  store: RegisterStore;
  queries: RegisterQueries;
  registers: RegisterSeed[];
  seedSummary: SeedSummary;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  seedsDir?: string | undefined;
}

export async function openApp(config: Config, clock: Clock, options: OpenAppOptions = {}): Promise<App> {
  // Validate the seeds before touching the store, so bad data changes nothing.
  const seeds = await loadSeeds(options.seedsDir ?? config.seedsDir ?? DEFAULT_SEEDS_DIR);
  if (!seeds.ok) throw new SeedError(seeds.error);
  const opened = await openStore(config.store);
  try {
    const store = new KyselyRegisterStore(opened.db);
    const seedSummary = await applySeeds(store, seeds.value, clock.now());
    return {
      config,
      clock,
      db: opened.db,
      store,
      queries: new RegisterQueries(store, clock, config.timeZone),
      registers: seeds.value,
      seedSummary,
      close: () => opened.close(),
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
