// Structured logs with pino, to stderr so stdout stays for output. Secrets are redacted by path, and every
// line is scrubbed on its way out: interaction tokens (they sit in the URL of a failed interaction reply,
// and let anyone post as the app for 15 minutes) and any secret the caller names (the bot token).
// On a terminal they are printed readably (pino-pretty, in this thread: no worker); piped, or with
// LOG_FORMAT=json, they stay one JSON object a line, as log collectors expect.
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = ['token', '*.token', 'config.discord.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'];

const INTERACTION_TOKEN = /(\/(?:interactions|webhooks)\/\d{5,}\/)[A-Za-z0-9_.~%-]{20,}/g;

/** Text with interaction tokens and the given secrets replaced by [redacted]. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(INTERACTION_TOKEN, '$1[redacted]');
  for (const secret of secrets) if (secret.length >= 8) out = out.replaceAll(secret, '[redacted]');
  return out;
}

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** LOG_FORMAT when set; otherwise readable on a terminal and JSON when piped. */
export const chooseLogFormat = (setting: LogFormat | undefined, isTTY: boolean | undefined): LogFormat => setting ?? (isTTY === true ? 'pretty' : 'json');

export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
  format: LogFormat = 'json',
  secrets: readonly string[] = [],
): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'commitment-watch' } };
  // Every line is scrubbed on its way out, pretty or not.
  const scrubbed = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      destination.write(scrubSecrets(chunk.toString(), secrets));
      done();
    },
  });
  if (format === 'json') return pino(options, scrubbed);
  // Loaded only when asked for, so a JSON-logging process never holds it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const colorize = 'isTTY' in destination && destination.isTTY === true && !('NO_COLOR' in process.env);
  return pino(options, pretty({ destination: scrubbed, sync: true, colorize, singleLine: true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss' }));
}

export const silentLogger: Logger = pino({ level: 'silent' });
