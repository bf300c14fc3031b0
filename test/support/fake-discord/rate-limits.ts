// Discord's REST rate limits (https://discord.com/developers/docs/topics/rate-limits), opt-in per fake:
// - a global limit per bot token (Discord: 50 requests per second), enforced strictly as "no more than N
//   requests in any sliding 1 s window", which a well-paced client must survive; interaction endpoints are
//   exempt, as on Discord. A request refused by the global limit does not count towards it;
// - per-route buckets keyed by route shape + major parameter (channel, guild, webhook id + token), announced
//   on every answer in X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket; a bucket holds `limit`
//   requests and refills all at once `windowMs` after its first request (what the headers describe).
// Beyond either: 429 {message, retry_after (float seconds), global}, Retry-After in whole seconds rounded up
// (as in Discord's documented example: header 65, body 64.57) and X-RateLimit-Scope. Time comes from `now`.
import { createHash } from 'node:crypto';
import { json, type Reply } from './http.ts';

export interface BucketLimit {
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** Requests per second per bot token in all (default 50, Discord's); false turns the global limit off. */
  global?: number | false;
  /** Per-route buckets (default true). */
  buckets?: boolean;
  /** Limits by route, keyed "METHOD /pattern" as the fake routes them, e.g. "POST /channels/:channelId/messages". */
  routes?: Record<string, BucketLimit>;
  /** The bucket of every other route (default DEFAULT_BUCKET). */
  defaultBucket?: BucketLimit;
  /** The clock, in ms since the epoch (default Date.now); inject one for deterministic tests. */
  now?: () => number;
}

export interface RateLimitStats {
  /** Requests that reached a route (after auth), whatever their answer. */
  requests: number;
  /** Of those, answered 429 by the global limit. */
  limitedGlobal: number;
  /** Of those, answered 429 by a route bucket. */
  limitedRoute: number;
}

/** The well-known "5 messages per 5 s per channel". */
export const MESSAGE_CREATE_BUCKET: BucketLimit = { limit: 5, windowMs: 5_000 };
/** Discord's webhooks are commonly announced at 5 per 2 s per webhook (interaction follow-ups use them). */
export const WEBHOOK_BUCKET: BucketLimit = { limit: 5, windowMs: 2_000 };
/** Any other route: Discord does not publish per-route values; this is in the range its headers announce. */
export const DEFAULT_BUCKET: BucketLimit = { limit: 10, windowMs: 10_000 };

const BUILT_IN: Record<string, BucketLimit> = {
  'POST /channels/:channelId/messages': MESSAGE_CREATE_BUCKET,
  'POST /webhooks/:app/:token': WEBHOOK_BUCKET,
  'GET /webhooks/:app/:token/messages/:messageId': WEBHOOK_BUCKET,
  'PATCH /webhooks/:app/:token/messages/:messageId': WEBHOOK_BUCKET,
  'DELETE /webhooks/:app/:token/messages/:messageId': WEBHOOK_BUCKET,
};

const LIMITED = 'You are being rate limited.';
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The major parameter of a route (Discord's top-level resources): the bucket is per route shape and this. */
function majorParameter(pattern: string, params: Record<string, string>): string {
  if (params.channelId !== undefined) return `channel:${params.channelId}`;
  if (params.guildId !== undefined) return `guild:${params.guildId}`;
  if (pattern.startsWith('/webhooks/')) return `webhook:${params.app}/${params.token}`;
  if (pattern.startsWith('/interactions/')) return `interaction:${params.interactionId}`;
  return 'none';
}

/** Interaction callbacks and the interaction webhooks are not bound to the bot's global limit. */
const exemptFromGlobal = (pattern: string): boolean => pattern.startsWith('/interactions/') || pattern.startsWith('/webhooks/');

interface Bucket {
  remaining: number;
  resetAt: number;
}

export class RateLimiter {
  readonly stats: RateLimitStats = { requests: 0, limitedGlobal: 0, limitedRoute: 0 };
  private readonly globalLimit: number | false;
  private readonly now: () => number;
  /** Arrival times (ms) of the requests counted in the last second, oldest first. */
  private readonly window: number[] = [];
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions) {
    this.globalLimit = options.global ?? 50;
    this.now = options.now ?? Date.now;
  }

  /** The limit of a route ("METHOD /pattern"). */
  private limitOf(route: string): BucketLimit {
    return this.options.routes?.[route] ?? BUILT_IN[route] ?? this.options.defaultBucket ?? DEFAULT_BUCKET;
  }

  /** The opaque bucket hash Discord announces for a route shape (the same for every major parameter). */
  static bucketHash(route: string): string {
    return createHash('sha256').update(route).digest('hex').slice(0, 32);
  }

  /**
   * Counts a request to a matched route. Returns a 429 to answer instead of handling it, or the bucket
   * headers to add to the answer.
   */
  check(method: string, pattern: string, params: Record<string, string>): { refused: Reply } | { headers: Record<string, string> } {
    const now = this.now();
    this.stats.requests++;
    const global = exemptFromGlobal(pattern) ? false : this.globalLimit;
    if (global !== false) {
      while (this.window.length > 0 && this.window[0]! <= now - 1000) this.window.shift();
      if (this.window.length >= global) {
        this.stats.limitedGlobal++;
        const after = this.window[0]! + 1000 - now;
        const headers = { 'retry-after': String(Math.ceil(after / 1000)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' };
        return { refused: json(429, { message: LIMITED, retry_after: Number(seconds(after)), global: true }, headers) };
      }
      this.window.push(now);
    }
    if (this.options.buckets === false) return { headers: {} };

    const route = `${method} ${pattern}`;
    const { limit, windowMs } = this.limitOf(route);
    const key = `${route} ${majorParameter(pattern, params)}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: limit, resetAt: now + windowMs };
      this.buckets.set(key, bucket);
    }
    const limited = bucket.remaining === 0;
    if (!limited) bucket.remaining--;
    const after = bucket.resetAt - now;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(bucket.remaining),
      'x-ratelimit-reset': seconds(bucket.resetAt),
      'x-ratelimit-reset-after': seconds(after),
      'x-ratelimit-bucket': RateLimiter.bucketHash(route),
    };
    if (!limited) return { headers };
    this.stats.limitedRoute++;
    const body = { message: LIMITED, retry_after: Number(seconds(after)), global: false };
    return { refused: json(429, body, { ...headers, 'retry-after': String(Math.ceil(after / 1000)), 'x-ratelimit-scope': 'user' }) };
  }
}
