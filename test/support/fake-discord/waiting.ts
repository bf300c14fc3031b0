// Waiting for the bot: a generic waitFor and the handle returned for each interaction the fake sends.
import type { EventEmitter } from 'node:events';
import type { InteractionKind, InteractionResponseRecord, InteractionState } from './interaction-records.ts';

/**
 * Resolves with `check()`'s first non-undefined result, re-checking whenever `events` emits "change"
 * (and every 10 ms, for conditions outside the fake); rejects if `check` throws or after `timeoutMs`.
 */
export function waitFor<T>(events: EventEmitter, check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const poll = setInterval(() => test(), 10);
    const timer = setTimeout(() => {
      done();
      reject(new Error(`fake-discord: timed out after ${timeoutMs} ms waiting for ${describe()}`));
    }, timeoutMs);
    function done(): void {
      events.off('change', test);
      clearInterval(poll);
      clearTimeout(timer);
    }
    function test(): void {
      try {
        const v = check();
        if (v === undefined) return;
        done();
        resolve(v);
      } catch (err) {
        done();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    events.on('change', test);
    test();
  });
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as sent. */
  readonly payload: Record<string, unknown>;
  /** Resolves with the first accepted callback (reply, defer, update...); rejects on timeout or if the fake refused the callback. */
  reply(timeoutMs?: number): Promise<InteractionResponseRecord>;
  /** Resolves with the final response: a non-deferred callback, or after a defer the first edit/follow-up/delete of the original. */
  settled(timeoutMs?: number): Promise<InteractionResponseRecord>;
  /** Responses so far (callback, then webhook edits and follow-ups, in order). */
  responses(): InteractionResponseRecord[];
}

const FINAL_CALLBACKS = new Set([4, 7, 8, 9]);
const SETTLING_WEBHOOK_CALLS = new Set(['edit-original', 'followup', 'delete-original']);

export function interactionHandle(it: InteractionState, events: EventEmitter, defaultTimeoutMs: number, unexpectedRequests: () => string[]): InteractionHandle {
  const describe = (what: string) => (): string =>
    `${what} to ${it.kind} "${it.name}" (${it.id})` +
    (it.sentAt === null ? ' — it was never sent: no client is connected to the gateway' : '') +
    `; responses so far: ${JSON.stringify(it.responses.map((r) => r.kind + (r.type ? `:${r.type}` : '')))}` +
    `; unexpected requests: ${JSON.stringify(unexpectedRequests())}`;
  const refused = (): Error => new Error(`fake-discord: ${it.kind} "${it.name}" (${it.id}): the fake refused ${JSON.stringify(it.rejected)}`);
  return {
    id: it.id,
    token: it.token,
    payload: structuredClone(it.payload),
    responses: () => structuredClone(it.responses),
    reply: (timeoutMs = defaultTimeoutMs) =>
      waitFor(
        events,
        () => {
          const first = it.responses[0];
          if (first) return structuredClone(first);
          if (it.rejected.length) throw refused();
          return undefined;
        },
        timeoutMs,
        describe('the first callback'),
      ),
    settled: (timeoutMs = defaultTimeoutMs) =>
      waitFor(
        events,
        () => {
          const [first, ...rest] = it.responses;
          if (first?.type !== undefined && FINAL_CALLBACKS.has(first.type)) return structuredClone(first);
          const after = rest.find((r) => SETTLING_WEBHOOK_CALLS.has(r.kind));
          if (after) return structuredClone(after);
          if (it.rejected.length) throw refused();
          return undefined;
        },
        timeoutMs,
        describe('a final response'),
      ),
  };
}

export interface ResponseTime {
  interactionId: string;
  kind: InteractionKind;
  name: string;
  /** INTERACTION_CREATE sent → first callback received. */
  ms: number;
}

export type ResponseTimeStats = { count: number; p50: number; p90: number; p99: number; max: number };

/** Per answered interaction: time from INTERACTION_CREATE sent to first callback received. */
export function responseTimesOf(interactions: Iterable<InteractionState>): ResponseTime[] {
  return [...interactions]
    .filter((i) => i.sentAt !== null && i.firstCallbackAt !== null)
    .map((i) => ({ interactionId: i.id, kind: i.kind, name: i.name, ms: i.firstCallbackAt! - i.sentAt! }));
}

/** Nearest-rank percentiles in ms. */
export function percentiles(times: ResponseTime[]): ResponseTimeStats {
  const ms = times.map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number): number => (ms.length ? ms[Math.max(0, Math.ceil((p / 100) * ms.length) - 1)]! : NaN);
  return { count: ms.length, p50: pct(50), p90: pct(90), p99: pct(99), max: ms.length ? ms[ms.length - 1]! : NaN };
}
