// Automatic status changes, queued by a feed's transaction (or a deadline check) and applied right after
// through the register store, which records each one's `status-change` event. Queued first and applied
// after, so a crash in between loses nothing: the next cycle applies what is still waiting. Serialised in
// this process; a change an editor has overtaken (the commitment moved on, or is already there) is
// settled as skipped, never applied backwards.
import type { Clock } from '../clock.ts';
import type { Status } from '../domain.ts';
import { statusChangeKey } from '../event-kinds.ts';
import type { Logger } from '../log.ts';
import { movesForward } from '../match/proposals.ts';
import { DomainError } from '../store/errors.ts';
import type { RegisterStore } from '../store/register-store.ts';
import type { FeedStore } from './feed-store.ts';

export class PendingChanges {
  private applying: Promise<number[]> | undefined;
  /** True when a change was queued since the last apply. */
  needed = false;

  constructor(
    private readonly feedStore: FeedStore,
    private readonly registerStore: RegisterStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Applies every queued change; the ids of the `status-change` events recorded. */
  async apply(): Promise<number[]> {
    while (this.applying) await this.applying.catch(() => undefined);
    this.needed = false;
    this.applying = this.applyAll();
    try {
      return await this.applying;
    } finally {
      this.applying = undefined;
    }
  }

  private async applyAll(): Promise<number[]> {
    const ids: number[] = [];
    for (const change of await this.feedStore.pendingChanges()) {
      const at = this.clock.now().toISOString();
      try {
        // An editor may have moved the commitment on since the change was queued: never move it back.
        const current = await this.registerStore.getCommitment(change.commitmentId);
        if (current && !movesForward(current.status, change.to as Status)) {
          await this.feedStore.settlePendingChange(change.id, at, `skipped: ${change.commitmentId} is ${current.status}; ${change.to} would not move it forward`);
          continue;
        }
        const view = await this.registerStore.changeStatus(
          { commitmentId: change.commitmentId, to: change.to as never, reason: change.reason, evidence: change.evidence, actor: change.actor },
          at,
        );
        await this.feedStore.settlePendingChange(change.id, at, 'applied');
        const id = await this.feedStore.eventIdByKey(statusChangeKey(view.id));
        if (id !== undefined) ids.push(id);
      } catch (error) {
        if (error instanceof DomainError) {
          // Already at that status (applied before a crash, or by an editor), or the commitment is gone.
          await this.feedStore.settlePendingChange(change.id, at, `skipped: ${error.message}`);
        } else {
          this.logger.error({ err: error, commitment: change.commitmentId }, 'could not apply an automatic status change; will retry');
        }
      }
    }
    return ids;
  }
}
