// The fetcher's test harness: one local feed server (127.0.0.1) per test file, fetchers closed after each
// test, a DNS table for address tests, and the outcome checks both fetch test files use.
import net from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { createFetcher, type FetchOptions, type FetchOutcome, type LookupFunction } from '../../src/feeds/fetch.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';

export const UA = 'commitment-watch/0.1.0 (+mailto:ops@example.org)';
export const ATOM = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>';

/** Starts the file's feed server (call at the top of a test file); `server()` is it once started. */
export function useFetchHarness() {
  let server: FeedServer | undefined;
  const fetchers: Array<{ close(): void }> = [];
  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const f of fetchers.splice(0)) f.close();
    vi.restoreAllMocks();
  });
  return {
    server: () => server!,
    fetcher: (options: Partial<FetchOptions> = {}) => {
      const f = createFetcher({ userAgent: UA, allowPrivateNetworks: true, timeoutMs: 2000, ...options });
      fetchers.push(f);
      return f;
    },
  };
}

/** A lookup that answers every name from a table (unknown names fail like DNS would) and counts calls. */
export function fakeLookup(table: Record<string, string | string[]>) {
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

export function expectFailed(outcome: FetchOutcome, reason: string) {
  expect(outcome.kind).toBe('failed');
  if (outcome.kind !== 'failed') throw new Error('unreachable');
  expect(outcome.reason, outcome.message).toBe(reason);
  return outcome;
}

export function expectFetched(outcome: FetchOutcome) {
  if (outcome.kind !== 'fetched') throw new Error(`expected fetched, got ${JSON.stringify(outcome)}`);
  return outcome;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
