// The Discord front end: a discord.js Client (Guilds intent only, small caches, nobody mentioned by
// default), the interaction router, and the poster. discord.js reconnects and resumes on its own after
// a recoverable close; a refused token or an unrecoverable close is handed to onFatal (fatal.ts).
import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits, Options, type ClientOptions, type Interaction, type REST } from 'discord.js';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { ShardPlan } from '../shard-config.ts';
import type { ButtonHandler, CommandContext, CommandModule } from './command.ts';
import { ID_SEP } from './command.ts';
import { loadCommands } from './command-loader.ts';
import type { BackoffPolicy } from './channel-backoff.ts';
import { gatewayCloseProblem, loginCloseProblem, tokenRejected, watchForRejectedToken, type OnFatal } from './fatal.ts';
import { DiscordRefused } from './refused.ts';
import { startPoster, type Poster } from './poster.ts';
import { proposalButtons } from './proposals.ts';
import { NO_MENTIONS, replyPrivately } from './respond.ts';
import { pacedRest } from './paced-request.ts';
import { discordPacer, type SendPacer } from '../send-pacer.ts';

export interface DiscordDeps {
  logger: Logger;
  /** Poster interval (default 5 s); 0 = only flush() (tests). */
  posterIntervalMs?: number;
  /** Each failing channel's retry schedule (default 5 s doubling to 10 min). */
  backoff?: BackoffPolicy;
  /** How long a delivery request may take before it counts as failed (default 15 s). */
  deliveryTimeoutMs?: number;
  /** Discord refused the bot for good (token rejected, unrecoverable gateway close): called once. */
  onFatal?: OnFatal;
  /** REST retries inside discord.js (429 is always waited out; 5xx retried this many times). */
  restRetries?: number;
  readyTimeoutMs?: number;
  listPageSize?: number;
  /** What every delivery request waits for (default: the store's shared schedule at DISCORD_GLOBAL_RATE). */
  pacer?: SendPacer;
}

export interface DiscordFrontEnd {
  client: Client;
  /** The REST client alerts and digests are posted through: it never resends on its own (retries: 0). */
  deliveryRest: REST;
  poster: Poster;
  commands: CommandModule[];
  /** Takes no new work, lets the post in flight finish (at most `timeoutMs`), then disconnects. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * discord.js's options for a shard plan. Unset: discord.js's default, shard 0 of 1 (every server). `auto`
 * asks Discord for its recommended count and holds them all; a count alone holds shards 0…count−1.
 */
export function shardOptions(plan: ShardPlan | undefined): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (!plan) return {};
  if (plan.kind === 'auto') return { shards: 'auto' };
  if (plan.kind === 'all') return { shardCount: plan.count };
  return { shards: plan.ids, shardCount: plan.count };
}

export function makeClient(apiUrl: string | undefined, restRetries = 1, shards?: ShardPlan): Client {
  return new Client({
    ...shardOptions(shards),
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      ReactionManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      StageInstanceManager: 0,
      ThreadMemberManager: 0,
      GuildScheduledEventManager: 0,
      AutoModerationRuleManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      UserManager: 100,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (m) => m.id === m.client.user.id },
    }),
    rest: { ...(apiUrl ? { api: apiUrl } : {}), retries: restRetries, timeout: 15_000 },
  });
}

