import { describe, expect, it } from 'vitest';
import {
  deadlineProposalEvent,
  evidenceEvent,
  feedHealthEvent,
  feedWarningEvent,
  itemProposalEvent,
  itemUpdatedEvent,
  overdueEvent,
  parseStoredEvent,
  readableEvents,
  statusChangeEvent,
  type EventRow,
  type NewEvent,
} from '../src/event-kinds.ts';
import { eventHeadline } from '../src/event-text.ts';

const AT = '2024-06-01T12:00:00.000Z';
const commitment = { id: 'modern-slavery-penalties', title: 'Civil penalties under the Modern Slavery Act', status: 'stalled' as const };
const item = { title: 'Penalties consultation', link: 'https://www.gov.uk/p', published: null };
const match = { score: 3, matched: ['modern slavery'], reason: 'score 3.0 ≥ 2.0' };

/** An event as the outbox stores it: a row with its payload as JSON. */
function row(event: NewEvent, id = 1): EventRow {
  return {
    id,
    type: event.type,
    commitment_id: event.commitmentId ?? null,
    feed_id: event.feedId ?? null,
    payload: JSON.stringify(event.payload),
    dedupe_key: event.dedupeKey,
    created_at: event.createdAt,
  };
}

const every: NewEvent[] = [
  evidenceEvent({ commitment, feedId: 'govuk', item, match, at: AT }),
  itemProposalEvent({ commitment, feedId: 'govuk', item, match, to: 'in-progress', rule: 'bill-progress', automatic: false, reason: 'reached 2nd reading', at: AT }),
  deadlineProposalEvent({ commitment, to: 'abandoned', automatic: true, reason: 'the deadline passed', deadline: '2024-05-31', at: AT }),
  statusChangeEvent(commitment.id, { id: 7, at: AT, from: 'stalled', to: 'in-progress', reason: 'Bill', evidence: [], actor: 'seed', recordedAt: AT }),
  itemUpdatedEvent({ feedId: 'govuk', item, version: 'v2', previousUpdated: null, matches: [{ commitmentId: commitment.id, ...match }], newlyMatched: [], at: AT }),
  feedHealthEvent({ id: 'bills', url: 'https://example.org/bills' }, { health: 'failing', previous: 'healthy', change: 'failing', reason: 'HTTP 503' }, AT),
  feedWarningEvent({ id: 'bills', url: 'https://example.org/bills' }, 'healthy', ['an invalid date'], AT),
  overdueEvent({ ...commitment, deadlineDate: '2024-05-31', deadlineText: 'by May' }, '2024-06-01', AT),
];

describe('event kinds', () => {
  it('every kind its builder makes is read back as it was written', () => {
    for (const [i, event] of every.entries()) {
      const read = parseStoredEvent(row(event, i + 1));
      expect(read).toEqual({ ok: true, value: { ...event, id: i + 1 } });
    }
  });

  it('a builder computes its dedupe key beside it: the same event twice has one key, another occasion another', () => {
    const again = evidenceEvent({ commitment, feedId: 'other-feed', item, match, at: '2024-06-02T00:00:00.000Z' });
    expect(again.dedupeKey).toBe(every[0]!.dedupeKey);
    expect(evidenceEvent({ commitment, feedId: 'govuk', item: { ...item, link: 'https://www.gov.uk/q' }, match, at: AT }).dedupeKey).not.toBe(again.dedupeKey);
    expect(feedWarningEvent({ id: 'bills', url: 'u' }, 'healthy', ['b', 'a'], AT).dedupeKey).toBe(
      feedWarningEvent({ id: 'bills', url: 'u' }, 'healthy', ['a', 'b'], AT).dedupeKey,
    );
    expect(new Set(every.map((e) => e.dedupeKey)).size).toBe(every.length);
  });

  it('an unreadable row is a result that says which event and why, never a throw', () => {
    const good = row(every[0]!, 1);
    expect(parseStoredEvent({ ...good, payload: '{not json' })).toEqual({ ok: false, error: 'event 1: the payload is not JSON' });
    expect(parseStoredEvent({ ...good, type: 'retired-kind' })).toMatchObject({ ok: false, error: expect.stringMatching(/^event 1 \(retired-kind\)/) });
    const noStatus = row(every[3]!, 4);
    const payload = JSON.parse(noStatus.payload) as Record<string, unknown>;
    delete payload.to;
    expect(parseStoredEvent({ ...noStatus, payload: JSON.stringify(payload) })).toMatchObject({ ok: false, error: expect.stringContaining('payload.to') });
  });

  it('readers get the readable events in order; each unreadable one is reported and skipped', () => {
    const rows = [row(every[0]!, 1), { ...row(every[5]!, 2), payload: '{"health":"on fire"}' }, row(every[7]!, 3)];
    const reported: [number, string][] = [];
    const events = readableEvents(rows, (id, problem) => reported.push([id, problem]));
    expect(events.map((e) => e.id)).toEqual([1, 3]);
    expect(reported).toEqual([[2, expect.stringContaining('event 2 (feed-health)')]]);
    expect(events.map(eventHeadline)).toEqual([
      'New evidence [modern-slavery-penalties]: “Penalties consultation”',
      'Overdue [modern-slavery-penalties]: the deadline 2024-05-31 has passed',
    ]);
  });

  it('rows written before this version, with fewer fields, are still read', () => {
    const old: EventRow = {
      id: 9,
      type: 'status-proposal',
      commitment_id: commitment.id,
      feed_id: null,
      payload: JSON.stringify({ commitment: commitment.id, from: 'stalled', to: 'in-progress', rule: 'bill-progress', reason: 'Bill', item }),
      dedupe_key: 'p1',
      created_at: AT,
    };
    expect(parseStoredEvent(old)).toMatchObject({ ok: true, value: { type: 'status-proposal', payload: { to: 'in-progress', item } } });
  });
});
