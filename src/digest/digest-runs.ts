// Exactly once, for digests and alert batches. The mechanism:
//
// 1. Record before posting. A run is one row per (subscription, kind, window start) — a UNIQUE key — written
//    with its messages rendered and FROZEN, in one INSERT, before anything is sent. A second tick, a
//    second process or a restart finds the row and never renders or records the window again; the next
//    window starts where the last recorded one ended (lastEnd), so nothing is lost either.
// 2. Part-level progress. A digest may take several messages (parts). After Discord accepts part i, the row
//    is updated (parts_sent = i + 1, message id appended) before part i + 1 is sent. A restart resumes a
//    pending run from parts_sent: the parts already sent are not sent again, the rest are sent once.
// 3. Nonces for the gap between "Discord accepted part i" and "we recorded it". Every part is sent with the
//    nonce cw-<kind>-<run>-<part> and enforce_nonce, so a retry within Discord's nonce window returns the
//    message already created instead of posting a second one; the same marker is in the part's footer, and
//    the Discord sender looks for it among the messages posted in the channel just after the interrupted
//    attempt (however many came later) before re-sending a part of a run that was interrupted. Only a crash in that exact gap, with Read Message History denied AND the restart
//    later than the nonce window, could post one part twice.
//
// 4. A lease while sending (claim/release): two processes on one store never send the same run at once; a
//    lease left by a crash expires after a few minutes and the run is resumed then.
//
// States: pending → posted (all parts sent) | skipped (nothing to post: an empty batch, or a quiet digest
// with quietDigest off) | abandoned (the channel refused it: 403/404, or the subscription is gone).
//
// The digest_runs table's owner is src/store/digest-run-store.ts; this module says what a run is.
import type { RenderedMessage } from './render-digest.ts';
import type { Window } from './schedule.ts';

export const RUN_KINDS = ['digest', 'daily', 'weekly'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type RunState = 'pending' | 'posted' | 'skipped' | 'abandoned';

export interface DigestRun {
  id: number;
  subscriptionId: number;
  channelId: string;
  kind: RunKind;
  windowStart: string;
  windowEnd: string;
  late: boolean;
  state: RunState;
  messages: RenderedMessage[];
  partsTotal: number;
  partsSent: number;
  messageIds: string[];
  attempts: number;
  lastError: string | null;
  postedAt: string | null;
  /** When the row last changed: an interrupted attempt's sends came at or after it. */
  updatedAt: string;
}

/**
 * The nonce base of a run, from its unique key (so it is known before the row exists); part i is sent with
 * nonce `${base}-${i}`. Discord allows 25 characters: "cw-d-<sub>-<window start in minutes, base 36>".
 */
export function runNonceBase(kind: RunKind, subscriptionId: number, windowStart: Date): string {
  const k = kind === 'digest' ? 'g' : kind === 'daily' ? 'd' : 'w';
  return `cw-${k}-${subscriptionId.toString(36)}-${Math.floor(windowStart.getTime() / 60_000).toString(36)}`;
}

export interface NewRun {
  subscriptionId: number;
  channelId: string;
  kind: RunKind;
  window: Window;
  late: boolean;
  /** Renders the messages, given the run's nonce base (for the part markers); none means there is nothing to post (skipped). */
  render(nonceBase: string): Promise<RenderedMessage[]> | RenderedMessage[];
}

/** The digest_runs table (src/store/digest-run-store.ts). */
export interface DigestRunStore {
  /** The end of the last window recorded for a subscription and kind (whatever became of it). */
  lastEnd(subscriptionId: number, kind: RunKind): Promise<Date | undefined>;
  /** Records a run once, with its messages frozen; `created` is false when the window was already recorded. */
  record(input: NewRun, now: Date): Promise<{ run: DigestRun; created: boolean }>;
  find(subscriptionId: number, kind: RunKind, windowStart: Date): Promise<DigestRun | undefined>;
  get(id: number): Promise<DigestRun | undefined>;
  list(subscriptionId?: number): Promise<DigestRun[]>;
  pending(): Promise<DigestRun[]>;
  /**
   * Takes the run for sending until `until` and counts the attempt. Returns the run as it was just before
   * (fresh, not a copy read earlier: its parts sent, its attempts — more than 0 means a part may be in
   * flight — and when it last changed), or undefined when it is no longer pending or another sender holds an
   * unexpired lease. Atomic: a second process sees the lease.
   */
  claim(id: number, owner: string, now: Date, until: Date): Promise<DigestRun | undefined>;
  /** Keeps the lease while parts are still going out. */
  extend(id: number, owner: string, until: Date): Promise<void>;
  /** Gives the lease back (only the holder can). */
  release(id: number, owner: string): Promise<void>;
  /** Records that part `part` went out; only the next part in order moves progress on. */
  partSent(id: number, part: number, messageId: string, now: Date): Promise<void>;
  failed(id: number, error: string, now: Date): Promise<void>;
  abandon(id: number, reason: string, now: Date): Promise<void>;
}
