// The feed fetcher against a local server (127.0.0.1 only) and against injected DNS answers that are
// refused before any connection is made. No test sends traffic anywhere but 127.0.0.1.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import zlib from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LookupFunction } from '../src/feeds/fetch.ts';
import { expectFailed, expectFetched, sha256, UA, ATOM, useFetchHarness } from './support/fetch-harness.ts';
import type { FeedServer } from './support/feed-server.ts';
import { tempDir } from './support/temp-dir.ts';

const { fetcher, server: startedServer } = useFetchHarness();
let server: FeedServer;
beforeAll(() => {
  server = startedServer();
});

describe('ordinary fetching', () => {
  it('returns a 200 body with its validators, content type, max-age and body hash', async () => {
    server.serveBody('/ok.atom', ATOM, {
      'content-type': 'application/atom+xml; charset=utf-8',
      etag: '"v1"',
      'last-modified': 'Tue, 01 Apr 2025 08:00:00 GMT',
      'cache-control': 'public, max-age=300',
    });
    const outcome = expectFetched(await fetcher().fetch(server.url('/ok.atom')));
    expect(outcome).toMatchObject({
      status: 200,
      finalUrl: server.url('/ok.atom'),
      body: ATOM,
      contentType: 'application/atom+xml; charset=utf-8',
      unchanged: false,
      maxAgeSeconds: 300,
      validators: { etag: '"v1"', lastModified: 'Tue, 01 Apr 2025 08:00:00 GMT', bodyHash: sha256(ATOM) },
    });
  });

  it('sends the User-Agent exactly as given, the Accept and Accept-Encoding headers', async () => {
    server.serveBody('/ua', 'x');
    await fetcher().fetch(server.url('/ua'));
    const [req] = server.requests('/ua').slice(-1);
    expect(req?.headers['user-agent']).toBe(UA);
    expect(req?.headers['accept']).toBe('application/atom+xml, application/rss+xml, application/xml;q=0.9, application/json;q=0.9, */*;q=0.5');
    expect(req?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(req?.headers['if-none-match']).toBeUndefined();
  });

  it('makes a conditional GET from the previous validators; 304 is not-modified and keeps the body hash', async () => {
    server.serveBody('/cond.atom', ATOM, { etag: '"abc"', 'last-modified': 'Tue, 01 Apr 2025 08:00:00 GMT', 'cache-control': 'max-age=60' });
    const f = fetcher();
    const first = expectFetched(await f.fetch(server.url('/cond.atom')));
    const second = await f.fetch(server.url('/cond.atom'), first.validators);
    expect(second).toEqual({
      kind: 'not-modified',
      finalUrl: server.url('/cond.atom'),
      validators: first.validators,
      maxAgeSeconds: 60,
    });
    const [, req] = server.requests('/cond.atom').slice(-2);
    expect(req?.headers['if-none-match']).toBe('"abc"');
    expect(req?.headers['if-modified-since']).toBe('Tue, 01 Apr 2025 08:00:00 GMT');
  });

  it('reuses one connection for successive requests to a host, 304s included', async () => {
    server.serveBody('/keepalive.atom', ATOM, { etag: '"k"' });
    const f = fetcher();
    const before = server.connectionCount;
    const first = expectFetched(await f.fetch(server.url('/keepalive.atom')));
    expect((await f.fetch(server.url('/keepalive.atom'), first.validators)).kind).toBe('not-modified');
    expect((await f.fetch(server.url('/keepalive.atom'))).kind).toBe('fetched');
    expect(server.connectionCount).toBe(before + 1);
  });

  it('reports an unchanged body (same hash) so the caller can skip parsing', async () => {
    server.serveBody('/same', ATOM); // no validators: the server always sends the whole body
    const f = fetcher();
    const first = expectFetched(await f.fetch(server.url('/same')));
    const second = expectFetched(await f.fetch(server.url('/same'), first.validators));
    expect(second.unchanged).toBe(true);
    server.serveBody('/same', ATOM + ' ');
    const third = expectFetched(await f.fetch(server.url('/same'), second.validators));
    expect(third.unchanged).toBe(false);
  });

  it('returns 4xx and 5xx as http-status failures with the status and the URL in the message', async () => {
    server.route('/boom', (_req, res) => void res.writeHead(500).end('oops'));
    const f = fetcher();
    const five = expectFailed(await f.fetch(server.url('/boom')), 'http-status');
    expect(five.status).toBe(500);
    expect(five.message).toContain(server.url('/boom'));
    const four = expectFailed(await f.fetch(server.url('/missing')), 'http-status');
    expect(four.status).toBe(404);
  });

  it('passes Retry-After on, as seconds or as an HTTP date', async () => {
    server.route('/busy', (_req, res) => void res.writeHead(429, { 'retry-after': '120' }).end());
    const now = Date.parse('2025-04-01T08:00:00Z');
    server.route('/down', (_req, res) => void res.writeHead(503, { 'retry-after': 'Tue, 01 Apr 2025 08:05:00 GMT' }).end());
    const f = fetcher({ now: () => now });
    expect(expectFailed(await f.fetch(server.url('/busy')), 'http-status')).toMatchObject({ status: 429, retryAfterSeconds: 120 });
    expect(expectFailed(await f.fetch(server.url('/down')), 'http-status')).toMatchObject({ status: 503, retryAfterSeconds: 300 });
  });

  it('serves files through the test server with Last-Modified revalidation', async () => {
    const dir = tempDir('feed-server-');
    const file = join(dir, 'feed.atom');
    writeFileSync(file, ATOM);
    server.serveFile('/file.atom', file, { 'last-modified': 'Tue, 01 Apr 2025 08:00:00 GMT' });
    const f = fetcher();
    const first = expectFetched(await f.fetch(server.url('/file.atom')));
    expect(first.contentType).toBe('application/atom+xml; charset=utf-8');
    expect(first.body).toBe(ATOM);
    const second = await f.fetch(server.url('/file.atom'), { lastModified: first.validators.lastModified });
    expect(second.kind).toBe('not-modified');
  });

  it('turns a bad URL into a failure, not an exception', async () => {
    expectFailed(await fetcher().fetch('not a url'), 'network');
    expectFailed(await fetcher().fetch('ftp://127.0.0.1/feed'), 'network');
  });
});

describe('content encodings', () => {
  const xml = `<?xml version="1.0"?><rss><channel><title>${'Ministerial statement '.repeat(200)}</title></channel></rss>`;

  it.each([
    ['gzip', zlib.gzipSync(xml)],
    ['x-gzip', zlib.gzipSync(xml)],
    ['deflate', zlib.deflateSync(xml)],
    ['deflate', zlib.deflateRawSync(xml)], // raw deflate, as some servers send
    ['br', zlib.brotliCompressSync(xml)],
  ])('decodes Content-Encoding %s', async (coding, bytes) => {
    server.route('/enc', (_req, res) => void res.writeHead(200, { 'content-encoding': coding, 'content-type': 'application/rss+xml' }).end(bytes));
    const outcome = expectFetched(await fetcher().fetch(server.url('/enc')));
    expect(outcome.body).toBe(xml);
    expect(outcome.validators.bodyHash).toBe(sha256(xml)); // hash of the decoded body
  });

  it('reports a corrupt or truncated compressed body and an unknown coding as decode failures', async () => {
    server.route('/corrupt', (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip at all'));
    server.route('/zstd', (_req, res) => void res.writeHead(200, { 'content-encoding': 'zstd' }).end('whatever'));
    server.route('/truncated', (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(xml).subarray(0, 40)));
    const f = fetcher();
    expectFailed(await f.fetch(server.url('/corrupt')), 'decode');
    expectFailed(await f.fetch(server.url('/truncated')), 'decode'); // never a silently short body
    expectFailed(await f.fetch(server.url('/zstd')), 'decode');
  });
});

describe('size and time limits', () => {
  let bomb: Buffer;
  beforeAll(() => {
    bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 }); // 50 MB of zeros in ~50 KB
  });

  it('stops a gzip bomb at the cap measured on decoded bytes', async () => {
    server.route('/bomb', (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb));
    // ~50 KB on the wire is under the cap: only counting decoded bytes catches it.
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const outcome = expectFailed(await fetcher({ maxBytes: 1024 * 1024 }).fetch(server.url('/bomb')), 'too-large');
    expect(outcome.message).toContain('1048576');
    expect(outcome.message).toContain(server.url('/bomb'));
  });

  it('stops an endless plain body at the cap while streaming', async () => {
    let written = 0;
    server.route('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && written < 1024 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('error', () => {});
      pump();
    });
    expectFailed(await fetcher({ maxBytes: 256 * 1024 }).fetch(server.url('/endless')), 'too-large');
    expect(written).toBeLessThan(64 * 1024 * 1024); // the client hung up long before a GiB
  });

  it('refuses a Content-Length over the cap without reading the body', async () => {
    let closed = false;
    server.route('/declared-huge', (_req, res) => {
      res.writeHead(200, { 'content-length': 100 * 1024 * 1024 });
      res.write('<?xml version="1.0"?>'); // then never anything more
      res.on('close', () => (closed = true));
    });
    // The body never ends: had the fetcher waited for it, the outcome would be a timeout, not too-large.
    const outcome = expectFailed(await fetcher({ maxBytes: 1024 * 1024, timeoutMs: 5000 }).fetch(server.url('/declared-huge')), 'too-large');
    expect(outcome.message).toContain('Content-Length');
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('refuses a compressed body whose Content-Length alone is over the cap', async () => {
    server.route('/declared-huge-gz', (_req, res) => {
      res.writeHead(200, { 'content-length': 10 * 1024 * 1024, 'content-encoding': 'gzip' });
      res.write(zlib.gzipSync('<?xml version="1.0"?>').subarray(0, 10));
    });
    const outcome = expectFailed(await fetcher({ maxBytes: 1024 * 1024 }).fetch(server.url('/declared-huge-gz')), 'too-large');
    expect(outcome.message).toContain('not read');
  });

  it('times out on a body that trickles in, with the whole request under one deadline', async () => {
    const timers: NodeJS.Timeout[] = [];
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const timer = setInterval(() => res.write('<'), 20); // always progressing, never finishing
      timers.push(timer);
      res.on('close', () => clearInterval(timer));
    });
    // A byte every 20 ms never trips an idle timeout: only a deadline over the whole request ends this.
    const outcome = expectFailed(await fetcher({ timeoutMs: 300 }).fetch(server.url('/trickle')), 'timeout');
    expect(outcome.message).toContain('300 ms');
    timers.forEach(clearInterval);
  });

  it('times out on a server that never answers', async () => {
    server.route('/silent', () => {});
    expectFailed(await fetcher({ timeoutMs: 200 }).fetch(server.url('/silent')), 'timeout');
  });

  it('counts DNS resolution in the deadline', async () => {
    const lookup: LookupFunction = () => {}; // never answers
    expectFailed(await fetcher({ lookup, timeoutMs: 100 }).fetch('http://slow-dns.example.test/feed'), 'timeout');
  });

  it('reports a connection reset mid-body as a network failure', async () => {
    server.route('/reset', (req, res) => {
      res.writeHead(200, { 'content-length': 10_000 });
      res.write('<?xml version="1.0"?><feed>', () => setTimeout(() => req.socket.resetAndDestroy(), 10));
    });
    const outcome = expectFailed(await fetcher().fetch(server.url('/reset')), 'network');
    expect(outcome.message).toContain(server.url('/reset'));
  });
});

