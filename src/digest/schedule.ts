// When digests and alert batches are due, and which window [start, end) each one covers. Pure: every
// function takes `now` and returns instants; nothing here reads a clock or a store.
//
// Schedules are written in local wall time of a time zone (a weekly digest "Monday 09:00 Europe/London"),
// so a 09:00 digest stays at 09:00 local across the clock changes. A window runs from the previous due
// instant to this one: across the March change in London it is 167 hours long, across October 169.
//
// Local times that do not exist or exist twice are resolved deterministically (see localInstant):
// - a time in the spring-forward gap (01:30 in London on 2026-03-29) is the instant the clocks jump,
//   i.e. the wall time read with the offset in force before the gap (01:30 GMT = 02:30 BST);
// - a time that happens twice in autumn (01:30 in London on 2026-10-25) is its FIRST occurrence (BST).
//
// Catch-up: after downtime the missed window is posted once, marked late. Two or more missed periods
// give ONE catch-up window, from the end of the last window posted to the latest due instant — never a
// flood of stale posts.
//
// Daily alert batches follow GOV.UK's email alerts: the window is 08:00 → 08:00 local and the batch is
// sent at 08:30, so events recorded just before 08:00 (and committed a moment later) are in it.
// Weekly alert batches reuse the subscription's digest schedule.
import { DateTime, IANAZone } from 'luxon';
import { zoneOr } from '../time-zone.ts';

export interface Window {
  start: Date;
  end: Date;
}

export interface DueWindow extends Window {
  /** Posted later than its due time (after downtime), or covering more than one period. */
  late: boolean;
  /** How many scheduled periods the window covers: 1 normally, more for a catch-up. */
  periods: number;
}

export interface ScheduleSpec {
  period: 'daily' | 'weekly';
  /** 1 = Monday … 7 = Sunday (weekly only). */
  weekday: number;
  /** Local wall time at which each window ends. */
  hour: number;
  minute: number;
  timeZone: string;
  /** Minutes after a window ends before it is sent (daily batches: 30). */
  sendDelayMinutes: number;
}

/** What a schedule needs of a subscription. */
export interface ScheduleSubject {
  digestWeekday: number;
  digestHour: number;
  timeZone: string;
}

/** A window is late when it is handled this long after it became due (the scheduler ticks every minute). */
export const LATE_AFTER_MS = 15 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The weekly digest (and weekly alert batch): the subscription's weekday and hour, in its time zone. */
export function digestSchedule(sub: ScheduleSubject, fallbackZone = 'Europe/London'): ScheduleSpec {
  const timeZone = zoneOr(sub.timeZone, fallbackZone);
  return { period: 'weekly', weekday: sub.digestWeekday, hour: sub.digestHour, minute: 0, timeZone, sendDelayMinutes: 0 };
}

/** The daily alert batch: 08:00 → 08:00 local, sent at 08:30 (as GOV.UK does). */
export function dailySchedule(sub: Pick<ScheduleSubject, 'timeZone'>, fallbackZone = 'Europe/London'): ScheduleSpec {
  const timeZone = zoneOr(sub.timeZone, fallbackZone);
  return { period: 'daily', weekday: 1, hour: 8, minute: 0, timeZone, sendDelayMinutes: 30 };
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The instant of a local wall time in a zone. Where the time exists twice, its first occurrence; where it
 * does not exist (spring forward), the wall time read with the offset before the gap — the instant the
 * clocks jump past it. Both are deterministic and independent of the host's time zone.
 */
export function localInstant(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const zone = IANAZone.create(timeZone);
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Any offset the zone could have here is its offset a day before or a day after.
  const offsets = [...new Set([zone.offset(wall - DAY), zone.offset(wall + DAY)])];
  const valid = offsets.map((o) => wall - o * MINUTE).filter((t) => zone.offset(t) * MINUTE === wall - t);
  if (valid.length) return new Date(Math.min(...valid));
  // In the gap: read the wall time with the offset in force before it.
  return new Date(wall - zone.offset(wall - DAY) * MINUTE);
}

function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function weekdayOf(d: LocalDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** A scheduled window end: the local date it falls on and its instant. */
export interface DueSlot {
  date: LocalDate;
  end: Date;
}

function slotOn(spec: ScheduleSpec, date: LocalDate): DueSlot {
  return { date, end: localInstant(date, spec.hour, spec.minute, spec.timeZone) };
}

const sendAt = (spec: ScheduleSpec, slot: DueSlot) => slot.end.getTime() + spec.sendDelayMinutes * MINUTE;

/** The latest slot whose send time is at or before `now`. */
export function latestSlot(spec: ScheduleSpec, now: Date): DueSlot {
  const local = DateTime.fromJSDate(now, { zone: spec.timeZone });
  let date: LocalDate = { year: local.year, month: local.month, day: local.day };
  if (spec.period === 'weekly') date = addDays(date, -((weekdayOf(date) - spec.weekday + 7) % 7));
  const step = spec.period === 'weekly' ? 7 : 1;
  let slot = slotOn(spec, date);
  while (sendAt(spec, slot) > now.getTime()) slot = slotOn(spec, (date = addDays(date, -step)));
  return slot;
}

export function previousSlot(spec: ScheduleSpec, slot: DueSlot): DueSlot {
  return slotOn(spec, addDays(slot.date, spec.period === 'weekly' ? -7 : -1));
}

export function nextSlot(spec: ScheduleSpec, slot: DueSlot): DueSlot {
  return slotOn(spec, addDays(slot.date, spec.period === 'weekly' ? 7 : 1));
}

/** The window the next run would cover if it ran now: [previous end, latest due end). Used by previews. */
export function currentWindow(spec: ScheduleSpec, now: Date): Window {
  const latest = latestSlot(spec, now);
  return { start: previousSlot(spec, latest).end, end: latest.end };
}

/**
 * The windows due at `now`, given the end of the last window handled (posted, or skipped as quiet).
 * Never more than one: after downtime, the missed periods are covered by one late catch-up window.
 * Without a last end, the window is the latest full period; `notBefore` (when the subscription was made)
 * keeps a new subscription from receiving a window that ended before it existed.
 */
export function dueWindows(spec: ScheduleSpec, lastEnd: Date | undefined, now: Date, notBefore?: Date): DueWindow[] {
  const latest = latestSlot(spec, now);
  if (lastEnd && lastEnd.getTime() >= latest.end.getTime()) return [];
  if (notBefore && latest.end.getTime() <= notBefore.getTime()) return [];
  const previous = previousSlot(spec, latest);
  const start = lastEnd ?? previous.end;
  // Periods covered: one, plus one for each scheduled end inside the window (each a missed run).
  let periods = 1;
  for (let s = previous; s.end.getTime() > start.getTime(); s = previousSlot(spec, s)) periods++;
  const late = periods > 1 || now.getTime() - sendAt(spec, latest) > LATE_AFTER_MS;
  return [{ start, end: latest.end, late, periods }];
}
