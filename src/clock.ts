// The clock is injected everywhere time matters, so tests control it and never sleep.
import { DateTime } from 'luxon';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved: for tests. */
export function manualClock(start: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => (current = new Date(at)),
    advance: (ms) => (current = new Date(current.getTime() + ms)),
  };
}

/** Today's date (YYYY-MM-DD) in a time zone: deadlines fall at midnight where the users are. */
export function todayIn(clock: Clock, timeZone: string): string {
  return DateTime.fromJSDate(clock.now(), { zone: timeZone }).toISODate() ?? clock.now().toISOString().slice(0, 10);
}
