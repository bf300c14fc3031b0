// The feed fetcher: one polite, bounded GET per call, and every failure returned as a value.
//
// Built on node:http / node:https rather than fetch(): they give a per-request `lookup` (so the address
// checked is the address connected — no DNS rebinding between check and connect), never decompress
// behind our back (so the size cap is measured on decoded bytes as they are produced), and expose
// the raw stream (so a slow or endless body is cut off while it streams).
import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import { Writable, type Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { AddressRefused, addressPolicy, pinnedLookup, resolveAllowed, type ResolvedAddress } from './fetch-address.ts';
import { createDecoder, decodeText, looksLikeZlib, parseContentEncoding, parseMaxAge, parseRetryAfter } from './fetch-body.ts';
import type { FailureReason, Fetcher, FetchOptions, FetchOutcome, Validators } from './fetch-types.ts';

export type { LookupFunction } from './fetch-address.ts';
export { refusedAddressReason } from './fetch-address.ts';
export type { FailureReason, Fetcher, FetchOptions, FetchOutcome, Validators } from './fetch-types.ts';

export const FETCH_DEFAULTS = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  concurrency: 16,
  perHostConcurrency: 4,
} as const;

export const ACCEPT = 'application/atom+xml, application/rss+xml, application/xml;q=0.9, application/json;q=0.9, */*;q=0.5';
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Failed = Extract<FetchOutcome, { kind: 'failed' }>;

/** Internal: thrown inside one fetch, turned into a `failed` outcome at its boundary. */
class FetchFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

