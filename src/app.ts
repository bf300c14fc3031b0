// Wiring shared by every front end (the composition root): open the database, build every store once, load
// and apply the seeds, build the query core. Everything else is handed stores, never the database.
import { openStore, rememberDatabase } from './db/database.ts';
import type { DigestRunStore } from './digest/digest-runs.ts';
import { KyselyFeedStore, type FeedStore } from './feeds/feed-store.ts';
import type { Config } from './config.ts';
import type { Clock } from './clock.ts';
import { RegisterQueries } from './queries.ts';
import { applySeeds, type SeedSummary } from './seed/apply-seeds.ts';
import { DEFAULT_SEEDS_DIR, formatSeedProblem, loadSeeds, type RegisterSeed, type SeedProblem } from './seed/load-seeds.ts';
import { KyselyDeliveryStore, type DeliveryStore } from './store/delivery-store.ts';
import { KyselyDigestRunStore } from './store/digest-run-store.ts';
import { KyselyGuildSettingsStore, type GuildSettingsStore } from './store/guild-settings-store.ts';
import { KyselyOutboxStore, type OutboxStore } from './store/outbox-store.ts';
import { KyselyProposalDecisionStore, type ProposalDecisionStore } from './store/proposal-decision-store.ts';
import { KyselyRegisterStore } from './store/kysely-register-store.ts';
import { KyselySchedulerStore, type SchedulerStore } from './store/scheduler-store.ts';
import { newProcessId } from './process-identity.ts';
import type { RegisterStore } from './store/register-store.ts';
import { KyselySendSlotStore } from './store/send-slot-store.ts';
import { KyselySubscriptionStore } from './store/subscription-store.ts';
import type { SendSlotStore } from './send-pacer.ts';
import type { SubscriptionStore } from './subscriptions/subscription-store.ts';

export class SeedError extends Error {
  constructor(readonly problems: SeedProblem[]) {
    super(`the seed data is invalid:\n${problems.map((p) => `  - ${formatSeedProblem(p)}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

/** One store per table (or per group of tables one module owns). */
export interface Stores {
  /** The register: registers, documents, recommendations, commitments, history, evidence, search. */
  store: RegisterStore;
  /** The events table. */
  outbox: OutboxStore;
  /** feeds, feed_items, feed_item_traces, feed_pending_changes. */
  feeds: FeedStore;
  subscriptions: SubscriptionStore;
  digestRuns: DigestRunStore;
  guildSettings: GuildSettingsStore;
  /** discord_deliveries and the poster's cursor. */
  deliveries: DeliveryStore;
  proposalDecisions: ProposalDecisionStore;
  /** scheduler_firings: which process runs each scheduled firing. */
  schedulers: SchedulerStore;
  /** send_slots: the request schedule every process on the store shares (Discord's global limit). */
  sendSlots: SendSlotStore;
}

export interface App extends Stores {
  config: Config;
  clock: Clock;
  /** This process, as the owner of every claim it takes on shared work (made once, in openApp). */
  processId: string;
  queries: RegisterQueries;
  registers: RegisterSeed[];
  seedSummary: SeedSummary;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  seedsDir?: string | undefined;
  /** This process's identity (tests: two Apps on one file as two processes); default host:pid:random. */
  processId?: string | undefined;
}

export async function openApp(config: Config, clock: Clock, options: OpenAppOptions = {}): Promise<App> {
  // Validate the seeds before touching the store, so bad data changes nothing.
  const seeds = await loadSeeds(options.seedsDir ?? config.seedsDir ?? DEFAULT_SEEDS_DIR);
  if (!seeds.ok) throw new SeedError(seeds.error);
  const opened = await openStore(config.store);
  try {
    const db = opened.db;
    const store = new KyselyRegisterStore(db);
    const seedSummary = await applySeeds(store, seeds.value, clock.now());
    const app: App = {
      config,
      clock,
      processId: options.processId ?? newProcessId(),
      store,
      outbox: new KyselyOutboxStore(db),
      feeds: new KyselyFeedStore(db),
      subscriptions: new KyselySubscriptionStore(db),
      digestRuns: new KyselyDigestRunStore(db),
      guildSettings: new KyselyGuildSettingsStore(db),
      deliveries: new KyselyDeliveryStore(db),
      proposalDecisions: new KyselyProposalDecisionStore(db),
      schedulers: new KyselySchedulerStore(db),
      sendSlots: new KyselySendSlotStore(db),
      queries: new RegisterQueries(store, clock, config.timeZone),
      registers: seeds.value,
      seedSummary,
      close: () => opened.close(),
    };
    rememberDatabase(app, db);
    return app;
  } catch (error) {
    await opened.close();
    throw error;
  }
}
