// What the feed fetcher takes and gives (fetch.ts builds it): options, validators, and every outcome as a value.
import type { LookupFunction } from './fetch-address.ts';

export interface FetchOptions {
  /** Sent verbatim, e.g. "commitment-watch/0.1.0 (+mailto:ops@example.org)". */
  userAgent: string;
  /** Whole request, every redirect hop and the entire body included. Default 15000. */
  timeoutMs?: number;
  /** Cap on the DECODED body (after gzip/deflate/br), enforced while streaming. Default 5 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Requests in flight overall. Default 16. */
  concurrency?: number;
  /** Requests in flight per host name (of the URL asked for). Default 4. */
  perHostConcurrency?: number;
  /** DNS resolver, same shape as dns.lookup; called with `{ all: true }`. Default dns.lookup. */
  lookup?: LookupFunction;
  /**
   * Operator opt-in to non-public addresses (loopback, private, link-local, ...): true allows all of them,
   * a list allows only those addresses / CIDR subnets (e.g. ["127.0.0.1", "10.20.0.0/16"]). Default false.
   */
  allowPrivateNetworks?: boolean | readonly string[];
  /** Clock for Retry-After dates. Default Date.now. */
  now?: () => number;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
  /** sha256 (hex) of the decoded body bytes. */
  bodyHash?: string;
}

export type FailureReason = 'timeout' | 'too-large' | 'too-many-redirects' | 'bad-redirect' | 'http-status' | 'network' | 'refused-address' | 'decode';

export type FetchOutcome =
  | {
      kind: 'fetched';
      status: number;
      finalUrl: string;
      body: string;
      /** The decoded body's bytes, for a caller that reads a binary document (a PDF). */
      bytes: Uint8Array;
      contentType?: string;
      /** The new etag/last-modified (only those this response sent) and the sha256 of the body. */
      validators: Validators;
      /** The body hash equals the previous one: the caller can skip parsing. */
      unchanged: boolean;
      maxAgeSeconds?: number;
    }
  | { kind: 'not-modified'; finalUrl: string; validators: Validators; maxAgeSeconds?: number }
  | {
      kind: 'failed';
      reason: FailureReason;
      /** Human readable: what happened, and to which URL. */
      message: string;
      status?: number;
      retryAfterSeconds?: number;
    };

export interface Fetcher {
  fetch(url: string, previous?: Validators): Promise<FetchOutcome>;
  /** Closes idle keep-alive connections. Optional: idle sockets never keep the process alive. */
  close(): void;
}
