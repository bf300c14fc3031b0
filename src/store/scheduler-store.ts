// The scheduler_firings table's owner: each scheduled firing (a job at its slot: the cron's minute, a
// local date) is run by exactly one of the processes sharing the store. The first to insert (job, slot)
// runs it; every other finds the row and does nothing. Plain insert-or-nothing on the primary key, the
// same on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

export interface Firing {
  job: string;
  slot: string;
  firedBy: string;
  firedAt: string;
}

export interface SchedulerStore {
  /**
   * True when this process takes the firing (job, slot), or took it before (a retry); false when another has.
   * With `leaseMs`, a firing another process took that long ago and never finished (it died: kill -9) is
   * taken over, by one process (compare-and-set).
   */
  take(job: string, slot: string, owner: string, now: string, leaseMs?: number): Promise<boolean>;
  /** Records that the firing's work is done: it is never taken over. */
  finish(job: string, slot: string, owner: string, now: string): Promise<void>;
  /** Whether the firing's work was recorded as done. */
  finished(job: string, slot: string): Promise<boolean>;
  /** Who took the firing, if anyone. */
  firing(job: string, slot: string): Promise<Firing | undefined>;
  /** Forgets firings taken before `before` (their slots are long past). */
  prune(before: string): Promise<void>;
}

const DONE = ':done';

export class KyselySchedulerStore implements SchedulerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async take(job: string, slot: string, owner: string, now: string, leaseMs?: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('scheduler_firings')
      .values({ job, slot, fired_by: owner, fired_at: now })
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
    const held = await this.firing(job, slot);
    if (!held || held.firedBy === owner) return held !== undefined;
    if (leaseMs === undefined || Date.parse(held.firedAt) + leaseMs > Date.parse(now) || (await this.finished(job, slot))) return false;
    const moved = await this.db
      .updateTable('scheduler_firings')
      .set({ fired_by: owner, fired_at: now })
      .where('job', '=', job)
      .where('slot', '=', slot)
      .where('fired_by', '=', held.firedBy)
      .where('fired_at', '=', held.firedAt)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows) > 0;
  }

  // Done is a row of its own (job + DONE, same slot): no column to add, and prune forgets both.
  async finish(job: string, slot: string, owner: string, now: string): Promise<void> {
    await this.db
      .insertInto('scheduler_firings')
      .values({ job: `${job}${DONE}`, slot, fired_by: owner, fired_at: now })
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .execute();
  }

  async finished(job: string, slot: string): Promise<boolean> {
    return (await this.firing(`${job}${DONE}`, slot)) !== undefined;
  }

  async firing(job: string, slot: string): Promise<Firing | undefined> {
    const row = await this.db.selectFrom('scheduler_firings').selectAll().where('job', '=', job).where('slot', '=', slot).executeTakeFirst();
    return row && { job: row.job, slot: row.slot, firedBy: row.fired_by, firedAt: row.fired_at };
  }

  async prune(before: string): Promise<void> {
    await this.db.deleteFrom('scheduler_firings').where('fired_at', '<', before).execute();
  }
}
