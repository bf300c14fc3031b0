// Test helpers for end-to-end Discord tests: the local fake Discord, a config pointing the app at it,
// and the app with the real discord.js front end started the way every such test starts it.
import { openApp, type App } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import type { Config } from '../../src/config.ts';
import { startDiscord, type DiscordDeps, type DiscordFrontEnd } from '../../src/discord/client.ts';
import { silentLogger } from '../../src/log.ts';
import { FakeDiscord } from './fake-discord.ts';
import { MINI_SEEDS, testConfig } from './register.ts';

export const DISCORD_TOKEN = 'fake-bot-token-for-commitment-watch-tests';

/** The fake Discord the bot logs into, with a short heartbeat so tests do not wait on it. */
export const startFakeDiscord = (): Promise<FakeDiscord> => FakeDiscord.start({ token: DISCORD_TOKEN, heartbeatIntervalMs: 200 });

/** A config for the fake Discord's application and guild, storing in `databaseUrl`; `env` adds to it. */
export function discordTestConfig(fake: FakeDiscord, databaseUrl: string, env: NodeJS.ProcessEnv = {}): Config {
  return testConfig({
    DISCORD_TOKEN: DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    DATABASE_URL: databaseUrl,
    ...env,
  });
}

/** Opens the app on the mini register and starts the Discord front end (no poster timer, a 1 s delivery timeout). */
export async function openDiscordApp(config: Config, clock: Clock, deps: Partial<DiscordDeps> = {}): Promise<{ app: App; bot: DiscordFrontEnd }> {
  const app = await openApp(config, clock, { seedsDir: MINI_SEEDS });
  const bot = await startDiscord(app, { logger: silentLogger, posterIntervalMs: 0, deliveryTimeoutMs: 1_000, readyTimeoutMs: 5_000, ...deps });
  return { app, bot };
}
