// One bot process of the fan-out benchmark (bench/fanout.ts): the real alert poster or the real digest
// service, on the store at DATABASE_URL, posting through a delivery REST client to the local fake Discord
// (127.0.0.1) — paced by the shared schedule (as the bot is) or, for the baseline, by discord.js alone.
// It says "ready" on stdout once started; alerts: it posts every event recorded after that; digests: it
// runs the digest pass at `digestAt` when it reads "go" on stdin. It exits 0 when nothing is left to do.
// argv: <alerts|digests> <DATABASE_URL> <API URL> <token> <shared|alone> <seeds dir> [digestAt] [runs expected]
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp } from '../../src/app.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { discordSender } from '../../src/discord/digest-sender.ts';
import { pacedRest } from '../../src/discord/paced-request.ts';
import { startPoster } from '../../src/discord/poster.ts';
import { DIGEST_JOB, DigestService } from '../../src/digest/digest-service.ts';
import { minuteSlot } from '../../src/cron.ts';
import { silentLogger } from '../../src/log.ts';
import { discordPacer } from '../../src/send-pacer.ts';

const [mode, databaseUrl, apiUrl, token, pacing, seedsDir, digestAt, expectedRuns] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', GOVUK_CONTENT_API_URL: 'off', WEB_PORT: 'off' });
if (!config.ok) throw new Error(config.error.join('; '));
const app = await openApp(config.value, systemClock, { seedsDir });
const pacer = pacing === 'shared' ? discordPacer(app.sendSlots, config.value.discordGlobalRate) : undefined;
// The bot's delivery REST: no resend of its own (a resend follows a look); 429s are waited out by discord.js.
const rest = pacedRest({ api: apiUrl, retries: 0, timeout: 15_000 }, pacer).setToken(token);

async function finish(code: number): Promise<never> {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await app.close();
  process.exit(code);
}

if (mode === 'alerts') {
  const poster = await startPoster({ app, rest, subscriptions: app.subscriptions, logger: silentLogger, intervalMs: 0 });
  const before = await app.outbox.newestId();
  process.stdout.write('ready\n');
  for (;;) {
    await poster.flush();
    const newest = await app.outbox.newestId();
    if (newest > before && (await app.deliveries.cursor()) === newest && (await app.deliveries.unresolved()).length === 0) await finish(0);
    await sleep(20);
  }
} else {
  // As the bot's digest service: one process records the minute's runs (its firing); every process sends.
  const takeFiring = (at: Date) => app.schedulers.take(DIGEST_JOB, minuteSlot(at), app.processId, at.toISOString());
  const sender = discordSender({ rest }, app.subscriptions, systemClock);
  const service = new DigestService({ app, subscriptions: app.subscriptions, sender, clock: systemClock, owner: app.processId, takeFiring });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  const at = new Date(digestAt ?? Date.now());
  for (;;) {
    const report = await service.tick(at);
    if (report.failed.length) process.stderr.write(`${report.failed.length} digests failed: ${report.failed[0]?.error}\n`);
    // Done when nothing is pending and every subscription's run is recorded (another process may still be recording).
    if ((await app.digestRuns.pending()).length === 0 && (await app.digestRuns.list()).length >= Number(expectedRuns)) await finish(0);
    await sleep(20);
  }
}
