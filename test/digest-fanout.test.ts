// A weekly digest to many channels: the digest is built once for the channels that share filters and a
// window, and each channel's messages still carry their own part markers (what finds a post after a crash).
import { afterEach, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { DigestService } from '../src/digest/digest-service.ts';
import { ok } from '../src/result.ts';
import { openMiniApp } from './support/register.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

it('channels sharing filters get one build of the digest, each with its own markers; other filters their own digest', async () => {
  app = await openMiniApp('2022-12-01T00:00:00Z');
  for (const link of ['https://example.org/penalties', 'https://example.org/export']) {
    const commitmentId = link.endsWith('penalties') ? 'modern-slavery-penalties' : 'report-export-controls-review';
    await app.outbox.record({
      type: 'evidence',
      commitmentId,
      payload: { commitment: commitmentId, feed: 'govuk', item: { title: `News on ${commitmentId}`, link } },
      dedupeKey: link,
      createdAt: '2022-12-07T10:00:00.000Z',
    });
  }
  const base = { guildId: '100000000000000001', timeZone: 'Europe/London', createdBy: 'discord:1', frequency: 'off' as const };
  for (const channelId of ['200000000000000001', '200000000000000002']) await app.subscriptions.upsert({ ...base, channelId }, '2022-12-01T00:00:00.000Z');
  await app.subscriptions.upsert(
    { ...base, channelId: '200000000000000003', filters: { commitments: ['modern-slavery-penalties'], departments: [], themes: [], statuses: [] } },
    '2022-12-01T00:00:00.000Z',
  );
  let builds = 0;
  const outbox = app.outbox;
  const inWindow: typeof outbox.inWindow = (...a) => (builds++, outbox.inWindow(...a));
  const counted = { ...app, outbox: Object.assign(Object.create(outbox) as typeof outbox, { inWindow }) };
  const sender = { send: () => Promise.resolve(ok({ messageIds: ['1'] })) };
  const report = await new DigestService({ app: counted, subscriptions: app.subscriptions, sender, clock: app.clock }).tick(new Date('2022-12-12T09:00:30Z'));

  expect(report.recorded).toHaveLength(3);
  expect(builds).toBe(2);
  const footers = report.recorded.map((r) => r.messages.at(-1)!.embeds.at(-1)!.footer!.text);
  expect(new Set(footers).size).toBe(3);
  const text = (channel: string) =>
    JSON.stringify(report.recorded.find((r) => r.channelId === channel)!.messages.map((m) => m.embeds.map((e) => e.fields ?? e.description)));
  expect(text('200000000000000001')).toBe(text('200000000000000002'));
  expect(text('200000000000000001')).toContain('example.org/export');
  expect(text('200000000000000003')).toContain('example.org/penalties');
  expect(text('200000000000000003')).not.toContain('example.org/export');
});
