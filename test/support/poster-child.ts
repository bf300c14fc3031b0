// A child process running the real poster against the local fake Discord until nothing is left to post.
// The kill -9 test starts it again and again and kills it (SIGKILL) in the middle of posting.
// argv: <database file> <fake Discord API URL> <bot token> <seeds dir> [<n> <ms>: every n-th post waits ms in
// this process's REST queue before it goes, as discord.js's queue holds requests behind a rate limit]
import { REST } from 'discord.js';
import { openApp } from '../../src/app.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { startPoster, type PosterDeps } from '../../src/discord/poster.ts';
import { silentLogger } from '../../src/log.ts';

const [databaseFile, apiUrl, token, seedsDir, queueEvery, queueMs] = process.argv.slice(2) as [string, string, string, string, string?, string?];
const config = loadConfig({ DATABASE_URL: databaseFile, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off' });
if (!config.ok) throw new Error(config.error.join('; '));
const app = await openApp(config.value, systemClock, { seedsDir });
const rest = new REST({ api: apiUrl, retries: 0, timeout: 2_000 }).setToken(token);
if (queueEvery && queueMs) {
  const post = rest.post.bind(rest);
  let posts = 0;
  rest.post = async (route, options) => {
    if (++posts % Number(queueEvery) === 0) await new Promise((resolve) => setTimeout(resolve, Number(queueMs)));
    if (options?.signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
    return post(route, options);
  };
}
const deps = {
  app,
  rest,
  subscriptions: app.subscriptions,
  logger: silentLogger,
  backoff: { baseMs: 10, maxMs: 50 },
  // The process before this one was killed: its claims expire half a second after its last renewal (well
  // before this process is up), so its sends are looked for at once.
  claimMs: 500,
} satisfies PosterDeps;
const poster = await startPoster(deps);
for (let round = 0; round < 200; round++) {
  await poster.flush();
  const open = (await app.deliveries.unresolved()).length;
  if (open === 0 && (await app.deliveries.cursor()) === (await app.outbox.newestId())) {
    await app.close();
    process.exit(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.exit(1);
