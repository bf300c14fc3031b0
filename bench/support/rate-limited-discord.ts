// For the delivery benchmarks: the local fake Discord (127.0.0.1) with Discord's REST rate limits on
// (50 requests per sliding second per token, 5 messages per 5 s per channel), many channels, and the
// figures a fan-out is judged by, counted from `mark()`: posts per second, duplicates (one marker posted
// twice in a channel), lost (an expected marker never posted), and the share of requests answered 429.
// Bot processes reach it at `apiUrl`; the counting happens here, in the process that started it.
//   const discord = await RateLimitedDiscord.start({ channels: 5_000 });
//   discord.mark(); …start the fan-out…; await discord.waitForPosts(5_000, 300_000);
//   const f = discord.figures({ expected: () => ['event-1'], markerOf: (m) => m.content });
import { performance } from 'node:perf_hooks';
import { FakeDiscord, type FakeDiscordOptions, type PostedMessage, type RateLimitOptions, type RateLimitStats } from '../../test/support/fake-discord.ts';
import { fixedSnowflake } from '../../test/support/fake-discord/model.ts';

export interface RateLimitedDiscordOptions extends Omit<FakeDiscordOptions, 'channels' | 'rateLimits'> {
  /** How many text channels the guild has (named `bench-0`, `bench-1`…). */
  channels: number;
  /** Discord's values unless overridden. */
  rateLimits?: RateLimitOptions;
}

export interface DeliveryFigures {
  /** Messages created in the guild's channels since mark(). */
  posts: number;
  /** From mark() to the last message created. */
  seconds: number;
  postsPerSecond: number;
  /** Messages posted through REST whose marker had already been posted in the same channel (a deleted one no longer counts). */
  duplicates: number;
  /** Expected (channel, marker) pairs with no message. */
  lost: number;
  /** REST requests that reached a route since mark(), and those answered 429. */
  requests: number;
  limited: number;
  limitedGlobal: number;
  limitedRoute: number;
  /** limited / requests (0 when there were none). */
  limitedShare: number;
}

/** What identifies a delivery in a channel by default: the nonce it was sent with, else its content. */
export const nonceOrContent = (m: PostedMessage): string => (m.nonce !== undefined ? String(m.nonce) : m.content);

export class RateLimitedDiscord {
  private markedAt = performance.now();
  private lastPostAt = this.markedAt;
  private postsSinceMark = 0;
  private statsAtMark: RateLimitStats = { requests: 0, limitedGlobal: 0, limitedRoute: 0 };
  /** Per channel, the ids of the messages posted through REST (so figures() need not scan every channel's history). */
  private readonly posted = new Map<string, string[]>();
  private readonly unsubscribe: () => void;

  private constructor(
    readonly fake: FakeDiscord,
    readonly channelIds: string[],
  ) {
    this.unsubscribe = fake.faults.onMessage((channelId, messageId) => {
      const ids = this.posted.get(channelId) ?? [];
      ids.push(messageId);
      this.posted.set(channelId, ids);
      this.postsSinceMark++;
      this.lastPostAt = performance.now();
    });
  }

  static async start(options: RateLimitedDiscordOptions): Promise<RateLimitedDiscord> {
    const { channels, rateLimits, ...rest } = options;
    // Fixed ids far above the ones the fake gives its roles and members.
    const specs = Array.from({ length: channels }, (_, i) => ({ id: fixedSnowflake(1_000_000 + i), name: `bench-${i}` }));
    const fake = await FakeDiscord.start({ heartbeatIntervalMs: 1_000, ...rest, channels: specs, rateLimits: rateLimits ?? {} });
    return new RateLimitedDiscord(
      fake,
      specs.map((s) => s.id),
    );
  }

  get apiUrl(): string {
    return this.fake.apiUrl;
  }
  get token(): string {
    return this.fake.token;
  }

  /** Starts the clock and the counts (requests before it, such as logging in, are left out). */
  mark(): void {
    this.markedAt = performance.now();
    this.lastPostAt = this.markedAt;
    this.postsSinceMark = 0;
    this.statsAtMark = this.fake.rateLimitStats();
  }

  /** Resolves once `count` messages were created since mark(); rejects after `timeoutMs`. */
  async waitForPosts(count: number, timeoutMs: number): Promise<void> {
    await this.fake.waitFor(() => (this.postsSinceMark >= count ? true : undefined), timeoutMs, `${count} posts`);
  }

  figures(o: { expected: (channelId: string) => readonly string[]; markerOf?: (m: PostedMessage) => string }): DeliveryFigures {
    const markerOf = o.markerOf ?? nonceOrContent;
    let duplicates = 0;
    let lost = 0;
    for (const channelId of this.channelIds) {
      const seen = new Set<string>();
      for (const id of this.posted.get(channelId) ?? []) {
        const m = this.fake.message(id);
        if (!m || m.deleted) continue;
        const marker = markerOf(m);
        if (seen.has(marker)) duplicates++;
        seen.add(marker);
      }
      lost += o.expected(channelId).filter((marker) => !seen.has(marker)).length;
    }
    const now = this.fake.rateLimitStats();
    const requests = now.requests - this.statsAtMark.requests;
    const limitedGlobal = now.limitedGlobal - this.statsAtMark.limitedGlobal;
    const limitedRoute = now.limitedRoute - this.statsAtMark.limitedRoute;
    const limited = limitedGlobal + limitedRoute;
    const seconds = (this.lastPostAt - this.markedAt) / 1000;
    return {
      posts: this.postsSinceMark,
      seconds,
      postsPerSecond: seconds > 0 ? this.postsSinceMark / seconds : 0,
      duplicates,
      lost,
      requests,
      limited,
      limitedGlobal,
      limitedRoute,
      limitedShare: requests > 0 ? limited / requests : 0,
    };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.fake.close();
  }
}