export async function startDiscord(app: App, deps: DiscordDeps): Promise<DiscordFrontEnd> {
  const discord = app.config.discord;
  if (!discord) throw new Error('DISCORD_TOKEN is not set: the Discord front end needs it');
  const { logger } = deps;
  const commands = await loadCommands();
  // A resend must follow a look at the channel, so deliveries never go through discord.js's own retries.
  const deliveryTimeoutMs = deps.deliveryTimeoutMs ?? 15_000;
  // Its every request takes a slot of the schedule shared by every process on the store (send-pacer.ts).
  const pacer = deps.pacer ?? discordPacer(app.sendSlots, app.config.discordGlobalRate);
  const deliveryRest = pacedRest({ ...(discord.apiUrl ? { api: discord.apiUrl } : {}), retries: 0, timeout: deliveryTimeoutMs }, pacer).setToken(discord.token);
  const ctx: CommandContext = {
    app,
    subscriptions: app.subscriptions,
    guildSettings: app.guildSettings,
    logger,
    listPageSize: deps.listPageSize,
    channelRest: deliveryRest,
  };
  const byName = new Map(commands.map((c) => [c.definition.name, c]));
  const buttons = new Map<string, ButtonHandler>(Object.entries(proposalButtons));
  for (const c of commands) for (const [prefix, h] of Object.entries(c.buttons ?? {})) buttons.set(prefix, h);

  const client = makeClient(discord.apiUrl, deps.restRetries, discord.shards);
  let fatal: DiscordRefused | undefined;
  const onFatal = (problem: DiscordRefused): void => {
    if (fatal) return;
    fatal = problem;
    deps.onFatal?.(problem);
  };
  watchForRejectedToken(client.rest, onFatal);
  watchForRejectedToken(deliveryRest, onFatal);
  client.on(Events.InteractionCreate, (interaction) => void route(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
  // discord.js emits ShardDisconnect only for a close it will not recover from; the others it resumes.
  client.on(Events.ShardDisconnect, (event, shard) => {
    const problem = gatewayCloseProblem(event.code) ?? new DiscordRefused(`Discord closed the gateway for good (${event.code}).`, event.code);
    logger.debug({ shard, code: event.code }, 'gateway closed for good');
    onFatal(problem);
  });
  client.on(Events.ShardReconnecting, (shard) => logger.info({ shard }, 'gateway disconnected; discord.js reconnects'));

  async function route(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) {
        const command = byName.get(interaction.commandName);
        if (command?.autocomplete) await command.autocomplete(interaction, ctx);
        else await interaction.respond([]);
      } else if (interaction.isChatInputCommand()) {
        const command = byName.get(interaction.commandName);
        if (!command) return await replyPrivately(interaction, `Unknown command /${interaction.commandName}: see /help.`);
        await command.execute(interaction, ctx);
      } else if (interaction.isButton()) {
        const handler = buttons.get(interaction.customId.split(ID_SEP)[0] ?? '');
        if (!handler) return await replyPrivately(interaction, 'This button is not understood any more.');
        await handler(interaction, ctx);
      }
    } catch (error) {
      logger.error({ err: error, interaction: interaction.id, type: interaction.type }, 'interaction failed');
      if (interaction.isRepliable()) {
        await replyPrivately(interaction, 'Something went wrong on our side; it has been logged. Please try again.').catch(() => undefined);
      }
    }
  }

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Discord did not become ready in time')), deps.readyTimeoutMs ?? 60_000);
    timer.unref();
    client.once(Events.ClientReady, () => {
      clearTimeout(timer);
      resolve();
    });
    // Closed for good before ready (4004 at IDENTIFY, 4010–4014): no point waiting.
    client.once(Events.ShardDisconnect, (event) => {
      clearTimeout(timer);
      reject(gatewayCloseProblem(event.code) ?? new Error(`Discord closed the gateway (${event.code})`));
    });
  });
  ready.catch(() => undefined); // a failed login() is the error reported; this one must not go unhandled
  try {
    await client.login(discord.token);
    await ready;
  } catch (error) {
    await client.destroy();
    stopRest(deliveryRest);
    if (error instanceof DiscordRefused) throw error;
    const closed = loginCloseProblem(error);
    if (closed) throw closed;
    if (error instanceof Error && 'code' in error && error.code === DiscordjsErrorCodes.TokenInvalid) throw tokenRejected();
    // Never let the token into an error message.
    const message = error instanceof Error ? error.message.replaceAll(discord.token, '[redacted]') : 'unknown error';
    // No cause attached: the original error may carry the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`could not log in to Discord: ${message}`);
  }
  // Each process sees only the servers of its own shards; posting goes through REST and needs none of them.
  const held = [...client.ws.shards.keys()].sort((a, b) => a - b);
  const shardCount = client.options.shardCount ?? 1;
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, shards: held, shardCount },
    `logged in to Discord, holding shard${held.length === 1 ? '' : 's'} ${held.join(', ')} of ${shardCount}`,
  );

  const poster = await startPoster({
    app,
    rest: deliveryRest,
    subscriptions: ctx.subscriptions,
    logger,
    intervalMs: deps.posterIntervalMs ?? 5_000,
    backoff: deps.backoff,
    onFatal,
    // A claim outlasts a send's timeout by a margin; it is renewed while the request waits in the queue.
    claimMs: deliveryTimeoutMs + 5_000,
  });
  return {
    client,
    deliveryRest,
    poster,
    commands,
    stop: async (timeoutMs) => {
      await poster.stop(timeoutMs);
      await client.destroy();
      stopRest(deliveryRest);
    },
  };
}

function stopRest(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}
