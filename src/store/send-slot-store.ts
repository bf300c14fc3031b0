// The send_slots table's owner: the shared send schedule (src/send-pacer.ts). Taking slots is one UPDATE …
// RETURNING on the limit's row, so concurrent takers, in this process or another, are serialised by the
// database and never get the same slot. PostgreSQL reads its own clock (clock_timestamp(): the time of the
// statement, not of the transaction), so processes on different machines share one timeline; SQLite, on one
// machine by nature, uses the caller's.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../db/engine.ts';
import type { Database } from '../db/tables.ts';
import type { SendSlotStore } from '../send-pacer.ts';

/**
 * How far ahead of the clock the schedule may run before it is taken for a clock step (or a hundred slots, at
 * a low rate): at 48/s a minute is 2,880 requests waiting at once, where each process has a few at most.
 */
export const SCHEDULE_HORIZON_MS = 60_000;

export class KyselySendSlotStore implements SendSlotStore {
  private readonly postgres: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.postgres = engineOf(db) === 'postgres';
  }

  async take(name: string, count: number, intervalMs: number, nowMs: number): Promise<{ firstAt: number; now: number }> {
    if (!(count >= 1 && intervalMs > 0)) throw new RangeError('take at least one slot, at an interval above 0 ms');
    const span = count * intervalMs;
    for (;;) {
      const row = await this.advance(name, span, nowMs);
      if (row) return { firstAt: row.next_at - span, now: row.now };
      // The limit's row is made on first use (whoever makes it, every taker then advances the same row).
      await this.db
        .insertInto('send_slots')
        .values({ name, next_at: 0 })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
  }

  private async advance(name: string, span: number, nowMs: number): Promise<{ next_at: number; now: number } | undefined> {
    const now = this.postgres ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::double precision` : sql<number>`${nowMs}`;
    // A schedule further ahead than any queue of waiting requests can reach comes from a clock stepped back
    // (NTP, a restored VM): it starts again from now, or every request would wait out the step, and time out.
    const horizon = Math.max(SCHEDULE_HORIZON_MS, 100 * span);
    const from = sql<number>`case when next_at > ${now} + ${horizon} then ${now} else ${this.postgres ? sql`greatest` : sql`max`}(next_at, ${now}) end`;
    const next = sql<number>`${from} + ${span}`;
    const row = await this.db
      .updateTable('send_slots')
      .set({ next_at: next })
      .where('name', '=', name)
      .returning(['next_at', now.as('now')])
      .executeTakeFirst();
    return row && { next_at: Number(row.next_at), now: Number(row.now) };
  }
}
