// The list page's query string (`/?status=stalled&department=home&q=penalties&page=2`), validated with zod:
// a value no form offers is refused with a message that names the field, never passed on.
import { z } from 'zod';
import { Position, POSITIONS, Status, STATUSES } from '../domain.ts';
import type { ListOptions } from '../queries.ts';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const field = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const words = z.string().trim().max(200, 'must be at most 200 characters');

export const ListQuery = z.object({
  q: field(words),
  status: field(z.enum(STATUSES, { message: `must be one of ${STATUSES.join(', ')}` })),
  department: field(words),
  theme: field(words),
  position: field(z.enum(POSITIONS, { message: `must be one of ${POSITIONS.join(', ')}` })),
  register: field(z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a register id')),
  page: field(z.coerce.number({ message: 'must be a page number' }).int('must be a whole number').min(1, 'must be 1 or more').max(1_000_000, 'is too large')),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const PAGE_SIZE = 50;

export function parseListQuery(raw: Record<string, string>): { ok: true; value: ListQuery } | { ok: false; message: string } {
  const parsed = ListQuery.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; ') };
}

export function listOptions(q: ListQuery, pageSize = PAGE_SIZE): ListOptions {
  const status: Status[] | undefined = q.status ? [q.status] : undefined;
  const position: Position | undefined = q.position;
  return { text: q.q, status, department: q.department, theme: q.theme, position, register: q.register, page: q.page ?? 1, pageSize };
}

/** The query string for the same filters on another page (without empty fields). */
export function queryFor(q: ListQuery, page?: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'department', 'theme', 'position', 'register'] as const) {
    const value = q[key];
    if (value) params.set(key, value);
  }
  if (page && page > 1) params.set('page', String(page));
  return params;
}

export const isFiltered = (q: ListQuery): boolean => queryFor(q).size > 0;
