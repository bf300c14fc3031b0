// Configuration from the environment (and an optional .env), validated once at start.
// Every problem is reported together, naming the variable and what was expected; values are
// never echoed, so a token cannot leak through an error message.
import { z } from 'zod';
import { exitWithConfigProblems } from './config-problem.ts';
import { parseDatabaseUrl, type StoreLocation } from './db/database.ts';
import { GOVUK_CONTENT_API } from './feeds/change-notes.ts';
import { LOG_FORMATS, type LogFormat } from './log.ts';
import { err, ok, type Result } from './result.ts';
import { parseShardPlan, type ShardPlan } from './shard-config.ts';
import { DEFAULT_GLOBAL_RATE } from './send-pacer.ts';
import { TimeZone } from './time-zone.ts';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, 'expected a Discord id: 17 to 20 digits');

const GLOBAL_RATE_MESSAGE = `expected requests per second above 0 (default ${DEFAULT_GLOBAL_RATE}; Discord allows 50 unless it raised the bot's limit)`;

const EnvSchema = z.object({
  DISCORD_TOKEN: optional(z.string().trim().min(20, 'expected a bot token from the Discord developer portal')),
  DISCORD_APPLICATION_ID: optional(snowflake),
  DISCORD_GUILD_ID: optional(snowflake),
  DISCORD_API_URL: optional(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL of a Discord REST API, such as https://discord.com/api' })),
  // Checked together in shard-config.ts (a list needs the count; ids below it, once each).
  DISCORD_SHARDS: optional(z.string()),
  DISCORD_SHARD_COUNT: optional(z.string()),
  DATABASE_URL: optional(z.string()),
  // PostgreSQL only: the connections one process may hold (each process has its own pool).
  DATABASE_POOL_SIZE: optional(
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'expected a whole number of connections from 1 to 1000 (default 10)')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, 'expected a whole number of connections from 1 to 1000 (default 10)'),
  ),
  // Requests per second to Discord for alerts and digests, shared by every process on the store (send-pacer.ts).
  DISCORD_GLOBAL_RATE: optional(
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, GLOBAL_RATE_MESSAGE)
      .transform(Number)
      .refine((n) => n > 0 && n <= 10_000, GLOBAL_RATE_MESSAGE),
  ),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'expected one of fatal, error, warn, info, debug, trace, silent',
    }),
  ),
  LOG_FORMAT: optional(z.enum(LOG_FORMATS, { message: 'expected json or pretty' })),
  TIMEZONE: optional(TimeZone),
  BOT_CONTACT: optional(
    z
      .string()
      .trim()
      .regex(/^(mailto:)?[^\s@]+@[^\s@]+\.[^\s@]+$|^https?:\/\/\S+$/, 'expected an email address or an http(s) URL where the operator can be reached'),
  ),
  FEEDS_FILE: optional(z.string()),
  // Lets feeds be fetched from loopback, private and link-local addresses (127.0.0.1, 10.x, 192.168.x, ::1…).
  // Off by default: feed URLs and their redirects come from outside, and fetching internal addresses is how
  // server-side request forgery starts. Turn it on for tests against a local server, or for feeds on a LAN.
  ALLOW_PRIVATE_FEED_ADDRESSES: optional(z.stringbool({ error: 'expected true or false' })),
  SEEDS_DIR: optional(z.string()),
  // Where the change notes of updated GOV.UK pages are read; `off` reports updates without them.
  GOVUK_CONTENT_API_URL: optional(
    z
      .string()
      .trim()
      .refine(
        (v) => v === 'off' || (/^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v)),
        'expected an http(s) URL of GOV.UK’s content API (such as https://www.gov.uk/api/content), or off',
      ),
  ), // The public tracker page (src/web/): where it listens, and the address people know it by.
  WEB_PORT: optional(
    z
      .string()
      .trim()
      .regex(/^(off|\d{1,5})$/, 'expected a port number from 0 to 65535, or off')
      .refine((v) => v === 'off' || Number(v) <= 65_535, 'expected a port number from 0 to 65535, or off'),
  ),
  WEB_HOST: optional(
    z
      .string()
      .trim()
      .regex(/^[\w.:[\]-]+$/, 'expected a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0'),
  ),
  PUBLIC_URL: optional(
    z
      .string()
      .trim()
      .refine(
        (v) => /^https?:\/\/[^\s/?#]+/.test(v) && URL.canParse(v) && !/[?#]/.test(v),
        'expected the http(s) address the tracker page is published at, such as https://tracker.example.org (no query or fragment)',
      ),
  ),
});

