// The running bot: the register, the schedulers, and one front end (Discord, or the console
// when there is no token). Everything is checked before connecting. Stops cleanly in reverse order:
// schedulers, then the front end, then the store — each finishing the post in flight, within a bound.
import { openApp, type App } from './app.ts';
import { ConfigProblem } from './config-problem.ts';
import { describeStore } from './db/database.ts';
import { startConsolePoster } from './console/console-poster.ts';
import type { DiscordRest } from './discord/rest.ts';
import type { RuntimeDeps, Service, ServiceStarter } from './service.ts';
import type { Logger } from './log.ts';
import { digestServiceStarter } from './digest/digest-service.ts';
import { configuredFeeds, feedSchedulerService } from './feeds/scheduler.ts';
import { webServiceStarter } from './web/server.ts';

/** How long a stop waits, in all, for the work in flight (a post, a digest part) to finish and be recorded. */
export const STOP_TIMEOUT_MS = 10_000;

export interface Runtime {
  app: App;
  mode: 'console' | 'discord';
  stop(): Promise<void>;
}

/** Services started with every runtime; features add theirs here. */
export const services: ServiceStarter[] = [];
services.push(feedSchedulerService, digestServiceStarter, webServiceStarter);

export async function startRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, logger, write } = deps;
  // Checked before anything connects: a bad feed list is reported now, not after logging in.
  if (config.feedsFile) {
    await configuredFeeds(config.feedsFile).catch((error: unknown) => {
      throw new ConfigProblem('FEEDS_FILE', (error instanceof Error ? error.message : String(error)).replace(/\n\s*-?\s*/g, ' '));
    });
  }
  const app = await openApp(config, deps.clock, { seedsDir: deps.seedsDir });
  const running: Service[] = [];
  try {
    // The front end first, so services share its Discord client (one REST queue, one set of rate limits).
    let discordRest: DiscordRest | undefined;
    if (config.discord) {
      // Loaded here, not at the top: console mode never loads discord.js (~35 MB resident).
      const { startDiscord } = await import('./discord/client.ts');
      const discord = await startDiscord(app, { logger, onFatal: deps.onFatal });
      discordRest = discord.deliveryRest;
      running.push({ name: 'discord', stop: (timeoutMs) => discord.stop(timeoutMs) });
      logger.info({ mode: 'discord', commands: discord.commands.length }, 'started');
    } else {
      write(consoleBanner(app));
      const poster = await startConsolePoster(app.outbox, write);
      running.push({ name: 'console poster', stop: (timeoutMs) => poster.stop(timeoutMs) });
      logger.info({ mode: 'console', commitments: (await app.queries.stats()).commitments.total }, 'started');
    }
    for (const start of services) running.push(await start(app, { ...deps, discordRest }));
  } catch (error) {
    await stopAll(running, logger, deps.stopTimeoutMs ?? STOP_TIMEOUT_MS);
    await app.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    app,
    mode: config.discord ? 'discord' : 'console',
    stop: () =>
      (stopping ??= (async () => {
        await stopAll(running, logger, deps.stopTimeoutMs ?? STOP_TIMEOUT_MS);
        await app.close();
        logger.info('stopped');
      })()),
  };
}

/** Stops each service in reverse order, all within `timeoutMs`; one that overruns is left behind, logged. */
async function stopAll(running: Service[], logger: Logger, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const service of [...running].reverse()) {
    const left = Math.max(0, deadline - Date.now());
    let bound: NodeJS.Timeout | undefined;
    try {
      const overran = await Promise.race([
        Promise.resolve(service.stop(left)).then(() => false),
        new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), left + 100))),
      ]);
      if (overran) logger.warn({ service: service.name, timeoutMs }, 'did not stop in time; stopping anyway');
    } catch (error) {
      logger.error({ err: error, service: service.name }, 'failed to stop cleanly');
    } finally {
      clearTimeout(bound);
    }
  }
}

function consoleBanner(app: App): string {
  const registers = app.registers.map((r) => `${r.manifest.id} (${r.recommendations.length} recommendations, ${r.commitments.length} commitments)`);
  return [
    box([
      'Commitment Watch — CONSOLE MODE: nothing is sent to Discord.',
      'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see .env.example) to',
      'run the Discord bot; DISCORD_GUILD_ID to deploy commands to a server.',
    ]),
    `Register loaded: ${registers.join('; ')}`,
    `Store: ${describeStore(app.config.store)}`,
    'What would be posted is printed below. Ctrl+C stops.',
  ].join('\n');
}

/** Lines in a box drawn to the longest of them. */
function box(lines: string[]): string {
  const width = Math.max(...lines.map((l) => [...l].length));
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...lines.map((l) => `│ ${l}${' '.repeat(width - [...l].length)} │`), `└${rule}┘`].join('\n');
}
