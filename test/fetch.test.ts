// The feed fetcher against a local server (127.0.0.1 only) and against injected DNS answers that are
// refused before any connection is made. No test sends traffic anywhere but 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFetcher, refusedAddressReason, type FetchOptions, type FetchOutcome, type LookupFunction } from '../src/feeds/fetch.ts';
import { startFeedServer, type FeedServer } from './support/feed-server.ts';
import { tempDir } from './support/temp-dir.ts';

const UA = 'commitment-watch/0.1.0 (+mailto:ops@example.org)';
const ATOM = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>';

let server: FeedServer;
const fetchers: Array<{ close(): void }> = [];

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const f of fetchers.splice(0)) f.close();
  vi.restoreAllMocks();
});

function fetcher(options: Partial<FetchOptions> = {}) {
  const f = createFetcher({ userAgent: UA, allowPrivateNetworks: true, timeoutMs: 2000, ...options });
  fetchers.push(f);
  return f;
}

/** A lookup that answers every name from a table (unknown names fail like DNS would) and counts calls. */
function fakeLookup(table: Record<string, string | string[]>) {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push(hostname);
    const answer = table[hostname];
    if (answer === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', undefined);
      return;
    }
    const list = (Array.isArray(answer) ? answer : [answer]).map((address) => ({ address, family: net.isIP(address) }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  return { lookup, calls };
}

function expectFailed(outcome: FetchOutcome, reason: string) {
  expect(outcome.kind).toBe('failed');
  if (outcome.kind !== 'failed') throw new Error('unreachable');
  expect(outcome.reason, outcome.message).toBe(reason);
  return outcome;
}

function expectFetched(outcome: FetchOutcome) {
  if (outcome.kind !== 'fetched') throw new Error(`expected fetched, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

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

describe('charsets', () => {
  const text = 'Tariff £5 — café';

  it('decodes windows-1252 named in Content-Type', async () => {
    const bytes = Buffer.from([...Buffer.from('Tariff '), 0xa3, ...Buffer.from('5 '), 0x97, ...Buffer.from(' caf'), 0xe9]);
    server.route('/cp1252', (_req, res) => void res.writeHead(200, { 'content-type': 'text/xml; charset=windows-1252' }).end(bytes));
    expect(expectFetched(await fetcher().fetch(server.url('/cp1252'))).body).toBe(text);
  });

  it('decodes ISO-8859-1 named in Content-Type', async () => {
    server.route('/latin1', (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml; charset="ISO-8859-1"' }).end(Buffer.from('£ é', 'latin1')));
    expect(expectFetched(await fetcher().fetch(server.url('/latin1'))).body).toBe('£ é');
  });

  it('uses the XML declaration when the header has no charset', async () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><title>£ café</title>`;
    server.route('/decl', (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(Buffer.from(xml, 'latin1')));
    expect(expectFetched(await fetcher().fetch(server.url('/decl'))).body).toBe(xml);
  });

  it('uses a byte-order mark, and defaults to UTF-8', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>£ é</a>', 'utf16le')]);
    server.route('/bom16', (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(utf16));
    server.route('/plain', (_req, res) => void res.writeHead(200).end(Buffer.from('<a>£ é</a>', 'utf8')));
    const f = fetcher();
    expect(expectFetched(await f.fetch(server.url('/bom16'))).body).toBe('<a>£ é</a>');
    expect(expectFetched(await f.fetch(server.url('/plain'))).body).toBe('<a>£ é</a>');
  });

  it('decodes the windows-1252 punctuation range (€ ‘ ’ “ ”) even when the label is ISO-8859-1', async () => {
    // Browsers and the WHATWG Encoding Standard treat "iso-8859-1" as windows-1252; so do we.
    const bytes = Buffer.from([0x80, 0x20, 0x91, 0x92, 0x20, 0x93, 0x94, 0x20, 0x96, 0x20, 0xa3]);
    server.route('/smart', (_req, res) => void res.writeHead(200, { 'content-type': 'text/xml; charset=iso-8859-1' }).end(bytes));
    expect(expectFetched(await fetcher().fetch(server.url('/smart'))).body).toBe('€ ‘’ “” – £');
  });

  it('falls back to UTF-8 for an unknown charset instead of failing', async () => {
    server.route('/weird', (_req, res) => void res.writeHead(200, { 'content-type': 'text/xml; charset=x-no-such-charset' }).end(Buffer.from('£ é', 'utf8')));
    expect(expectFetched(await fetcher().fetch(server.url('/weird'))).body).toBe('£ é');
  });
});

describe('concurrency', () => {
  function countingRoute(path: string, holdMs: number) {
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    let overallActive = 0;
    let overallPeak = 0;
    server.route(path, (req, res) => {
      const host = (req.headers.host ?? '').split(':')[0] ?? '';
      active.set(host, (active.get(host) ?? 0) + 1);
      peak.set(host, Math.max(peak.get(host) ?? 0, active.get(host)!));
      overallPeak = Math.max(overallPeak, ++overallActive);
      setTimeout(() => {
        active.set(host, active.get(host)! - 1);
        overallActive -= 1;
        res.writeHead(200).end('ok');
      }, holdMs);
    });
    return { peak, overallPeak: () => overallPeak };
  }

  it('never has more than perHostConcurrency requests to one host in flight', async () => {
    const counts = countingRoute('/count', 25);
    const { lookup } = fakeLookup({ 'a.example.test': '127.0.0.1', 'b.example.test': '127.0.0.1' });
    const f = fetcher({ lookup, perHostConcurrency: 2, concurrency: 16 });
    const outcomes = await Promise.all([
      ...Array.from({ length: 10 }, () => f.fetch(server.url('/count', 'a.example.test'))),
      ...Array.from({ length: 10 }, () => f.fetch(server.url('/count', 'b.example.test'))),
    ]);
    expect(outcomes.every((o) => o.kind === 'fetched')).toBe(true);
    expect(counts.peak.get('a.example.test')).toBe(2);
    expect(counts.peak.get('b.example.test')).toBe(2);
    expect(counts.overallPeak()).toBeLessThanOrEqual(4);
  });

  it('never has more than `concurrency` requests in flight overall', async () => {
    const counts = countingRoute('/count-all', 25);
    const hosts = ['a', 'b', 'c', 'd'].map((h) => `${h}.example.test`);
    const { lookup } = fakeLookup(Object.fromEntries(hosts.map((h) => [h, '127.0.0.1'])));
    const f = fetcher({ lookup, perHostConcurrency: 4, concurrency: 3 });
    await Promise.all(hosts.flatMap((h) => Array.from({ length: 4 }, () => f.fetch(server.url('/count-all', h)))));
    expect(counts.overallPeak()).toBe(3);
  });
});

describe('address safety', () => {
  function connectSpy() {
    return vi.spyOn(net.Socket.prototype, 'connect');
  }

  it.each([
    ['10.1.2.3', 'private'],
    ['169.254.169.254', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['100.64.1.1', 'carrier-grade NAT'],
    ['fd00::1', 'unique-local'],
    ['::ffff:192.168.1.1', 'private'],
  ])('refuses a host resolving to %s without connecting', async (address, why) => {
    const { lookup, calls } = fakeLookup({ 'feeds.example.test': address });
    const connect = connectSpy();
    const outcome = expectFailed(await fetcher({ lookup, allowPrivateNetworks: false }).fetch('http://feeds.example.test/feed.atom'), 'refused-address');
    expect(calls).toEqual(['feeds.example.test']);
    expect(connect).not.toHaveBeenCalled();
    expect(outcome.message).toContain('feeds.example.test');
    expect(outcome.message).toContain(why);
  });

  it('refuses IP literals and localhost without a look-up or a connection', async () => {
    const { lookup, calls } = fakeLookup({ localhost: ['127.0.0.1', '::1'] });
    const connect = connectSpy();
    const f = fetcher({ lookup, allowPrivateNetworks: false });
    expectFailed(await f.fetch(`http://127.0.0.1:${server.port}/ok.atom`), 'refused-address');
    expectFailed(await f.fetch(`http://[::1]:${server.port}/ok.atom`), 'refused-address');
    expectFailed(await f.fetch('http://169.254.169.254/latest/meta-data/'), 'refused-address');
    expect(calls).toEqual([]);
    expectFailed(await f.fetch(`http://localhost:${server.port}/ok.atom`), 'refused-address');
    expect(calls).toEqual(['localhost']);
    expect(connect).not.toHaveBeenCalled();
  });

  it('checks every redirect hop: a local redirect to a metadata host is refused before connecting to it', async () => {
    server.route('/to-metadata', (_req, res) => void res.writeHead(302, { location: 'http://metadata.example.test/latest/meta-data/' }).end());
    const { lookup, calls } = fakeLookup({ 'feeds.example.test': '127.0.0.1', 'metadata.example.test': '169.254.169.254' });
    // The operator allows only the local server; the metadata address stays refused.
    const f = fetcher({ lookup, allowPrivateNetworks: ['127.0.0.1'] });
    const before = { connections: server.connectionCount, requests: server.requests('/to-metadata').length };
    const connect = connectSpy();
    const outcome = expectFailed(await f.fetch(server.url('/to-metadata', 'feeds.example.test')), 'refused-address');
    expect(outcome.message).toContain('metadata.example.test');
    expect(outcome.message).toContain('169.254.169.254');
    expect(calls).toEqual(['feeds.example.test', 'metadata.example.test']);
    expect(connect).toHaveBeenCalledTimes(1); // the first hop, to 127.0.0.1, only
    expect(server.connectionCount).toBe(before.connections + 1);
    expect(server.requests('/to-metadata').length).toBe(before.requests + 1);
  });

  it('pins the checked address: the socket does not look the name up again (no DNS rebinding)', async () => {
    server.serveBody('/pinned', 'ok');
    let answers = 0;
    const lookup: LookupFunction = (_hostname, _options, callback) => {
      answers += 1;
      // First answer passes the check; any later answer would point somewhere else.
      callback(null, [{ address: answers === 1 ? '127.0.0.1' : '10.9.9.9', family: 4 }]);
    };
    const f = fetcher({ lookup, allowPrivateNetworks: ['127.0.0.1'] });
    expect(expectFetched(await f.fetch(server.url('/pinned', 'rebind.example.test'))).body).toBe('ok');
    expect(answers).toBe(1);
  });

  it('allows only the listed private addresses and subnets when given a list', async () => {
    const { lookup } = fakeLookup({ 'feeds.example.test': '10.1.2.3' });
    const connect = connectSpy();
    const f = fetcher({ lookup, allowPrivateNetworks: ['127.0.0.0/8', 'fd00::/8'] });
    expectFailed(await f.fetch('http://feeds.example.test/feed.atom'), 'refused-address');
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('refusedAddressReason', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['127.1.2.3', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.31.0.1', 'private'],
    ['192.168.0.1', 'private'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:0a00:0001::1', 'private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusedAddressReason(address)).toContain(reason);
  });

  it.each(['151.101.0.144', '172.32.0.1', '100.128.0.1', '8.8.8.8', '2a04:4e42::144', '::ffff:151.101.0.144', '64:ff9b::8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(refusedAddressReason(address)).toBeUndefined();
    },
  );
});
