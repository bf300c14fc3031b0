// Virtual time for pacing tests: a clock and a sleep that never wait for real. Workers run until every one
// of them is asleep; then time jumps to the earliest wake-up. What happens at a time is recorded there.
import { setImmediate as turn } from 'node:timers/promises';
import type { Sleep } from '../../src/send-pacer.ts';

export interface VirtualTime {
  /** The virtual time in ms (fractions kept: a Date would round them away). */
  now: () => number;
  sleep: Sleep;
  /** Runs the workers to their end, moving time forward whenever all of them sleep. */
  run(workers: Array<() => Promise<void>>): Promise<void>;
}

export function virtualTime(startMs = Date.parse('2024-06-01T12:00:00Z')): VirtualTime {
  let now = startMs;
  let sleepers: Array<{ at: number; wake: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    async run(workers) {
      let live = workers.length;
      const done = Promise.all(workers.map((w) => w().finally(() => live--)));
      done.catch(() => undefined);
      while (live > 0) {
        // Store calls are real I/O: let them finish before deciding that everyone sleeps.
        while (live > 0 && sleepers.length < live) await turn();
        if (live === 0) break;
        const first = sleepers.reduce((a, b) => (b.at < a.at ? b : a));
        sleepers = sleepers.filter((s) => s !== first);
        now = Math.max(now, first.at);
        first.wake();
        await turn();
      }
      await done;
    },
  };
}

/** The most events in any window of `windowMs` (the window [t, t + windowMs) starting at each event). */
export function busiestWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}
