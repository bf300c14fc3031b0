// Dates as the sources write them (ISO 8601, RFC 822/2822, HTTP dates, wall-clock UK time), read into ISO
// 8601 UTC instants; an invalid date is a warning, never a failed feed.
import { DateTime } from 'luxon';
import type { FeedItem } from '../../src/feed-types.ts';
import { clip } from './text.ts';
import { textOf } from './xml-nodes.ts';

/**
 * Wall-clock dates without an offset (legislation.gov.uk's feed-level <updated>, the statements API's
 * `dateMade`) are read as UK local time: every publisher we read is in the UK.
 */
export const SOURCE_ZONE = 'Europe/London';

/** Parses an entry's published and updated dates onto the item; a bad date becomes a warning. */
export function setEntryDates(item: FeedItem, raw: { xPublished?: unknown; xUpdated?: unknown }, key: string, warnings: string[]): void {
  const what = `entry ${JSON.stringify(key)}`;
  const published = parseDate(raw.xPublished, `${what} published`, warnings);
  const updated = parseDate(raw.xUpdated, `${what} updated`, warnings);
  if (published) item.published = published;
  if (updated) item.updated = updated;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Date would roll 30 February into March and 24:00 into tomorrow; such text goes to the strict path. */
function calendarValid(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const date = new Date(Date.UTC(year!, month! - 1, day));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second < 60 && offsetHours < 24 && offsetMinutes < 60;
}

/**
 * Reads an ISO 8601 or RFC 822/2822 date (also HTTP-date forms) and returns the instant as ISO 8601 UTC.
 * A value without an offset is read in SOURCE_ZONE. Invalid or absurd dates return undefined and add a
 * warning naming `what`; an absent value returns undefined silently.
 */
export function parseDate(raw: unknown, what: string, warnings: string[], zone: string = SOURCE_ZONE): string | undefined {
  const text = textOf(raw);
  if (!text) return undefined;
  // The common case, a full ISO 8601 instant with its offset, needs no zone rules: Date reads it exactly,
  // at a fraction of luxon's cost (dates were a tenth of a poll cycle's CPU).
  const iso = ISO_INSTANT.exec(text);
  if (iso && calendarValid(iso)) {
    const ms = Date.parse(text);
    const year = new Date(ms).getUTCFullYear();
    if (Number.isFinite(ms) && year >= 1800 && year <= 2200) return new Date(ms).toISOString();
  }
  const options = { zone, setZone: true };
  let dt = DateTime.fromISO(text, options);
  if (!dt.isValid) dt = DateTime.fromRFC2822(text, options);
  if (!dt.isValid) dt = DateTime.fromHTTP(text, options);
  // Some RFC 822 producers write the full day name or a comma-less day ("Tuesday, 6 Nov…", "Tue 6 Nov…").
  if (!dt.isValid) dt = DateTime.fromRFC2822(text.replace(/^([A-Za-z]{3})[A-Za-z]*,?\s+/, '$1, '), options);
  if (!dt.isValid || dt.year < 1800 || dt.year > 2200) {
    warnings.push(`${what}: invalid date ${JSON.stringify(clip(text, 60))} ignored`);
    return undefined;
  }
  return dt.toUTC().toISO() ?? undefined;
}
