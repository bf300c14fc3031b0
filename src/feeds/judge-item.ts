// Judging one item inside its feed's transaction: its match traces, and — unless the feed is on its first
// fetch — for each commitment that accepts it an evidence row and an `evidence` event, each proposal a
// `status-proposal` event (automatic ones queued for the register store to apply once the transaction
// commits), and for an update one `item-updated` event naming every commitment it matches. Every event is
// built with its dedupe key (src/event-kinds.ts), so a retry after a crash never records one twice.
import type { FeedKind } from '../domain.ts';
import { evidenceEvent, evidenceKey, itemProposalEvent, itemUpdatedEvent, type EventItem, type NewEvent } from '../event-kinds.ts';
import type { FeedItem } from '../feed-types.ts';
import type { Proposal } from '../match/proposals.ts';
import type { FeedSpec } from './feed-list.ts';
import type { FeedTransaction, NewTrace } from './feed-store.ts';
import { textNote } from './full-text.ts';
import type { JudgeMode, UpdateSeen } from './item-identity.ts';
import type { CycleContext, PollSteps } from './poll-types.ts';

export interface Judging {
  tx: FeedTransaction;
  ctx: CycleContext;
  steps: PollSteps;
  feed: FeedSpec;
  kind: FeedKind;
  /** Traces are collected and written with the feed's items, at the end of its transaction. */
  traces: NewTrace[];
  /** Ids of the events recorded, in order. */
  eventIds: number[];
}

/** The item as events carry it. */
function eventItemOf(item: FeedItem): EventItem {
  return {
    title: item.title,
    link: item.link,
    published: item.published ?? null,
    ...(item.updated ? { updated: item.updated } : {}),
    ...(item.changeNote ? { changeNote: item.changeNote.note, changeNoteAt: item.changeNote.at } : {}),
  };
}

/** Matches one item, writes its traces, and (unless first fetch) its evidence, proposals and events. */
export async function judgeItem(j: Judging, item: FeedItem, mode: JudgeMode, update: UpdateSeen | undefined): Promise<void> {
  const { tx, ctx, feed, traces } = j;
  const at = j.steps.deps.clock.now().toISOString();
  const base = { feedId: feed.id, itemKey: item.key, link: item.link, at };
  const text = mode === 'first-fetch' ? undefined : textNote(item);
  if (text) traces.push({ ...base, stage: 'text', ...text });
  const results = ctx.engine.match(item, j.kind);
  const accepted = results.filter((r) => r.accepted && ctx.commitments.has(r.commitmentId));
  if (results.length === 0) {
    traces.push({ ...base, stage: 'match', decision: 'not-matched', detail: 'no watch term or linked bill of any commitment appears in it' });
  }
  for (const r of results) {
    // The matcher's own decision code (src/match/decision.ts): `why` labels every one of them.
    traces.push({ ...base, stage: 'match', decision: r.decision, commitmentId: r.commitmentId, score: r.score, matched: r.matched, detail: r.reason });
  }
  if (mode === 'first-fetch') {
    if (accepted.length > 0) {
      traces.push({ ...base, stage: 'post', decision: 'not-posted', detail: 'first fetch of the feed: every current item is recorded and nothing is posted' });
    }
    return;
  }
  if (accepted.length === 0) {
    traces.push({ ...base, stage: 'post', decision: 'not-posted', detail: results.length ? 'no commitment accepted it' : 'it matches no commitment' });
    return;
  }
  const eventItem = eventItemOf(item);
  const post = async (event: NewEvent, what: string): Promise<number | undefined> => {
    const { type, commitmentId, dedupeKey } = event;
    const id = await tx.recordEvent(event);
    if (id !== undefined) {
      j.eventIds.push(id);
      traces.push({ ...base, stage: 'post', decision: 'posted', commitmentId, eventId: id, detail: `posted as event ${id} (${type}${what ? `: ${what}` : ''})` });
    } else {
      const existing = await tx.eventIdByKey(dedupeKey);
      traces.push({
        ...base,
        stage: 'post',
        decision: 'already-posted',
        commitmentId,
        eventId: existing,
        detail: `already posted as event ${existing ?? '?'} (${type}), not again`,
      });
    }
    return id;
  };

  const newlyMatched: string[] = [];
  for (const r of accepted) {
    const commitment = ctx.commitments.get(r.commitmentId)!;
    const about = { commitment, feedId: feed.id, item: eventItem, match: r, at };
    const added = await tx.addEvidence({
      commitmentId: r.commitmentId,
      url: item.link,
      title: item.title,
      published: item.published ?? item.updated ?? null,
      source: feed.id,
      score: r.score,
      matched: r.matched,
      foundAt: at,
    });
    if (added && mode === 'update') {
      // An update is reported once, by the item-updated event below, which names this commitment too.
      newlyMatched.push(r.commitmentId);
      traces.push({
        ...base,
        stage: 'post',
        decision: 'recorded',
        commitmentId: r.commitmentId,
        detail: 'recorded as evidence; reported by the item-updated event of this update',
      });
    } else if (added) {
      await post(evidenceEvent(about), r.commitmentId);
    } else {
      const existing = await tx.eventIdByKey(evidenceKey(r.commitmentId, item.link));
      traces.push({
        ...base,
        stage: 'post',
        decision: 'already-posted',
        commitmentId: r.commitmentId,
        eventId: existing,
        detail: existing
          ? `already posted as event ${existing} (evidence), not again`
          : 'already evidence of this commitment (from the seed or another feed): not posted again',
      });
    }
    let proposals: Proposal[] = [];
    try {
      proposals = ctx.engine.propose(item, j.kind, commitment, r);
    } catch (error) {
      j.steps.logger.error({ err: error, feed: feed.id, item: item.link }, 'proposal rules failed');
    }
    for (const p of proposals) {
      traces.push({
        ...base,
        stage: 'proposal',
        decision: p.automatic ? 'automatic' : 'proposed',
        commitmentId: p.commitmentId,
        detail: `${commitment.status} → ${p.to} by rule ${p.rule}${p.automatic ? ' (automatic)' : ''}: ${p.reason}`,
      });
      const proposal = itemProposalEvent({
        ...about,
        commitment: { ...commitment, id: p.commitmentId },
        to: p.to,
        rule: p.rule,
        automatic: p.automatic,
        reason: p.reason,
      });
      const id = await post(proposal, `${p.to} by ${p.rule}`);
      if (id !== undefined && p.automatic) {
        await tx.addPendingChange({
          dedupeKey: proposal.dedupeKey,
          commitmentId: p.commitmentId,
          to: p.to,
          reason: p.reason,
          evidence: [item.link],
          actor: `rule:${p.rule}`,
          createdAt: at,
        });
        j.steps.queuedChange();
      }
    }
  }
  if (mode === 'update' && update) {
    const event = itemUpdatedEvent({
      feedId: feed.id,
      item: eventItem,
      version: update.version,
      previousUpdated: update.previousUpdated,
      stage: item.billStage,
      matches: accepted,
      newlyMatched,
      at,
    });
    await post(event, '');
  }
}
