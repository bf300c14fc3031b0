// Serves the tracker while the bot runs (WEB_PORT on WEB_HOST; `WEB_PORT=off` turns it off). A page that
// cannot listen (the port is taken) is logged as an error and the bot carries on: alerts matter more.
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { App } from '../app.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Service, ServiceStarter } from '../service.ts';
import { trackerRoutes } from './routes.ts';
import { Tracker } from './tracker.tsx';

export interface TrackerServer {
  /** The address it listens on, e.g. http://127.0.0.1:8080/ */
  url: string;
  stop(): Promise<void>;
}

export function trackerFor(app: Pick<App, 'queries' | 'store' | 'feeds'>): Tracker {
  return new Tracker({ queries: app.queries, store: app.store, feeds: app.feeds });
}

export async function startTrackerServer(
  app: Pick<App, 'queries' | 'store' | 'feeds'>,
  options: { port: number; host: string; clock: Clock; logger: Logger; publicUrl?: string | undefined },
): Promise<TrackerServer> {
  const routes = trackerRoutes(trackerFor(app), options);
  const server = createAdaptorServer({ fetch: routes.fetch });
  // Idle connections outlive a reverse proxy's (nginx keeps upstream connections 60 s), so a proxy or a
  // client never reuses a connection the server is closing at that moment (ECONNRESET, a 502).
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** The runtime's service: serves the page and says where (printed in console mode, logged always). */
export const webServiceStarter: ServiceStarter = async (app, deps): Promise<Service> => {
  const web = app.config.web;
  if (!web) return { name: 'tracker page (off)', stop: () => undefined };
  try {
    const server = await startTrackerServer(app, { ...web, clock: deps.clock, logger: deps.logger, publicUrl: app.config.publicUrl });
    deps.logger.info({ url: server.url, publicUrl: app.config.publicUrl }, 'tracker page listening');
    if (!app.config.discord) deps.write(`Tracker page: ${server.url}${app.config.publicUrl ? ` (published at ${app.config.publicUrl})` : ''}`);
    return { name: 'tracker page', stop: () => server.stop() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.logger.error({ host: web.host, port: web.port, reason }, 'the tracker page could not listen: set WEB_PORT to a free port, or off');
    if (!app.config.discord) deps.write(`Tracker page: not served (${reason}); set WEB_PORT to a free port, or off.`);
    return { name: 'tracker page (failed)', stop: () => undefined };
  }
};
