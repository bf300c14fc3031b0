// A subscription: what one channel wants to be told, how often, and when its digest is due.
import { z } from 'zod';
import { Status } from '../domain.ts';
import type { EventType } from '../events.ts';
import { TimeZone } from '../time-zone.ts';

export const FREQUENCIES = ['immediately', 'daily', 'weekly', 'off'] as const;
export const Frequency = z.enum(FREQUENCIES);
export type Frequency = z.infer<typeof Frequency>;

/** Empty lists mean "all". Department and theme match case-insensitively on part of the name. */
export const SubscriptionFilters = z.strictObject({
  commitments: z.array(z.string()).default([]),
  departments: z.array(z.string()).default([]),
  themes: z.array(z.string()).default([]),
  statuses: z.array(Status).default([]),
  /** Register ids; subscriptions made before there were several registers have none (all). */
  registers: z.array(z.string()).optional(),
});
export type SubscriptionFilters = z.infer<typeof SubscriptionFilters>;

export const SubscriptionSettings = z.strictObject({
  guildId: z.string().min(1),
  channelId: z.string().min(1),
  frequency: Frequency.default('immediately'),
  digest: z.boolean().default(true),
  digestWeekday: z.number().int().min(1, 'expected 1 (Monday) to 7 (Sunday)').max(7, 'expected 1 (Monday) to 7 (Sunday)').default(1),
  digestHour: z.number().int().min(0, 'expected an hour from 0 to 23').max(23, 'expected an hour from 0 to 23').default(9),
  timeZone: TimeZone,
  quietDigest: z.boolean().default(true),
  filters: SubscriptionFilters.default({ commitments: [], departments: [], themes: [], statuses: [] }),
  createdBy: z.string().min(1),
});
export type SubscriptionSettings = z.input<typeof SubscriptionSettings>;

export interface Subscription extends z.output<typeof SubscriptionSettings> {
  id: number;
  brokenReason: string | null;
  brokenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a filter needs to know of the commitment an event is about. */
export interface EventSubject {
  type: EventType;
  commitmentId?: string | undefined;
  /** The register the commitment belongs to. */
  registerId?: string | undefined;
  department?: string | undefined;
  originalDepartment?: string | null | undefined;
  themes?: string[] | undefined;
  status?: Status | undefined;
}

/**
 * Whether a subscription wants an event. Feed-health events concern the bot itself, not a
 * commitment: they go to subscriptions without commitment filters only.
 */
export function wants(filters: SubscriptionFilters, subject: EventSubject): boolean {
  if (!subject.commitmentId) return subject.type === 'feed-health' && filters.commitments.length === 0;
  const lower = (s: string) => s.toLowerCase();
  if (filters.commitments.length && !filters.commitments.includes(subject.commitmentId)) return false;
  const registers = filters.registers ?? [];
  if (registers.length && (!subject.registerId || !registers.includes(subject.registerId))) return false;
  if (filters.departments.length) {
    const names = [subject.department, subject.originalDepartment].filter((d): d is string => !!d).map(lower);
    if (!filters.departments.some((f) => names.some((n) => n.includes(lower(f))))) return false;
  }
  if (filters.themes.length) {
    const themes = (subject.themes ?? []).map(lower);
    if (!filters.themes.some((f) => themes.some((t) => t.includes(lower(f))))) return false;
  }
  if (filters.statuses.length && (!subject.status || !filters.statuses.includes(subject.status))) return false;
  return true;
}