class TimeoutSignal extends Error {}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`FetchOptions.${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

export function createFetcher(options: FetchOptions): Fetcher {
  const timeoutMs = positiveInt(options.timeoutMs, FETCH_DEFAULTS.timeoutMs, 'timeoutMs');
  const maxBytes = positiveInt(options.maxBytes, FETCH_DEFAULTS.maxBytes, 'maxBytes');
  const maxRedirects = options.maxRedirects === 0 ? 0 : positiveInt(options.maxRedirects, FETCH_DEFAULTS.maxRedirects, 'maxRedirects');
  const overall = pLimit(positiveInt(options.concurrency, FETCH_DEFAULTS.concurrency, 'concurrency'));
  const perHost = positiveInt(options.perHostConcurrency, FETCH_DEFAULTS.perHostConcurrency, 'perHostConcurrency');
  const policy = addressPolicy(options.allowPrivateNetworks);
  const now = options.now ?? Date.now;
  // Own agents: pooled sockets were all opened through the address check of this fetcher's settings.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxFreeSockets: 4 }),
    'https:': new https.Agent({ keepAlive: true, maxFreeSockets: 4 }),
  };
  const hostLimits = new Map<string, { limit: LimitFunction; users: number }>();

  const baseHeaders: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
  };

  async function fetchOne(requested: URL, previous: Validators | undefined): Promise<FetchOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutSignal('timeout')), timeoutMs);
    const state = { url: requested, hops: 0 };
    try {
      return await run(requested, previous, controller.signal, state);
    } catch (error) {
      return toFailed(error, controller.signal, requested, state.url);
    } finally {
      clearTimeout(timer);
    }
  }

  function toFailed(error: unknown, signal: AbortSignal, requested: URL, current: URL): Failed {
    const where = current.href === requested.href ? current.href : `${current.href} (redirected from ${requested.href})`;
    if (error instanceof FetchFailure) {
      const failed: Failed = { kind: 'failed', reason: error.reason, message: error.message };
      if (error.status !== undefined) failed.status = error.status;
      if (error.retryAfterSeconds !== undefined) failed.retryAfterSeconds = error.retryAfterSeconds;
      return failed;
    }
    if (signal.aborted) {
      return { kind: 'failed', reason: 'timeout', message: `Timed out after ${timeoutMs} ms fetching ${where}` };
    }
    if (error instanceof AddressRefused) {
      return { kind: 'failed', reason: 'refused-address', message: `Refused to fetch ${where}: ${error.message}` };
    }
    if (error instanceof DecodeError) {
      return { kind: 'failed', reason: 'decode', message: `Could not decode the body of ${where}: ${error.message}` };
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: 'network', message: `Network error fetching ${where}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}` };
  }

  async function run(requested: URL, previous: Validators | undefined, signal: AbortSignal, state: { url: URL; hops: number }): Promise<FetchOutcome> {
    const headers: Record<string, string> = { ...baseHeaders };
    if (previous?.etag) headers['if-none-match'] = previous.etag;
    if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
    const visited = new Set<string>([withoutHash(requested)]);

    for (;;) {
      const url = state.url;
      const addresses = await resolveAllowed(url.hostname, options.lookup, policy, signal);
      const res = await send(url, addresses, headers, signal);
      // Errors are read from the pipeline (or ignored once we hang up); never let one go unhandled.
      res.on('error', () => {});
      const status = res.statusCode ?? 0;

      if (REDIRECT_STATUSES.has(status)) {
        res.destroy();
        state.url = nextHop(url, header(res.headers.location), status);
        state.hops += 1;
        const key = withoutHash(state.url);
        if (visited.has(key)) {
          throw new FetchFailure('too-many-redirects', `Redirect loop fetching ${requested.href}: ${url.href} leads back to ${state.url.href}`);
        }
        if (state.hops > maxRedirects) {
          throw new FetchFailure('too-many-redirects', `More than ${maxRedirects} redirects fetching ${requested.href} (last: ${url.href} → ${state.url.href})`);
        }
        visited.add(key);
        continue;
      }

      const etag = header(res.headers.etag);
      const lastModified = header(res.headers['last-modified']);
      const maxAgeSeconds = parseMaxAge(header(res.headers['cache-control']));

      if (status === 304) {
        // No body by definition: let it end, so the connection is back in the pool for the next request.
        await new Promise<void>((resolve) => {
          res.once('end', resolve).once('close', resolve).resume();
        });
        const validators: Validators = {
          ...previous,
          ...(etag !== undefined && { etag }),
          ...(lastModified !== undefined && { lastModified }),
        };
        return { kind: 'not-modified', finalUrl: url.href, validators, ...(maxAgeSeconds !== undefined && { maxAgeSeconds }) };
      }

      if (status < 200 || status > 299) {
        res.destroy();
        const retryAfterSeconds = parseRetryAfter(header(res.headers['retry-after']), now());
        const text = res.statusMessage ? ` ${res.statusMessage}` : '';
        throw new FetchFailure(
          'http-status',
          `HTTP ${status}${text} from ${url.href}${url.href === requested.href ? '' : ` (redirected from ${requested.href})`}` +
            (retryAfterSeconds !== undefined ? `; retry after ${retryAfterSeconds} s` : ''),
          status,
          retryAfterSeconds,
        );
      }

      const bytes = await readBody(res, url, signal);
      const contentType = header(res.headers['content-type']);
      const bodyHash = createHash('sha256').update(bytes).digest('hex');
      const { text } = decodeText(bytes, contentType);
      const validators: Validators = {
        ...(etag !== undefined && { etag }),
        ...(lastModified !== undefined && { lastModified }),
        bodyHash,
      };
      return {
        kind: 'fetched',
        status,
        finalUrl: url.href,
        body: text,
        bytes,
        ...(contentType !== undefined && { contentType }),
        validators,
        unchanged: previous?.bodyHash === bodyHash,
        ...(maxAgeSeconds !== undefined && { maxAgeSeconds }),
      };
    }
  }

  function nextHop(from: URL, location: string | undefined, status: number): URL {
    if (!location) throw new FetchFailure('bad-redirect', `HTTP ${status} redirect without a Location from ${from.href}`);
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      throw new FetchFailure('bad-redirect', `Unparseable redirect from ${from.href} to ${JSON.stringify(location)}`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new FetchFailure('bad-redirect', `Refused redirect from ${from.href} to a ${next.protocol} URL (${truncate(location)})`);
    }
    next.hash = '';
    return next;
  }

  function send(url: URL, addresses: ResolvedAddress[], headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const protocol = url.protocol as 'http:' | 'https:';
      const requestOptions: https.RequestOptions = {
        protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        agent: agents[protocol],
        signal,
        lookup: pinnedLookup(addresses),
      };
      const req = (protocol === 'https:' ? https : http).request(requestOptions, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  async function readBody(res: http.IncomingMessage, url: URL, signal: AbortSignal): Promise<Buffer> {
    const encoding = parseContentEncoding(header(res.headers['content-encoding']));
    if ('unsupported' in encoding) {
      res.destroy();
      throw new FetchFailure('decode', `Unsupported Content-Encoding "${encoding.unsupported}" from ${url.href}`);
    }
    const { codings } = encoding;
    // A compressed body decodes to at least its own size less a small framing overhead, so a declared
    // length clearly over the cap is refused before reading for every coding, not only identity.
    const declared = Number(res.headers['content-length']);
    const slack = codings.length === 0 ? 0 : Math.ceil(maxBytes / 100) + 1024;
    if (Number.isFinite(declared) && declared > maxBytes + slack) {
      res.destroy();
      throw new FetchFailure('too-large', `Body of ${url.href} is ${declared} bytes (Content-Length), over the ${maxBytes}-byte limit; not read`);
    }

    const decoders: Transform[] = [];
    if (codings.length > 0) {
      // An empty body with a Content-Encoding (seen on 204s and lazy servers) is empty, not corrupt.
      const first = await peekFirstChunk(res);
      if (first === undefined) return Buffer.alloc(0);
      // Decoders in reverse order of application; the first applied to the wire bytes is the last listed.
      const reversed = [...codings].reverse();
      for (let i = 0; i < reversed.length; i++) {
        const coding = reversed[i]!;
        const raw = coding === 'deflate' && i === 0 && !looksLikeZlib(first);
        const decoder = createDecoder(coding, raw);
        // A decoder's own error (corrupt data) is a decode failure; errors passed in from elsewhere are not.
        decoder.once('error', (error) => {
          if (!(error instanceof FetchFailure) && !res.errored) decodeErrors.add(error);
        });
        decoders.push(decoder);
      }
    }

    const chunks: Buffer[] = [];
    let total = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        if (total > maxBytes) {
          callback(new FetchFailure('too-large', `Body of ${url.href} exceeds the ${maxBytes}-byte limit${codings.length ? ' once decoded' : ''}; stopped reading`));
          return;
        }
        chunks.push(chunk);
        callback();
      },
    });
    try {
      await pipeline([res as Readable, ...decoders, sink], { signal });
    } catch (error) {
      if (error instanceof Error && decodeErrors.has(error)) throw new DecodeError(error.message);
      throw error;
    }
    return Buffer.concat(chunks, total);
  }

  return {
    fetch(url: string, previous?: Validators): Promise<FetchOutcome> {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return Promise.resolve({ kind: 'failed', reason: 'network', message: `Not a valid URL: ${truncate(url)}` });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        return Promise.resolve({ kind: 'failed', reason: 'network', message: `Only http and https URLs can be fetched, not ${truncate(url)}` });
      }
      parsed.hash = '';
      const host = parsed.hostname.toLowerCase();
      let entry = hostLimits.get(host);
      if (!entry) {
        entry = { limit: pLimit(perHost), users: 0 };
        hostLimits.set(host, entry);
      }
      const held = entry;
      held.users += 1;
      // Per host first, then overall: a request waiting for a busy host never holds an overall slot.
      return held
        .limit(() => overall(() => fetchOne(parsed, previous)))
        .catch((error: unknown): FetchOutcome => ({ kind: 'failed', reason: 'network', message: `Unexpected error fetching ${parsed.href}: ${String(error)}` }))
        .finally(() => {
          held.users -= 1;
          if (held.users === 0 && hostLimits.get(host) === held) hostLimits.delete(host);
        });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

class DecodeError extends Error {}
const decodeErrors = new WeakSet<Error>();

function withoutHash(url: URL): string {
  return url.href.replace(/#.*$/, '');
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Waits for the first chunk of a response and puts it back, so the stream can still be piped whole. */
function peekFirstChunk(res: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      res.off('data', onData);
      res.off('end', onEnd);
      res.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      cleanup();
      res.pause();
      res.unshift(chunk);
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    res.on('data', onData);
    res.once('end', onEnd);
    res.once('error', onError);
  });
}
