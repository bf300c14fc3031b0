// The delivery benchmarks' harness counts what the fan-out figures are judged by: posts since mark(),
// duplicates (a marker twice in one channel), lost (an expected marker missing), and the 429 share.
import { afterEach, expect, it } from 'vitest';
import { RateLimitedDiscord } from '../bench/support/rate-limited-discord.ts';

let discord: RateLimitedDiscord | undefined;
afterEach(async () => {
  await discord?.close();
  discord = undefined;
});

function post(d: RateLimitedDiscord, channelId: string, nonce: string): Promise<Response> {
  return fetch(`${d.apiUrl}/v10/channels/${channelId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bot ${d.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'Commitment C-12 moved', nonce, allowed_mentions: { parse: [] } }),
  });
}

it('counts posts, duplicates, lost deliveries and 429s from mark()', async () => {
  let now = Date.UTC(2026, 0, 5, 9);
  const d = (discord = await RateLimitedDiscord.start({ channels: 3, rateLimits: { global: 4, now: () => now } }));
  const [a, b, c] = d.channelIds as [string, string, string];
  expect((await post(d, c, 'before the mark')).status).toBe(200);
  now += 1000;
  d.mark();
  const statuses = [];
  for (const [channel, nonce] of [
    [a, 'event-1'],
    [a, 'event-1'],
    [b, 'event-1'],
    [b, 'event-2'],
    [c, 'event-1'],
  ] as const)
    statuses.push((await post(d, channel, nonce)).status);
  await d.waitForPosts(4, 1_000);

  expect(statuses).toEqual([200, 200, 200, 200, 429]);
  expect(d.figures({ expected: () => ['event-1'] })).toMatchObject({
    posts: 4,
    duplicates: 1, // event-1 twice in a
    lost: 1, // event-1 never reached c (refused, not resent); event-2 in b was not expected
    requests: 5,
    limited: 1,
    limitedGlobal: 1,
    limitedRoute: 0,
    limitedShare: 0.2,
  });
});