export interface Config {
  discord?:
    | {
        token: string;
        applicationId?: string | undefined;
        guildId?: string | undefined;
        apiUrl?: string | undefined;
        /** DISCORD_SHARDS / DISCORD_SHARD_COUNT; unset, this process holds every shard (discord.js's default). */
        shards?: ShardPlan | undefined;
      }
    | undefined;
  /** The Discord settings present even without a token (deploy-commands checks its own needs). */
  discordApplicationId?: string | undefined;
  discordGuildId?: string | undefined;
  discordApiUrl?: string | undefined;
  store: StoreLocation;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_FORMAT: json or pretty; unset, logs are pretty on a terminal and JSON when piped. */
  logFormat?: LogFormat | undefined;
  timeZone: string;
  botContact?: string | undefined;
  feedsFile?: string | undefined;
  /** ALLOW_PRIVATE_FEED_ADDRESSES: fetch feeds from non-public addresses too (default false). */
  allowPrivateFeedAddresses: boolean;
  /** The seed folder (with registers/ inside); default: the project's seeds/. */
  seedsDir?: string | undefined;
  /** GOVUK_CONTENT_API_URL: the content API base for change notes; null when `off`. */
  govukContentApiUrl: string | null;
  /** WEB_PORT and WEB_HOST: where the tracker page listens; null when WEB_PORT is `off`. */
  web: { port: number; host: string } | null;
  /** PUBLIC_URL without a trailing slash: links in alerts, digests and /commitment show point there. */
  publicUrl?: string | undefined;
  /** DISCORD_GLOBAL_RATE: alert and digest requests per second to Discord, across every process on the store. */
  discordGlobalRate: number;
}

export const DEFAULT_WEB_PORT = 8080;

export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Result<Config, string[]> {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);
  }
  const poolSize = parsed.success ? parsed.data.DATABASE_POOL_SIZE : undefined;
  const store = parseDatabaseUrl(typeof env.DATABASE_URL === 'string' ? env.DATABASE_URL : undefined, cwd, poolSize);
  if (!store.ok) problems.push(`DATABASE_URL: ${store.error}`);
  const shards = parseShardPlan(stringOf(env.DISCORD_SHARDS), stringOf(env.DISCORD_SHARD_COUNT));
  if (!shards.ok) problems.push(...shards.error);
  if (!parsed.success || !store.ok || !shards.ok) return err(problems);
  const e = parsed.data;
  // Discord's API base without a trailing slash: discord.js appends /v10/... to it.
  const apiUrl = e.DISCORD_API_URL?.replace(/\/+$/, '');
  return ok({
    discord: e.DISCORD_TOKEN
      ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl, shards: shards.value }
      : undefined,
    discordApplicationId: e.DISCORD_APPLICATION_ID,
    discordGuildId: e.DISCORD_GUILD_ID,
    discordApiUrl: apiUrl,
    store: store.value,
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: e.LOG_FORMAT,
    timeZone: e.TIMEZONE ?? 'Europe/London',
    botContact: e.BOT_CONTACT,
    feedsFile: e.FEEDS_FILE,
    allowPrivateFeedAddresses: e.ALLOW_PRIVATE_FEED_ADDRESSES ?? false,
    seedsDir: e.SEEDS_DIR,
    govukContentApiUrl: e.GOVUK_CONTENT_API_URL === 'off' ? null : (e.GOVUK_CONTENT_API_URL ?? GOVUK_CONTENT_API),
    web: e.WEB_PORT === 'off' ? null : { port: Number(e.WEB_PORT ?? DEFAULT_WEB_PORT), host: e.WEB_HOST ?? '127.0.0.1' },
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    discordGlobalRate: e.DISCORD_GLOBAL_RATE ?? DEFAULT_GLOBAL_RATE,
  });
}

const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Loads config for a process, or prints every problem and exits with code 2 (no stack trace). */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(env);
  if (config.ok) return config.value;
  return exitWithConfigProblems(config.error);
}