describe('redirects', () => {
  it('follows a chain of 3 and reports the final URL', async () => {
    server.route('/r1', (_req, res) => void res.writeHead(301, { location: '/r2' }).end());
    server.route('/r2', (_req, res) => void res.writeHead(302, { location: server.url('/r3') }).end());
    server.route('/r3', (_req, res) => void res.writeHead(307, { location: 'final.atom?x=1#frag' }).end());
    server.serveBody('/final.atom', ATOM);
    const outcome = expectFetched(await fetcher().fetch(server.url('/r1'), { etag: '"old"' }));
    expect(outcome.finalUrl).toBe(server.url('/final.atom?x=1'));
    expect(outcome.body).toBe(ATOM);
    expect(server.requests('/final.atom').at(-1)?.headers['user-agent']).toBe(UA);
  });

  it('gives up on a loop with too-many-redirects', async () => {
    server.route('/loop-a', (_req, res) => void res.writeHead(302, { location: '/loop-b' }).end());
    server.route('/loop-b', (_req, res) => void res.writeHead(302, { location: '/loop-a' }).end());
    const outcome = expectFailed(await fetcher().fetch(server.url('/loop-a')), 'too-many-redirects');
    expect(outcome.message).toContain('loop');
  });

  it('gives up after maxRedirects', async () => {
    server.route('/hop', (req, res) => {
      const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('n') ?? 0);
      res.writeHead(302, { location: `/hop?n=${n + 1}` }).end();
    });
    expectFailed(await fetcher({ maxRedirects: 3 }).fetch(server.url('/hop')), 'too-many-redirects');
    expect(server.requests('/hop').filter((r) => r.url.startsWith('/hop')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/feed', 'javascript:alert(1)', 'data:text/plain,hi'])(
    'refuses a redirect to %s as bad-redirect',
    async (location) => {
      server.route('/bad', (_req, res) => void res.writeHead(302, { location }).end());
      expectFailed(await fetcher().fetch(server.url('/bad')), 'bad-redirect');
    },
  );

  it('refuses a redirect without a Location', async () => {
    server.route('/nowhere', (_req, res) => void res.writeHead(301).end());
    expectFailed(await fetcher().fetch(server.url('/nowhere')), 'bad-redirect');
  });
});
