// Faults the fake can inject beyond one-shot errors (state.ts): slow answers, a revoked token, failing
// interaction callbacks, and a hook on every message created (a test can kill a process right there).
import type { Reply } from './http.ts';
import { apiError } from './http.ts';

export interface SlowAnswer {
  /** How long the answer is held back after the request was handled (the message IS created). */
  ms: number;
  /** How many more requests to the channel are slowed (Infinity: until cleared). */
  remaining: number;
}

export class FakeFaults {
  /** Per channel: requests are handled at once, their answers sent `ms` later. */
  readonly slow = new Map<string, SlowAnswer>();
  /** Per channel: requests are handled (the message IS created), then the connection is cut with no answer. */
  readonly dropped = new Map<string, number>();
  /** Every authenticated request answers 401 (the token was reset in the developer portal). */
  tokenRevoked = false;
  /** Interaction callbacks answer this error instead of being accepted. */
  callbackFailure: { status: number; remaining: number } | null = null;
  /** Called synchronously when a channel message is created, before the answer is sent. */
  readonly onMessageCreated = new Set<(channelId: string, messageId: string) => void>();
  /** Discord drops a repeated send with the same nonce (enforce_nonce) within its window; off by default (harsher). */
  dedupeNonces = false;

  /** The next `times` requests to the channel are handled (a message IS created) but answered `ms` later. */
  slowAnswers(channelId: string, ms: number, times = Infinity): void {
    this.slow.set(channelId, { ms, remaining: times });
  }
  /** The next `times` requests to the channel are handled, then their connection is cut before any answer. */
  dropAnswers(channelId: string, times = 1): void {
    this.dropped.set(channelId, times);
  }
  /** True when this request's answer is to be dropped (and counts it down). */
  takeDrop(channelId: string | undefined): boolean {
    const left = channelId === undefined ? 0 : (this.dropped.get(channelId) ?? 0);
    if (left <= 0) return false;
    if (left === 1) this.dropped.delete(channelId!);
    else this.dropped.set(channelId!, left - 1);
    return true;
  }
  /** The token is reset in the developer portal: every authenticated REST request answers 401 from now on. */
  revokeToken(): void {
    this.tokenRevoked = true;
  }
  /** The next `times` interaction callbacks answer `status` (404 → 10062 Unknown interaction). */
  failInteractionCallbacks(status: number, times = 1): void {
    this.callbackFailure = { status, remaining: times };
  }
  /** Called synchronously as each channel message is created, before Discord's answer is sent; returns an unsubscribe. */
  onMessage(hook: (channelId: string, messageId: string) => void): () => void {
    this.onMessageCreated.add(hook);
    return () => this.onMessageCreated.delete(hook);
  }

  /** The delay to hold a channel's answer back, if any (and counts it down). */
  takeDelay(channelId: string | undefined): number {
    if (channelId === undefined) return 0;
    const s = this.slow.get(channelId);
    if (!s) return 0;
    if (--s.remaining <= 0) this.slow.delete(channelId);
    return s.ms;
  }

  /** The answer to an interaction callback when callbacks are made to fail. */
  takeCallbackFailure(): Reply | null {
    const f = this.callbackFailure;
    if (!f) return null;
    if (--f.remaining <= 0) this.callbackFailure = null;
    return f.status === 404 ? apiError(404, 10062, 'Unknown interaction') : apiError(f.status, 0, `${f.status}: fake-discord callback failure`);
  }

  messageCreated(channelId: string, messageId: string): void {
    for (const hook of this.onMessageCreated) hook(channelId, messageId);
  }

  clear(channelId?: string): void {
    if (channelId === undefined) {
      this.slow.clear();
      this.dropped.clear();
      this.callbackFailure = null;
      this.tokenRevoked = false;
    } else {
      this.slow.delete(channelId);
      this.dropped.delete(channelId);
    }
  }
}
