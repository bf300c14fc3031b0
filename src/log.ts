// Structured logs with pino, to stderr so stdout stays for output. Secrets are redacted by path.
// On a terminal they are printed readably (pino-pretty, in this thread: no worker); piped, or with
// LOG_FORMAT=json, they stay one JSON object a line, as log collectors expect.
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = ['token', '*.token', 'config.discord.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** LOG_FORMAT when set; otherwise readable on a terminal and JSON when piped. */
export const chooseLogFormat = (setting: LogFormat | undefined, isTTY: boolean | undefined): LogFormat => setting ?? (isTTY === true ? 'pretty' : 'json');

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr, format: LogFormat = 'json'): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'commitment-watch' } };
  if (format === 'json') return pino(options, destination as pino.DestinationStream);
  // Loaded only when asked for, so a JSON-logging process never holds it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const colorize = 'isTTY' in destination && destination.isTTY === true && !('NO_COLOR' in process.env);
  return pino(options, pretty({ destination, sync: true, colorize, singleLine: true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss' }));
}

export const silentLogger: Logger = pino({ level: 'silent' });
