// What a fake Discord can be started with (FakeDiscord.start).
import type { WorldOptions } from './model.ts';
import type { RateLimitOptions } from './rate-limits.ts';

export interface FakeDiscordOptions extends Partial<Omit<WorldOptions, 'applicationId'>> {
  /** The bot token the fake accepts (default "fake-bot-token"). */
  token?: string;
  applicationId?: string;
  /** HELLO heartbeat_interval (default 1000 ms; Discord's is ~41 s). */
  heartbeatIntervalMs?: number;
  /** Interaction callbacks later than this get 404 "Unknown interaction" (default 3000, like Discord). */
  callbackDeadlineMs?: number;
  /** Default timeout for `reply()` / `settled()` / `autocomplete()` (default 5000 ms). */
  replyTimeoutMs?: number;
  /** Answer 400 for messages over Discord's limits (default true). */
  strictLimits?: boolean;
  /** Discord's REST rate limits (global 50/s, per-route buckets), off unless given; `{}` for Discord's values. */
  rateLimits?: RateLimitOptions;
  /** Log the fake's traffic to stderr. */
  debug?: boolean;
  /** GET /gateway/bot's `shards`, the count Discord recommends (default 1). */
  recommendedShards?: number;
  /** A shard holding more servers than this is refused with 4011 Sharding required (Discord's is 2,500). */
  maxGuildsPerShard?: number;
  /** GET /gateway/bot's `session_start_limit.max_concurrency`: identifies at once (default 1; discord.js waits 5 s between others). */
  maxConcurrency?: number;
}
