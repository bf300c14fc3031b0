// What the posting tests stage in a store before a poster runs: channels subscribed to every alert at once,
// and evidence events waiting in the outbox.
import type { App } from '../../src/app.ts';

/** Subscribes each channel to every alert, posted immediately (created before the events recorded). */
export async function subscribeImmediately(app: Pick<App, 'subscriptions'>, guildId: string, channelIds: string[]): Promise<void> {
  for (const channelId of channelIds) {
    await app.subscriptions.upsert(
      {
        guildId,
        channelId,
        frequency: 'immediately',
        timeZone: 'Europe/London',
        filters: { commitments: [], departments: [], themes: [], statuses: [] },
        createdBy: 'test',
      },
      '2024-06-01T11:00:00.000Z',
    );
  }
}

/** Records evidence events numbered from..from+count-1 (dedupe keys `${keyPrefix}${i}`); their ids in order. */
export async function recordEvidenceEvents(
  app: Pick<App, 'outbox'>,
  options: { from?: number; count: number; keyPrefix?: string; createdAt?: string },
): Promise<number[]> {
  const { from = 0, count, keyPrefix = 'e', createdAt = '2024-06-01T12:00:00.000Z' } = options;
  const ids: number[] = [];
  for (let i = from; i < from + count; i++) {
    const id = await app.outbox.record({
      type: 'evidence',
      commitmentId: 'modern-slavery-penalties',
      payload: { commitment: 'modern-slavery-penalties', item: { title: `Item ${i}`, link: `https://www.gov.uk/i${i}` }, feed: 'govuk' },
      dedupeKey: `${keyPrefix}${i}`,
      createdAt,
    });
    ids.push(id!);
  }
  return ids;
}
