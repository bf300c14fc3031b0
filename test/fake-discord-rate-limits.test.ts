// The local fake Discord's REST rate limits (opt-in): the global 50 requests per sliding second and the
// per-route buckets, first on the fake's injected clock with raw fetch, then with the real discord.js REST
// client, which must read the headers and 429s and still post every message exactly once.
import { REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions } from './support/fake-discord.ts';
import { fixedSnowflake } from './support/fake-discord/model.ts';

const fakes: FakeDiscord[] = [];
const rests: REST[] = [];
afterEach(async () => {
  for (const rest of rests.splice(0)) {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
  for (const f of fakes.splice(0)) await f.close();
});

const channels = (n: number) => Array.from({ length: n }, (_, i) => ({ id: fixedSnowflake(1_000_000 + i), name: `alerts-${i}` }));

async function started(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start(options);
  fakes.push(fake);
  return fake;
}

/** A clock the fake's rate limits read: it moves only when the test says so. */
function manualTime(start = Date.UTC(2026, 0, 5, 9)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), start };
}

function post(fake: FakeDiscord, channelId: string, content: string): Promise<Response> {
  return fetch(`${fake.apiUrl}/v10/channels/${channelId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
  });
}

function restFor(fake: FakeDiscord): REST {
  const rest = new REST({ api: fake.apiUrl, version: '10', timeout: 5_000 }).setToken(fake.token);
  rests.push(rest);
  return rest;
}

describe('global limit (injected clock)', () => {
  it('answers the 51st request within a second 429 global, and lets requests through as the sliding second moves on', async () => {
    const time = manualTime();
    const fake = await started({ channels: channels(80), rateLimits: { now: time.now } });
    const ids = fake.channels.map((c) => c.id);
    for (let i = 0; i < 50; i++) expect((await post(fake, ids[i]!, `m${i}`)).status).toBe(200);

    const refused = await post(fake, ids[50]!, 'one too many');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1, global: true });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-global')).toBe('true');
    expect(refused.headers.get('x-ratelimit-scope')).toBe('global');
    expect(fake.messagesIn(ids[50]!)).toEqual([]);

    // Interaction callbacks are not bound by the global limit: this one reaches its route (and is unknown).
    const callback = await fetch(`${fake.apiUrl}/v10/interactions/1/nope/callback`, {
      method: 'POST',
      body: '{"type":4}',
      headers: { 'content-type': 'application/json' },
    });
    expect(callback.status).toBe(404);

    // Sliding, not fixed: 1.0 s after the first 50 they have all left the window. 25 go at 1.0 s, 25 at
    // 1.9 s; at 2.0 s a window counted from 1.0 s would start afresh, but the 25 sent at 1.9 s still count.
    time.advance(1000);
    for (let i = 50; i < 75; i++) expect((await post(fake, ids[i]!, `m${i}`)).status).toBe(200);
    time.advance(900);
    for (let i = 0; i < 25; i++) expect((await post(fake, ids[i]!, `n${i}`)).status).toBe(200);
    time.advance(100);
    for (let i = 25; i < 50; i++) expect((await post(fake, ids[i]!, `n${i}`)).status).toBe(200);
    const late = await post(fake, ids[75]!, 'late');
    expect(late.status).toBe(429);
    expect(await late.json()).toMatchObject({ retry_after: 0.9, global: true });
    expect(fake.rateLimitStats()).toEqual({ requests: 128, limitedGlobal: 2, limitedRoute: 0 });
    expect(ids.flatMap((id) => fake.messagesIn(id)).length).toBe(125);
  });

  it('lets exactly 50 of a burst of 60 through and refuses the rest, which are not posted', async () => {
    const time = manualTime();
    const fake = await started({ channels: channels(60), rateLimits: { now: time.now } });
    const ids = fake.channels.map((c) => c.id);
    const answers = await Promise.all(ids.map((id) => post(fake, id, 'burst')));
    const refused = answers.filter((r) => r.status === 429);
    expect([answers.length - refused.length, refused.length]).toEqual([50, 10]);
    for (const r of refused) {
      expect(await r.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1, global: true });
      expect([r.headers.get('x-ratelimit-global'), r.headers.get('x-ratelimit-scope')]).toEqual(['true', 'global']);
    }
    expect(ids.filter((id) => fake.messagesIn(id).length === 1)).toHaveLength(50);
    expect(fake.rateLimitStats()).toEqual({ requests: 60, limitedGlobal: 10, limitedRoute: 0 });
  });

  it('is configurable, and off unless the fake is started with rate limits', async () => {
    const time = manualTime();
    const fake = await started({ channels: channels(12), rateLimits: { global: 10, now: time.now } });
    const ids = fake.channels.map((c) => c.id);
    const statuses = [];
    for (const id of ids) statuses.push((await post(fake, id, 'hello')).status);
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429, 429]);

    const unlimited = await started({ channels: channels(60) });
    for (const c of unlimited.channels) {
      const res = await post(unlimited, c.id, 'hello');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
    expect(unlimited.rateLimitStats()).toEqual({ requests: 0, limitedGlobal: 0, limitedRoute: 0 });
  });
});

describe('per-route buckets (injected clock)', () => {
  it("announces the channel's message bucket on every answer and refuses the 6th message within 5 s with a route 429", async () => {
    const time = manualTime();
    const fake = await started({ channels: channels(2), rateLimits: { now: time.now } });
    const [a, b] = fake.channels.map((c) => c.id) as [string, string];
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(fake, a, `m${i}`);
      seen.push([res.status, res.headers.get('x-ratelimit-remaining'), res.headers.get('x-ratelimit-reset-after')]);
      time.advance(500);
    }
    expect(seen).toEqual([
      [200, '4', '5.000'],
      [200, '3', '4.500'],
      [200, '2', '4.000'],
      [200, '1', '3.500'],
      [200, '0', '3.000'],
    ]);
    const sixth = await post(fake, a, 'sixth');
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toEqual({ message: 'You are being rate limited.', retry_after: 2.5, global: false });
    const bucket = sixth.headers.get('x-ratelimit-bucket');
    expect(bucket).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.fromEntries([...sixth.headers].filter(([k]) => k.startsWith('x-ratelimit') || k === 'retry-after'))).toEqual({
      'retry-after': '3',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': ((time.start + 5000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': '2.500',
      'x-ratelimit-bucket': bucket,
      'x-ratelimit-scope': 'user',
    });
    expect(fake.messagesIn(a).map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);

    // Another channel is another bucket (channel_id is the major parameter), with the same hash.
    const other = await post(fake, b, 'elsewhere');
    expect([other.status, other.headers.get('x-ratelimit-remaining'), other.headers.get('x-ratelimit-bucket')]).toEqual([200, '4', bucket]);
    // Once the bucket resets, the channel takes messages again; other routes have their own bucket.
    time.advance(2500);
    expect((await post(fake, a, 'after reset')).headers.get('x-ratelimit-remaining')).toBe('4');
    const get = await fetch(`${fake.apiUrl}/v10/channels/${a}`, { headers: { authorization: `Bot ${fake.token}` } });
    expect([get.status, get.headers.get('x-ratelimit-limit')]).toEqual([200, '10']);
    expect(get.headers.get('x-ratelimit-bucket')).not.toBe(bucket);
    expect(fake.rateLimitStats()).toMatchObject({ limitedGlobal: 0, limitedRoute: 1 });
  });
});

describe('the real discord.js REST client against the limits', () => {
  it('posts one message to each of 120 channels exactly once, pacing itself to the global limit', async () => {
    const fake = await started({ channels: channels(120), rateLimits: {} });
    const rest = restFor(fake);
    const ids = fake.channels.map((c) => c.id);
    const t0 = performance.now();
    await Promise.all(ids.map((id) => rest.post(Routes.channelMessages(id), { body: { content: `event 1 for ${id}`, allowed_mentions: { parse: [] } } })));
    const seconds = (performance.now() - t0) / 1000;

    for (const id of ids) expect(fake.messagesIn(id).map((m) => m.content)).toEqual([`event 1 for ${id}`]);
    const stats = fake.rateLimitStats();
    expect(stats.limitedRoute).toBe(0);
    expect(stats.requests).toBe(120 + stats.limitedGlobal);
    // discord.js keeps its own 50 per second (a window from its first request, plus a 50 ms margin) and sends
    // each window's 50 at once. A burst that takes more than 50 ms to arrive (connections still opening, a
    // busy machine) meets the next one inside the fake's sliding second, which refuses some of it: how many
    // depends on the machine (npm run bench measures it), but each is resent once, after its Retry-After.
    const refusedTwice = ids.filter((id) => fake.requests({ path: `/channels/${id}/messages` }).filter((r) => r.status === 429).length > 1);
    expect(refusedTwice).toEqual([]);
    expect(seconds).toBeGreaterThan(2); // 120 at 50 per second: three windows
  });

  it("waits out a channel's bucket from the headers alone, never drawing a 429", async () => {
    const fake = await started({ channels: channels(1), rateLimits: { routes: { 'POST /channels/:channelId/messages': { limit: 5, windowMs: 200 } } } });
    const rest = restFor(fake);
    const id = fake.channels[0]!.id;
    await Promise.all(Array.from({ length: 8 }, (_, i) => rest.post(Routes.channelMessages(id), { body: { content: `m${i}` } })));
    expect(fake.messagesIn(id).map((m) => m.content)).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`));
    expect(fake.rateLimitStats()).toEqual({ requests: 8, limitedGlobal: 0, limitedRoute: 0 });
  });

  it('waits out a route 429 it could not foresee and posts once', async () => {
    // A second client (another process) has used up the bucket: this one learns of it from the 429.
    const fake = await started({ channels: channels(1), rateLimits: { routes: { 'POST /channels/:channelId/messages': { limit: 5, windowMs: 200 } } } });
    const id = fake.channels[0]!.id;
    for (let i = 0; i < 5; i++) await post(fake, id, `other ${i}`);
    await restFor(fake).post(Routes.channelMessages(id), { body: { content: 'ours' } });
    expect(fake.messagesIn(id).map((m) => m.content)).toEqual(['other 0', 'other 1', 'other 2', 'other 3', 'other 4', 'ours']);
    expect(fake.rateLimitStats()).toEqual({ requests: 7, limitedGlobal: 0, limitedRoute: 1 });
  });
});
