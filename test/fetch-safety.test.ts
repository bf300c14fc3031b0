// The fetcher against hostile and unusual servers: charsets, concurrency limits, and which addresses it refuses.
// Every request goes to 127.0.0.1 (or is refused before any connection, through an injected lookup).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import { refusedAddressReason, type LookupFunction } from '../src/feeds/fetch.ts';
import { fakeLookup, expectFailed, expectFetched, useFetchHarness } from './support/fetch-harness.ts';
import type { FeedServer } from './support/feed-server.ts';

const { fetcher, server: startedServer } = useFetchHarness();
let server: FeedServer;
beforeAll(() => {
  server = startedServer();
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
