// The live tracker over HTTP (Hono). Read-only: GET and HEAD only, anything else is 405. Every response
// carries a strict Content-Security-Policy (no script at all; styles and images from the site only).
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { absoluteLinks, siteLinks } from './links.ts';
import { STYLESHEET } from './style.ts';
import type { Rendered, Tracker } from './tracker.tsx';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

export function trackerRoutes(tracker: Tracker, deps: { clock: Clock; logger: Logger; publicUrl?: string | undefined }): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return c.text('This tracker is read-only: only GET and HEAD are allowed.\n', 405, { Allow: 'GET, HEAD' });
  });
  app.use('*', secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, referrerPolicy: 'no-referrer' }));
  // Feed readers and scripts poll: an unchanged feed or list costs them a 304; any site may read the data.
  for (const path of ['/feed.atom', '/api/*']) {
    app.use(path, etag());
    app.use(path, cors({ origin: '*', allowMethods: ['GET', 'HEAD'] }));
  }

  // Links are relative to the page, so the site works at any path behind a proxy.
  const at = (depth: number) => tracker.context(siteLinks({ depth }));
  const page = (c: Context, r: Rendered) => c.html(r.body, r.status);

  app.get('/', async (c) => page(c, await tracker.index(await at(0), c.req.query())));
  app.get('/commitments/:id', async (c) => page(c, await tracker.commitment(await at(1), c.req.param('id'))));
  app.get('/recommendations/:n', async (c) => page(c, await tracker.recommendation(await at(1), c.req.param('n'))));
  app.get('/registers/:register/recommendations/:n', async (c) => page(c, await tracker.recommendation(await at(3), c.req.param('n'), c.req.param('register'))));
  app.get('/feeds', async (c) => page(c, await tracker.feeds(await at(0))));
  // A feed's links are absolute where the site's address is known (PUBLIC_URL); else relative to the feed.
  const feedLinks = deps.publicUrl ? absoluteLinks(deps.publicUrl) : siteLinks({ depth: 0 });
  app.get('/feed.atom', async (c) => c.body(await tracker.atom(feedLinks, deps.clock.now()), 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' }));
  app.get('/api/commitments.json', async (c) => {
    const r = await tracker.apiList(c.req.query());
    return c.json(r.body, r.status);
  });
  app.get('/api/commitments/:file', async (c) => {
    const file = c.req.param('file');
    if (!file.endsWith('.json')) return c.json({ error: 'not found: commitments are at /api/commitments/<id>.json' }, 404);
    const r = await tracker.apiCommitment(file.slice(0, -'.json'.length));
    return c.json(r.body, r.status);
  });
  app.get('/style.css', (c) => c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  // Healthy when the store answers: a load balancer's check that means something.
  app.get('/healthz', async (c) => c.json({ status: 'ok', registers: (await at(0)).registers.length }));

  app.notFound(async (c) => {
    const depth = Math.max(0, c.req.path.split('/').length - 2);
    return page(c, await tracker.notFound(await at(depth), `Nothing is published at ${c.req.path}.`, []));
  });
  app.onError((error, c) => {
    deps.logger.error({ err: error, path: c.req.path }, 'the tracker page failed');
    return c.text('Something went wrong on our side; the error is logged.\n', 500);
  });
  return app;
}
