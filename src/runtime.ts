// The running bot: the register, the schedulers, and one front end (Discord, or the console
// when there is no token). Stops cleanly in reverse order: schedulers, then the front end, then the store.
import { openApp, type App } from './app.ts';
import { startConsolePoster } from './console/console-poster.ts';
import type { REST } from 'discord.js';
import type { RuntimeDeps, Service, ServiceStarter } from './service.ts';
import type { Logger } from './log.ts';
import { startDiscord } from './discord/client.ts';
import { digestServiceStarter } from './digest/digest-service.ts';
import { feedSchedulerService } from './feeds/scheduler.ts';

export interface Runtime {
  app: App;
  mode: 'console' | 'discord';
  stop(): Promise<void>;
}

/** Services started with every runtime; features add theirs here. */
export const services: ServiceStarter[] = [];
services.push(feedSchedulerService, digestServiceStarter);

export async function startRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, logger, write } = deps;
  const app = await openApp(config, deps.clock, { seedsDir: deps.seedsDir });
  const running: Service[] = [];
  try {
    // The front end first, so services share its Discord client (one REST queue, one set of rate limits).
    let discordRest: REST | undefined;
    if (config.discord) {
      const discord = await startDiscord(app, { logger });
      discordRest = discord.client.rest;
      running.push({ name: 'discord', stop: () => discord.stop() });
      logger.info({ mode: 'discord', commands: discord.commands.length }, 'started');
    } else {
      write(consoleBanner(app));
      const poster = await startConsolePoster(app.db, write);
      running.push({ name: 'console poster', stop: () => poster.stop() });
      logger.info({ mode: 'console', commitments: (await app.queries.stats()).commitments.total }, 'started');
    }
    for (const start of services) running.push(await start(app, { ...deps, discordRest }));
  } catch (error) {
    await stopAll(running, logger);
    await app.close();
    throw error;
  }
  return {
    app,
    mode: config.discord ? 'discord' : 'console',
    stop: async () => {
      await stopAll(running, logger);
      await app.close();
      logger.info('stopped');
    },
  };
}

async function stopAll(running: Service[], logger: Logger): Promise<void> {
  for (const service of running.reverse()) {
    try {
      await service.stop();
    } catch (error) {
      logger.error({ err: error, service: service.name }, 'failed to stop cleanly');
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
    `Store: ${app.config.store.filename}`,
    'What would be posted is printed below. Ctrl+C stops.',
  ].join('\n');
}

/** Lines in a box drawn to the longest of them. */
function box(lines: string[]): string {
  const width = Math.max(...lines.map((l) => [...l].length));
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...lines.map((l) => `│ ${l}${' '.repeat(width - [...l].length)} │`), `└${rule}┘`].join('\n');
}
