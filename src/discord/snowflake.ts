// Discord ids encode their creation time, so "messages after a moment" is a query Discord can answer:
// how the bot looks for a post it may have sent just before a crash, however many messages came later.

const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** How far our clock may be ahead of Discord's when looking for a message we may have sent. */
export const CLOCK_SKEW_MS = 60_000;

/** The smallest snowflake of a moment: messages after it were created at or after that time. */
export function snowflakeAt(ms: number): string {
  return String(BigInt(Math.max(0, Math.floor(ms) - DISCORD_EPOCH_MS)) << 22n);
}

/** The query for the 100 messages posted in a channel just after `sinceIso` (less the clock skew). */
export function messagesAfterQuery(sinceIso: string): URLSearchParams {
  return new URLSearchParams({ limit: '100', after: snowflakeAt(Date.parse(sinceIso) - CLOCK_SKEW_MS) });
}
