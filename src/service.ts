// What runtime.ts starts alongside the front end, and what each service is given. Its own module so
// the services (feed scheduler, digest scheduler) and runtime.ts do not import each other.
import type { DiscordRest } from './discord/rest.ts';
import type { App } from './app.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { OnFatal } from './discord/fatal.ts';
import type { Logger } from './log.ts';

export interface RuntimeDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Where console mode prints what it would post. */
  write: (line: string) => void;
  seedsDir?: string | undefined;
  /** Discord refused the bot for good (token rejected, gateway closed for good): the process should end. */
  onFatal?: OnFatal | undefined;
  /** The bound on a stop (default STOP_TIMEOUT_MS). */
  stopTimeoutMs?: number | undefined;
}

/** What a service gets: the runtime's deps and, in Discord mode, the bot's own REST client. */
export interface ServiceDeps extends RuntimeDeps {
  discordRest?: DiscordRest | undefined;
}

/** Something started alongside the front end (a feed scheduler, a digest scheduler). */
export interface Service {
  name: string;
  /** Takes no new work and finishes what is in flight; `timeoutMs` is what is left of the stop's bound. */
  stop(timeoutMs?: number): Promise<void> | void;
}

export type ServiceStarter = (app: App, deps: ServiceDeps) => Promise<Service>;
