// The digest_runs table's owner: runs recorded once, parts progress, leases (the mechanism is described in
// src/digest/digest-runs.ts).
import type { Kysely, Selectable } from 'kysely';
import { engineOf } from '../db/engine.ts';
import type { Database, DigestRunsTable } from '../db/tables.ts';
import { runNonceBase, type DigestRun, type DigestRunStore, type NewRun, type RunKind, type RunState } from '../digest/digest-runs.ts';
import type { RenderedMessage } from '../digest/render-digest.ts';

function toRun(r: Selectable<DigestRunsTable>): DigestRun {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    channelId: r.channel_id,
    kind: r.kind as RunKind,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    late: r.late === 1,
    state: r.state as RunState,
    messages: JSON.parse(r.messages) as RenderedMessage[],
    partsTotal: r.parts_total,
    partsSent: Number(r.parts_sent),
    messageIds: JSON.parse(r.message_ids) as string[],
    attempts: Number(r.attempts),
    lastError: r.last_error,
    postedAt: r.posted_at,
    updatedAt: r.updated_at,
  };
}

export class KyselyDigestRunStore implements DigestRunStore {
  private readonly postgres: boolean;
  constructor(private readonly db: Kysely<Database>) {
    this.postgres = engineOf(db) === 'postgres';
  }

  /** The end of the last window recorded for a subscription and kind (whatever became of it). */
  async lastEnd(subscriptionId: number, kind: RunKind): Promise<Date | undefined> {
    const rows = await this.db.selectFrom('digest_runs').select('window_end').where('subscription_id', '=', subscriptionId).where('kind', '=', kind).execute();
    const max = Math.max(...rows.map((r) => Date.parse(r.window_end)));
    return Number.isFinite(max) ? new Date(max) : undefined;
  }

  /** Records a run once, with its messages frozen; `created` is false when the window was already recorded. */
  async record(input: NewRun, now: Date): Promise<{ run: DigestRun; created: boolean }> {
    const existing = await this.find(input.subscriptionId, input.kind, input.window.start);
    if (existing) return { run: existing, created: false };
    const messages = await input.render(runNonceBase(input.kind, input.subscriptionId, input.window.start));
    const at = now.toISOString();
    // One statement: the row appears with its messages or not at all; a concurrent recorder loses the race.
    const inserted = await this.db
      .insertInto('digest_runs')
      .values({
        subscription_id: input.subscriptionId,
        channel_id: input.channelId,
        kind: input.kind,
        window_start: input.window.start.toISOString(),
        window_end: input.window.end.toISOString(),
        late: input.late ? 1 : 0,
        state: messages.length ? 'pending' : 'skipped',
        messages: JSON.stringify(messages),
        parts_total: messages.length,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'kind', 'window_start']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return { run: (await this.find(input.subscriptionId, input.kind, input.window.start))!, created: !!inserted };
  }

  async find(subscriptionId: number, kind: RunKind, windowStart: Date): Promise<DigestRun | undefined> {
    const row = await this.db
      .selectFrom('digest_runs')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .where('kind', '=', kind)
      .where('window_start', '=', windowStart.toISOString())
      .executeTakeFirst();
    return row && toRun(row);
  }

  async get(id: number): Promise<DigestRun | undefined> {
    const row = await this.db.selectFrom('digest_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async list(subscriptionId?: number): Promise<DigestRun[]> {
    let q = this.db.selectFrom('digest_runs').selectAll();
    if (subscriptionId !== undefined) q = q.where('subscription_id', '=', subscriptionId);
    return (await q.orderBy('id').execute()).map(toRun);
  }

  async pending(): Promise<DigestRun[]> {
    return (await this.db.selectFrom('digest_runs').selectAll().where('state', '=', 'pending').orderBy('id').execute()).map(toRun);
  }

  /**
   * Takes the run for sending until `until` and counts the attempt. Returns the run as it was just before
   * (fresh, not a copy read earlier: its parts sent, its attempts — more than 0 means a part may be in
   * flight — and when it last changed), or undefined when it is no longer pending or another sender holds an
   * unexpired lease. One transaction: a second process waits for it and then sees the lease.
   */
  async claim(id: number, owner: string, now: Date, until: Date): Promise<DigestRun | undefined> {
    const at = now.toISOString();
    return this.db.transaction().execute(async (tx) => {
      // FOR UPDATE on PostgreSQL: READ COMMITTED would let two processes both read the run unleased and both
      // take it (both sending it); locked, the second waits and reads the first's lease. SQLite's BEGIN
      // IMMEDIATE already serialises the transaction.
      const row = await tx
        .selectFrom('digest_runs')
        .selectAll()
        .where('id', '=', id)
        .$if(this.postgres, (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row || row.state !== 'pending') return undefined;
      if (row.lease_until && row.lease_until > at && row.lease_owner !== owner) return undefined;
      await tx
        .updateTable('digest_runs')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at, lease_owner: owner, lease_until: until.toISOString() }))
        .where('id', '=', id)
        .execute();
      return toRun(row);
    });
  }

  /** Keeps the lease while parts are still going out. */
  async extend(id: number, owner: string, until: Date): Promise<void> {
    await this.db.updateTable('digest_runs').set({ lease_until: until.toISOString() }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  /** Gives the lease back (only the holder can). */
  async release(id: number, owner: string): Promise<void> {
    await this.db.updateTable('digest_runs').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  /** Records that part `part` went out; only the next part in order moves progress on. */
  async partSent(id: number, part: number, messageId: string, now: Date): Promise<void> {
    const run = await this.get(id);
    if (!run || run.partsSent !== part) return;
    const done = part + 1 >= run.partsTotal;
    await this.db
      .updateTable('digest_runs')
      .set({
        parts_sent: part + 1,
        message_ids: JSON.stringify([...run.messageIds, messageId]),
        updated_at: now.toISOString(),
        ...(done ? { state: 'posted', posted_at: now.toISOString() } : {}),
      })
      .where('id', '=', id)
      .where('parts_sent', '=', part)
      .execute();
  }

  async failed(id: number, error: string, now: Date): Promise<void> {
    await this.db.updateTable('digest_runs').set({ last_error: error, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async abandon(id: number, reason: string, now: Date): Promise<void> {
    await this.db
      .updateTable('digest_runs')
      .set({ state: 'abandoned', last_error: reason, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  }
}
