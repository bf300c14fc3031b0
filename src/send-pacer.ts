// One request rate shared by every process on one store. Discord allows a bot 50 requests per second in all,
// whatever number of processes send them; each process's own REST client paces only itself, so two processes
// at full speed get about half their requests refused (429). Here each request takes the next free slot of a
// schedule kept in the store (send-slot-store.ts) and waits for it: N processes together stay under the rate,
// and one process alone may use all of it. The store's clock decides (PostgreSQL's on PostgreSQL), and what
// comes back is how long to wait, so processes on machines whose clocks differ still agree.

/**
 * Requests per second by default: a little under Discord's 50. The margin absorbs what the schedule cannot
 * see: timers that fire late and network jitter bunch requests up at Discord's end (at 48/s, up to 40 ms of
 * jitter still keeps every 1 s window within Discord's 50; at 50/s none would), and the few requests that
 * are not paced (the bot's own look-ups outside delivery) count against the same global limit.
 */
export const DEFAULT_GLOBAL_RATE = 48;

/** The limit the Discord delivery requests share (the row's name in the schedule). */
export const DISCORD_GLOBAL_LIMIT = 'discord-global';

export interface SendSlotStore {
  /**
   * Takes `count` consecutive slots `intervalMs` apart on the limit `name`, atomically: the first starts at
   * the later of the limit's next free slot and now. `nowMs` is the caller's clock; a store with a clock
   * of its own (PostgreSQL's) uses that one instead. Returns the first slot and the clock's now it used.
   */
  take(name: string, count: number, intervalMs: number, nowMs: number): Promise<{ firstAt: number; now: number }>;
}

export interface SendPacer {
  /** Resolves when this request's slot has come; rejects when `signal` aborts the wait. */
  wait(signal?: AbortSignal | null): Promise<void>;
  /** Requests per second, across every process on the store. */
  readonly perSecond: number;
}

export type Sleep = (ms: number, signal?: AbortSignal | null) => Promise<void>;

/** A timer that an abort ends early (rejecting with the signal's reason). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface SendPacerOptions {
  store: SendSlotStore;
  perSecond?: number;
  name?: string;
  /** Milliseconds since the epoch, the time `sleep` runs on (default Date.now; tests give virtual time). */
  now?: () => number;
  sleep?: Sleep;
}

export function sendPacer(options: SendPacerOptions): SendPacer {
  const perSecond = options.perSecond ?? DEFAULT_GLOBAL_RATE;
  if (!(perSecond > 0)) throw new RangeError('a send rate must be above 0 per second');
  // Rounded up to a whole microsecond: rounding in the sums of times never fits one more slot into a second.
  const intervalMs = Math.ceil(1e6 / perSecond) / 1000;
  const name = options.name ?? DISCORD_GLOBAL_LIMIT;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  return {
    perSecond,
    async wait(signal) {
      signal?.throwIfAborted();
      const slot = await options.store.take(name, 1, intervalMs, now());
      const ms = slot.firstAt - slot.now;
      if (ms > 0) await sleep(ms, signal);
    },
  };
}

/**
 * The pacer of Discord deliveries on a store: real time and real timers, never the app's clock (which tests
 * may hold still: a schedule read against a clock that stands still would only grow).
 */
export const discordPacer = (store: SendSlotStore, perSecond: number): SendPacer => sendPacer({ store, perSecond });
