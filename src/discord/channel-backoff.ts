// Each channel fails alone: a channel whose sends fail (5xx, a timeout, a network error) waits out its
// own delay, doubling with every failure in a row up to a ceiling, while every other channel is posted to
// as usual. A success resets it. Kept in memory: after a restart every channel is tried at once.

export interface BackoffPolicy {
  /** The wait after the first failure. */
  baseMs: number;
  /** The longest wait between two attempts. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 10 * 60_000 };

export class ChannelBackoff {
  private readonly failing = new Map<string, { failures: number; retryAt: number }>();

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Channels still waiting at `nowMs`. */
  waiting(nowMs: number): Set<string> {
    return new Set([...this.failing].filter(([, f]) => f.retryAt > nowMs).map(([channelId]) => channelId));
  }

  /** Records a failure; the delay before the channel is tried again and the failures in a row. */
  failed(channelId: string, nowMs: number): { delayMs: number; failures: number } {
    const failures = (this.failing.get(channelId)?.failures ?? 0) + 1;
    const delayMs = Math.min(this.policy.baseMs * 2 ** Math.min(failures - 1, 30), this.policy.maxMs);
    this.failing.set(channelId, { failures, retryAt: nowMs + delayMs });
    return { delayMs, failures };
  }

  /** When a failing channel is tried again (ms); undefined when it is not failing. */
  retryAt(channelId: string): number | undefined {
    return this.failing.get(channelId)?.retryAt;
  }

  succeeded(channelId: string): void {
    this.failing.delete(channelId);
  }
}
