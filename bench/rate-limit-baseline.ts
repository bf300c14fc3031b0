// The ceiling a fan-out is measured against: one message to each of 500 channels, sent at once through one
// discord.js REST client (its own pacing: 50 requests per second, read from the X-RateLimit-* headers and
// 429s), against the local fake Discord (127.0.0.1) with Discord's rate limits on (50 per sliding second,
// 5 messages per 5 s per channel). Posts per second, how many requests were answered 429, duplicates, lost.
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import { RateLimitedDiscord, type DeliveryFigures } from './support/rate-limited-discord.ts';

export const BASELINE_CHANNELS = 500;

export async function benchRateLimitBaseline(channels = BASELINE_CHANNELS): Promise<DeliveryFigures> {
  const discord = await RateLimitedDiscord.start({ channels });
  const rest = new REST({ api: discord.apiUrl, version: '10', timeout: 15_000 }).setToken(discord.token);
  try {
    const marker = (channelId: string) => `baseline post to ${channelId}`;
    discord.mark();
    await Promise.all(discord.channelIds.map((id) => rest.post(Routes.channelMessages(id), { body: { content: marker(id), allowed_mentions: { parse: [] } } })));
    return discord.figures({ expected: (id) => [marker(id)], markerOf: (m) => m.content });
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await discord.close();
  }
}

export function printRateLimitBaseline(f: DeliveryFigures): void {
  console.log(`\nDiscord rate limits — one message to each of ${f.posts} channels, one discord.js REST client, local fake Discord at 50 requests/s`);
  console.log(
    `  ${f.postsPerSecond.toFixed(1)} posts/s (ceiling 50) in ${f.seconds.toFixed(2)} s; ` +
      `429: ${f.limited} of ${f.requests} requests (${(f.limitedShare * 100).toFixed(2)}%; global ${f.limitedGlobal}, route ${f.limitedRoute}); ` +
      `duplicates ${f.duplicates}, lost ${f.lost}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printRateLimitBaseline(await benchRateLimitBaseline());
