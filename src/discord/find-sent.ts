// Looking for a message the bot may already have sent (a crash, a timeout, a stop between the send and
// recording it) before sending again. Discord ids carry their creation time, so the search starts at the
// attempt's own time (less the clock skew allowed) and pages forward until it has seen messages created
// after the attempt could have landed, however busy the channel was in the minute before it.
import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import { CLOCK_SKEW_MS, snowflakeAt } from './snowflake.ts';

/** How far past the attempt a message of ours could still be created: the skew plus a slow request. */
const LATEST_LANDING_MS = CLOCK_SKEW_MS + 60_000;
/** Pages of 100 at most (a runaway channel must not turn one lookup into thousands of requests). */
const MAX_PAGES = 10;

const DISCORD_EPOCH_MS = 1_420_070_400_000;
const createdAt = (id: string): number => Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;

export type Lookup = { found: APIMessage } | { found: undefined; unreadable?: true };

/**
 * The first message matching `isOurs` among those created from `sinceIso` (less the skew) to well after it.
 * A 403 (no Read Message History) is `unreadable`: the caller relies on the nonce. Other errors are thrown.
 */
export async function findSentMessage(rest: REST, channelId: string, sinceIso: string, isOurs: (m: APIMessage) => boolean): Promise<Lookup> {
  const since = Date.parse(sinceIso);
  let after = snowflakeAt(since - CLOCK_SKEW_MS);
  for (let page = 0; page < MAX_PAGES; page++) {
    let messages: APIMessage[];
    try {
      messages = (await rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: '100', after }) })) as APIMessage[];
    } catch (error) {
      if (error instanceof DiscordAPIError && error.status === 403) return { found: undefined, unreadable: true };
      throw error;
    }
    const found = messages.find(isOurs);
    if (found) return { found };
    if (messages.length < 100) break;
    // Newest first: the next page starts after the newest seen, unless that is already past the window.
    const newest = messages.reduce((a, m) => (BigInt(m.id) > BigInt(a.id) ? m : a));
    if (createdAt(newest.id) > since + LATEST_LANDING_MS) break;
    after = newest.id;
  }
  return { found: undefined };
}
