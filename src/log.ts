// Structured logs with pino, to stderr so stdout stays for output. Secrets are redacted by path, and every
// line is scrubbed on its way out: interaction tokens (they sit in the URL of a failed interaction reply,
// and let anyone post as the app for 15 minutes) and any secret the caller names (the bot token).
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

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr, secrets: readonly string[] = []): Logger {
  const scrubbed = { write: (line: string) => destination.write(scrubSecrets(line, secrets)) };
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'commitment-watch' } }, scrubbed);
}

export const silentLogger: Logger = pino({ level: 'silent' });
