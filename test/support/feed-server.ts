// A local HTTP server for tests: serves fixture files and crafted (also hostile) responses.
// Listens on 127.0.0.1 only, on a free port. Tests must never send traffic anywhere else.
//
//   const server = await startFeedServer();
//   server.serveFile('/govuk.atom', 'fixtures/govuk.xml', { etag: '"v1"' });
//   server.route('/slow', (req, res) => { ... });
//   await fetcher.fetch(server.url('/govuk.atom'));
//   server.requests('/govuk.atom')[0]?.headers['user-agent'];
//   await server.close();
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface LoggedRequest {
  method: string;
  /** Path and query as sent, e.g. "/feed.atom?x=1". */
  url: string;
  /** Path without the query. */
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface FeedServer {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  readonly origin: string;
  readonly port: number;
  /** Full URL of a path on this server; `host` replaces 127.0.0.1 (resolve it to 127.0.0.1 with an injected lookup). */
  url(path: string, host?: string): string;
  /** Handles requests whose path (without query) is `path`; a later route for the same path replaces it. */
  route(path: string, handler: RouteHandler): void;
  /**
   * Serves a file (absolute, or relative to the working directory) with 200, a Content-Type guessed from its
   * extension unless given, and any extra headers. Given an `etag` / `last-modified` header, it answers a
   * matching If-None-Match / If-Modified-Since with 304 as a real server would.
   */
  serveFile(path: string, file: string, headers?: http.OutgoingHttpHeaders): void;
  /** Same as serveFile for content held in memory. */
  serveBody(path: string, body: string | Buffer, headers?: http.OutgoingHttpHeaders): void;
  /** Requests received for `path` (without query), oldest first; every request when no path is given. */
  requests(path?: string): LoggedRequest[];
  /** Forgets logged requests (routes stay). */
  clearRequests(): void;
  /** Connections ever accepted (a witness that nothing connected, or how many did). */
  readonly connectionCount: number;
  /** Stops the server, cutting off open and keep-alive connections. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, RouteHandler>();
  const log: LoggedRequest[] = [];
  let connections = 0;

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    log.push({ method: req.method ?? 'GET', url, path, headers: req.headers, at: Date.now() });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${path}`);
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`route handler failed: ${String(error)}`);
      });
  });
  server.on('connection', () => {
    connections += 1;
  });
  // A client that resets mid-response must not take the test process down.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  function serveBody(path: string, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    routes.set(path, (req, res) => {
      const etag = lower['etag'];
      const lastModified = lower['last-modified'];
      const ifNoneMatch = req.headers['if-none-match'];
      const ifModifiedSince = req.headers['if-modified-since'];
      const notModified =
        ifNoneMatch !== undefined
          ? etag !== undefined &&
            ifNoneMatch
              .split(',')
              .map((t) => t.trim())
              .some((t) => t === '*' || t === String(etag))
          : ifModifiedSince !== undefined && lastModified !== undefined && Date.parse(ifModifiedSince) >= Date.parse(String(lastModified));
      if (notModified) {
        const keep: http.OutgoingHttpHeaders = {};
        for (const name of ['etag', 'last-modified', 'cache-control']) if (lower[name] !== undefined) keep[name] = lower[name];
        res.writeHead(304, keep).end();
        return;
      }
      res.writeHead(200, { 'content-length': bytes.length, ...lower }).end(bytes);
    });
  }

  return {
    origin,
    port,
    url: (path, host) => `http://${host ?? '127.0.0.1'}:${port}${path.startsWith('/') ? path : `/${path}`}`,
    route: (path, handler) => {
      routes.set(path, handler);
    },
    serveFile(path, file, headers = {}) {
      const full = isAbsolute(file) ? file : resolve(process.cwd(), file);
      const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
      const type = CONTENT_TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream';
      serveBody(path, readFileSync(full), hasType ? headers : { 'content-type': type, ...headers });
    },
    serveBody,
    requests: (path) => (path === undefined ? [...log] : log.filter((r) => r.path === path)),
    clearRequests: () => {
      log.length = 0;
    },
    get connectionCount() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
