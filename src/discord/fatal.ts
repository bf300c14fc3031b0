// What ends the bot on purpose: Discord refusing it for good. One rule for every path — a 401 on any
// REST request (discord.js then drops the token, and every later request fails locally), a gateway
// closed with 4004, or a gateway close discord.js will not recover from (4010–4014) — one error-level
// line naming the cause and what to do, then a non-zero exit so a supervisor or a person sees it.
import { DiscordAPIError, GatewayCloseCodes, RESTEvents, type REST } from 'discord.js';
import { DiscordRefused } from './refused.ts';

export const TOKEN_REJECTED =
  'Discord rejected the bot token: it was reset or revoked. Reset it in the developer portal (Bot → Reset Token), set DISCORD_TOKEN to the new token, and start the bot again.';

export type OnFatal = (problem: DiscordRefused) => void;

const GATEWAY_CAUSES: Partial<Record<number, string>> = {
  [GatewayCloseCodes.InvalidShard]: 'the shard settings are invalid (check DISCORD_SHARDS and DISCORD_SHARD_COUNT)',
  [GatewayCloseCodes.ShardingRequired]:
    'the bot is in too many servers for one shard: sharding is required (set DISCORD_SHARDS=auto, or split the shards between processes with DISCORD_SHARDS and DISCORD_SHARD_COUNT)',
  [GatewayCloseCodes.InvalidAPIVersion]: 'the gateway API version is invalid (is DISCORD_API_URL a Discord API?)',
  [GatewayCloseCodes.InvalidIntents]: 'the gateway intents are invalid',
  [GatewayCloseCodes.DisallowedIntents]: 'an intent the bot asked for is not enabled for the application in the developer portal',
};

/** The problem a gateway close code means, or undefined when discord.js reconnects after it. */
export function gatewayCloseProblem(code: number): DiscordRefused | undefined {
  if (code === Number(GatewayCloseCodes.AuthenticationFailed)) return new DiscordRefused(`${TOKEN_REJECTED} (gateway close 4004)`, code);
  const cause = GATEWAY_CAUSES[code];
  return cause ? new DiscordRefused(`Discord closed the gateway for good (${code}): ${cause}. The bot cannot run until that is fixed.`, code) : undefined;
}

// A close for good while logging in rejects login() with @discordjs/ws's error, before discord.js reports
// the close code (ShardDisconnect): its messages, mapped back to the codes.
const LOGIN_CLOSE_ERRORS: Record<string, number> = {
  'Invalid shard': GatewayCloseCodes.InvalidShard,
  'Sharding is required': GatewayCloseCodes.ShardingRequired,
  'Used an invalid API version': GatewayCloseCodes.InvalidAPIVersion,
  'Used invalid intents': GatewayCloseCodes.InvalidIntents,
  'Used disallowed intents': GatewayCloseCodes.DisallowedIntents,
};

/** The problem a login() rejection means when the gateway closed for good, else undefined. */
export function loginCloseProblem(error: unknown): DiscordRefused | undefined {
  const code = error instanceof Error ? LOGIN_CLOSE_ERRORS[error.message] : undefined;
  return code === undefined ? undefined : gatewayCloseProblem(code);
}

/** True for a 401, and for discord.js's local error on every request after one (it drops the token). */
export function isAuthFailure(error: unknown): boolean {
  if (error instanceof DiscordRefused) return error.code === 401 || error.code === Number(GatewayCloseCodes.AuthenticationFailed);
  if (error instanceof DiscordAPIError) return error.status === 401;
  return error instanceof Error && error.message.startsWith('Expected token to be set for this request');
}

export const tokenRejected = (): DiscordRefused => new DiscordRefused(`${TOKEN_REJECTED} (HTTP 401)`, 401);

/** Calls onFatal once when any authenticated request through `rest` is answered 401. */
export function watchForRejectedToken(rest: REST, onFatal: OnFatal): void {
  rest.on(RESTEvents.Response, (request, response) => {
    if (response.status === 401 && request.data.auth !== false) onFatal(tokenRejected());
  });
}
