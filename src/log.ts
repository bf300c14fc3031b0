// Structured logs with pino, to stderr so stdout stays for output. Secrets are redacted by path.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = ['token', '*.token', 'config.discord.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'commitment-watch' } }, destination as pino.DestinationStream);
}

export const silentLogger: Logger = pino({ level: 'silent' });
