// The one check of a time-zone name, for every boundary that takes one (configuration, subscriptions,
// /digest schedule) and the schedules that fall back when a stored one stops being valid.
import { IANAZone } from 'luxon';
import { z } from 'zod';

export const isTimeZone = (name: string): boolean => IANAZone.isValidZone(name);

/** An IANA zone name such as Europe/London, trimmed. */
export const TimeZone = z.string().trim().refine(isTimeZone, 'expected an IANA time zone such as Europe/London or America/New_York');

/** `name` when it is a valid zone, else `fallback`. */
export const zoneOr = (name: string | null | undefined, fallback: string): string => (name && isTimeZone(name) ? name : fallback);
