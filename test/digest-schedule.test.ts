import { describe, expect, it } from 'vitest';
import { dailySchedule, digestSchedule, dueWindows, localInstant, LATE_AFTER_MS } from '../src/digest/schedule.ts';

const HOUR = 3_600_000;
const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / HOUR;
const london = digestSchedule({ digestWeekday: 1, digestHour: 9, timeZone: 'Europe/London' });
const iso = (d: Date) => d.toISOString();

describe('weekly digest windows', () => {
  it('is due at the weekday and hour in its zone; the window is the week before', () => {
    const [w, ...rest] = dueWindows(london, undefined, new Date('2026-01-12T09:00:30Z'));
    expect(rest).toEqual([]);
    expect(iso(w!.start)).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(w!.end)).toBe('2026-01-12T09:00:00.000Z');
    expect(w!.late).toBe(false);
    expect(dueWindows(london, w!.end, new Date('2026-01-12T09:01:30Z'))).toEqual([]);
    expect(dueWindows(london, w!.end, new Date('2026-01-19T08:59:59Z'))).toEqual([]);
  });

  it('stays at 09:00 local across the March change: a 167-hour window', () => {
    const [w] = dueWindows(london, new Date('2026-03-23T09:00:00Z'), new Date('2026-03-30T08:00:00Z'));
    expect(iso(w!.end)).toBe('2026-03-30T08:00:00.000Z'); // 09:00 BST
    expect(hours(w!)).toBe(167);
    expect(dueWindows(london, new Date('2026-03-23T09:00:00Z'), new Date('2026-03-30T07:59:00Z'))).toEqual([]);
  });

  it('stays at 09:00 local across the October change: a 169-hour window', () => {
    const [w] = dueWindows(london, new Date('2026-10-19T08:00:00Z'), new Date('2026-10-26T09:00:00Z'));
    expect(iso(w!.end)).toBe('2026-10-26T09:00:00.000Z'); // 09:00 GMT
    expect(hours(w!)).toBe(169);
  });

  it('follows New York, whose changes fall on other dates', () => {
    const ny = digestSchedule({ digestWeekday: 1, digestHour: 9, timeZone: 'America/New_York' });
    // US spring forward: 2026-03-08; London is still on GMT.
    const [spring] = dueWindows(ny, new Date('2026-03-02T14:00:00Z'), new Date('2026-03-09T13:00:00Z'));
    expect(iso(spring!.end)).toBe('2026-03-09T13:00:00.000Z');
    expect(hours(spring!)).toBe(167);
    // London's March change is not New York's: a plain 168-hour week there.
    const [plain] = dueWindows(ny, new Date('2026-03-23T13:00:00Z'), new Date('2026-03-30T13:00:00Z'));
    expect(hours(plain!)).toBe(168);
    // US fall back: 2026-11-01.
    const [fall] = dueWindows(ny, new Date('2026-10-26T13:00:00Z'), new Date('2026-11-02T14:00:00Z'));
    expect(iso(fall!.end)).toBe('2026-11-02T14:00:00.000Z');
    expect(hours(fall!)).toBe(169);
  });

  it('works in a zone without clock changes (Asia/Kolkata) and on other weekdays', () => {
    const kolkata = digestSchedule({ digestWeekday: 5, digestHour: 18, timeZone: 'Asia/Kolkata' });
    const [w] = dueWindows(kolkata, undefined, new Date('2026-03-29T00:00:00Z'));
    expect(iso(w!.end)).toBe('2026-03-27T12:30:00.000Z'); // Friday 18:00 IST
    expect(hours(w!)).toBe(168);
  });

  it('a nonexistent hour is the instant the clocks jump; an hour that happens twice is its first occurrence', () => {
    expect(iso(localInstant({ year: 2026, month: 3, day: 29 }, 1, 30, 'Europe/London'))).toBe('2026-03-29T01:30:00.000Z'); // = 02:30 BST
    expect(iso(localInstant({ year: 2026, month: 10, day: 25 }, 1, 30, 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z'); // 01:30 BST, not GMT
    expect(iso(localInstant({ year: 2026, month: 3, day: 8 }, 2, 30, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(localInstant({ year: 2026, month: 11, day: 1 }, 1, 30, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    // A Sunday 01:00 digest in London: on the spring-forward day it goes at the jump (01:00 UTC), on the
    // autumn day at the first 01:00 (00:00 UTC); both deterministic.
    const sunday1 = digestSchedule({ digestWeekday: 7, digestHour: 1, timeZone: 'Europe/London' });
    const [spring] = dueWindows(sunday1, undefined, new Date('2026-03-29T03:00:00Z'));
    expect(iso(spring!.end)).toBe('2026-03-29T01:00:00.000Z');
    expect(hours(spring!)).toBe(168); // 01:00 GMT a week before → the jump at 01:00 GMT
    const [autumn] = dueWindows(sunday1, undefined, new Date('2026-10-25T03:00:00Z'));
    expect(iso(autumn!.end)).toBe('2026-10-25T00:00:00.000Z');
    expect(dueWindows(sunday1, autumn!.end, new Date('2026-10-25T01:30:00Z'))).toEqual([]); // the second 01:00 is not another run
  });
});

describe('catch-up after downtime', () => {
  const lastEnd = new Date('2026-01-05T09:00:00Z');

  it('one missed week: one digest at start, marked late', () => {
    const due = dueWindows(london, lastEnd, new Date('2026-01-12T15:00:00Z'));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ late: true, periods: 1 });
    expect(iso(due[0]!.start)).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(due[0]!.end)).toBe('2026-01-12T09:00:00.000Z');
    // Within the grace a minute's tick is not late.
    expect(dueWindows(london, lastEnd, new Date(Date.parse('2026-01-12T09:00:00Z') + LATE_AFTER_MS - 1))[0]!.late).toBe(false);
  });

  it('two or more missed weeks: still ONE late catch-up from the last posted end', () => {
    const due = dueWindows(london, lastEnd, new Date('2026-01-27T10:00:00Z'));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ late: true, periods: 3 });
    expect(iso(due[0]!.start)).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(due[0]!.end)).toBe('2026-01-26T09:00:00.000Z');
  });

  it('never posted: a week before the latest due time; not a window that ended before the subscription', () => {
    const due = dueWindows(london, undefined, new Date('2026-01-27T10:00:00Z'));
    expect(iso(due[0]!.start)).toBe('2026-01-19T09:00:00.000Z');
    expect(dueWindows(london, undefined, new Date('2026-01-27T10:00:00Z'), new Date('2026-01-26T12:00:00Z'))).toEqual([]);
  });
});

describe('daily alert batches', () => {
  const daily = dailySchedule({ timeZone: 'Europe/London' });
  it('08:00 → 08:00 local, sent at 08:30', () => {
    expect(dueWindows(daily, new Date('2026-06-01T07:00:00Z'), new Date('2026-06-02T07:29:00Z'))).toEqual([]);
    const [w] = dueWindows(daily, new Date('2026-06-01T07:00:00Z'), new Date('2026-06-02T07:30:00Z'));
    expect(iso(w!.start)).toBe('2026-06-01T07:00:00.000Z');
    expect(iso(w!.end)).toBe('2026-06-02T07:00:00.000Z');
    const [spring] = dueWindows(daily, new Date('2026-03-28T08:00:00Z'), new Date('2026-03-29T07:30:00Z'));
    expect(hours(spring!)).toBe(23);
  });
  it('days of downtime: one batch', () => {
    const due = dueWindows(daily, new Date('2026-06-01T07:00:00Z'), new Date('2026-06-05T12:00:00Z'));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ late: true, periods: 4 });
  });
});
