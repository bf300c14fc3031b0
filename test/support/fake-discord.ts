// A local fake of Discord (REST under /api/v10 + gateway over ws) that the real discord.js Client logs into.
// Binds only to 127.0.0.1 on an ephemeral port. discord.js has no gateway option: it asks GET /gateway/bot
// and connects to the url answered; without the optional zlib-sync package it gets plain JSON text frames.
// URLs are `${api}/v10${route}`, so `apiUrl` has no trailing slash. Faults: `fake.faults`.
// Discord's REST rate limits are off unless asked for: `start({ rateLimits: {} })` (50 per sliding second,
// per-route buckets; `now` injects their clock), counted by `fake.rateLimitStats()`.
// Shards as Discord: with `otherGuilds`, each server's GUILD_CREATE and dispatches go only to the session
// identified as its shard ((id >> 22) % count; guildIdOnShard makes ids); recommendedShards for `auto`.
//   const fake = await FakeDiscord.start();
//   const client = new Client({ intents: [GatewayIntentBits.Guilds],
//     rest: { api: fake.apiUrl, version: '10', timeout: 5_000 }, waitGuildTimeout: 1_000 });
//   await client.login(fake.token);
//   const cmd = fake.slashCommand({ name: 'status', options: { id: 'C-12' } });
//   const reply = await cmd.reply(), final = await cmd.settled(); // first callback; the reply or first edit after a defer
//   await client.destroy(); await fake.close();
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FakeFaults } from './fake-discord/faults.ts';
import { Gateway, type GatewayEvent } from './fake-discord/gateway.ts';
import type { RecordedRequest, Route } from './fake-discord/http.ts';
import {
  buildAutocomplete,
  buildComponent,
  buildSlashCommand,
  type AutocompleteInput,
  type CommandInput,
  type ComponentInput,
} from './fake-discord/interactions.ts';
import type { Choice } from './fake-discord/limits.ts';
import { buildWorld, guildCreatePayload, makeChannel, readyPayload, snowflake, type ChannelSpec } from './fake-discord/model.ts';
import {
  toApiMessage,
  type ApiChannel,
  type ApiCommand,
  type ApiMember,
  type ApiMessage,
  type ApiRole,
  type ApiUser,
  type PostedMessage,
} from './fake-discord/api.ts';
import { buildRoutes, requestListener } from './fake-discord/rest.ts';
import { FakeState } from './fake-discord/state.ts';
import { RateLimiter, type RateLimitStats } from './fake-discord/rate-limits.ts';
import type { FakeDiscordOptions } from './fake-discord/options.ts';
import { newInteractionState, type InteractionResponseRecord, type InteractionKind, type InteractionState } from './fake-discord/interaction-records.ts';
import {
  interactionHandle,
  percentiles,
  responseTimesOf,
  waitFor,
  type InteractionHandle,
  type ResponseTime,
  type ResponseTimeStats,
} from './fake-discord/waiting.ts';

export { PERMS, DEFAULT_MEMBER_PERMISSIONS, BOT_PERMISSIONS, MESSAGE_FLAGS, guildIdOnShard, shardOfGuild } from './fake-discord/model.ts';
export type { ApiChannel, ApiCommand, ApiEmbed, ApiComponent, ApiMember, ApiMessage, ApiRole, ApiUser, PostedMessage } from './fake-discord/api.ts';
export { opt, OPTION, type OptionInput, type TypedOption } from './fake-discord/interactions.ts';
export type { InteractionResponseRecord } from './fake-discord/interaction-records.ts';
export type { InteractionHandle, ResponseTime } from './fake-discord/waiting.ts';
export type { RecordedRequest } from './fake-discord/http.ts';
export type { GatewayEvent } from './fake-discord/gateway.ts';
export type { Choice } from './fake-discord/limits.ts';
export type { BucketLimit, RateLimitOptions, RateLimitStats } from './fake-discord/rate-limits.ts';

export type { FakeDiscordOptions } from './fake-discord/options.ts';

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  private readonly state: FakeState;
  /** Slow answers, a revoked token, failing callbacks, nonce dedupe, a hook on each message created. */
  readonly faults = new FakeFaults();
  private readonly limiter: RateLimiter | null;
  private readonly gateway: Gateway;
  private readonly routes: Route[];
  private readonly replyTimeoutMs: number;
  private readonly debugEnabled: boolean;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    this.token = options.token ?? 'fake-bot-token';
    this.applicationId = options.applicationId ?? '1200000000000000001';
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5000;
    this.debugEnabled = options.debug ?? false;
    const world = buildWorld({ ...options, applicationId: this.applicationId });
    this.state = new FakeState(world, {
      applicationId: this.applicationId,
      callbackDeadlineMs: options.callbackDeadlineMs ?? 3000,
      strictLimits: options.strictLimits ?? true,
    });
    this.limiter = options.rateLimits ? new RateLimiter(options.rateLimits) : null;
    this.routes = buildRoutes({
      state: this.state,
      faults: this.faults,
      applicationId: this.applicationId,
      gatewayUrl: () => this.gatewayUrl,
      recommendedShards: options.recommendedShards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 1,
    });
    this.gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      url: () => this.gatewayUrl,
      readyPayload: (sessionId, shard, guildIds) =>
        readyPayload(world, { applicationId: this.applicationId, resumeGatewayUrl: this.gatewayUrl, sessionId, shard, guildIds }),
      guildIds: () => world.guilds.map((g) => g.id),
      guildCreatePayload: (guildId) => guildCreatePayload(world, guildId),
      maxGuildsPerShard: options.maxGuildsPerShard,
      guildMembers: () => structuredClone(world.members),
      onChange: () => this.state.changed(),
      debug: (m) => this.debug(m),
    });
  }

  /** Starts the fake on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options);
    server.on(
      'request',
      requestListener({ routes: fake.routes, state: fake.state, faults: fake.faults, token: fake.token, limiter: fake.limiter, debug: (m) => fake.debug(m) }),
    );
    server.on('upgrade', (req, socket, head: Buffer) => fake.gateway.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** Pass as discord.js `rest.api` (no trailing slash). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  // --- the world -------------------------------------------------------------------------------
  get guild(): { id: string; name: string } {
    return { id: this.state.world.guild.id, name: this.state.world.guild.name };
  }
  get guildId(): string {
    return this.state.world.guild.id;
  }
  get bot(): ApiUser {
    return structuredClone(this.state.world.bot);
  }
  get channels(): ApiChannel[] {
    return structuredClone(this.state.world.channels);
  }
  get roles(): ApiRole[] {
    return structuredClone(this.state.world.roles);
  }
  /** Guild members, the bot first. */
  get members(): ApiMember[] {
    return structuredClone(this.state.world.members);
  }
  channelId(name: string): string {
    return this.lookup(this.state.world.channels.find((c) => c.name === name)?.id, 'channel', name);
  }
  roleId(name: string): string {
    return this.lookup(this.state.world.roles.find((r) => r.name === name)?.id, 'role', name);
  }
  userId(username: string): string {
    return this.lookup(this.state.world.members.find((m) => m.user.username === username)?.user.id, 'member', username);
  }
  private lookup(id: string | undefined, what: string, name: string): string {
    if (!id) throw new Error(`fake-discord: no ${what} named "${name}"`);
    return id;
  }

  /** Adds a text channel (CHANNEL_CREATE is dispatched to connected clients). */
  addChannel(spec: ChannelSpec): ApiChannel {
    const w = this.state.world;
    const ch = makeChannel(w, spec, spec.id ?? snowflake(), w.channels.length);
    w.channels.push(ch);
    if (spec.locked) w.lockedChannels.add(ch.id);
    this.gateway.dispatch('CHANNEL_CREATE', structuredClone(ch), undefined, false);
    return structuredClone(ch);
  }
  /** Deletes a channel: CHANNEL_DELETE is dispatched and REST answers 404 Unknown Channel from then on. */
  deleteChannel(channelId: string): void {
    const w = this.state.world;
    const ch = w.channels.find((c) => c.id === channelId);
    if (!ch) return;
    w.channels.splice(w.channels.indexOf(ch), 1);
    this.gateway.dispatch('CHANNEL_DELETE', structuredClone(ch), undefined, false);
  }

  // --- fault injection -------------------------------------------------------------------------
  /** Every request to the channel fails: 403 → 50013 Missing Permissions, 404 → 10003 Unknown Channel. */
  failChannel(channelId: string, status = 403): void {
    this.state.failedChannels.set(channelId, status);
  }
  /** Removes failChannel, slow answers and pending one-shot faults for one channel, or for all (and a revoked token). */
  clearFaults(channelId?: string): void {
    this.faults.clear(channelId);
    if (channelId === undefined) {
      this.state.failedChannels.clear();
      this.state.nextFaults.clear();
    } else {
      this.state.failedChannels.delete(channelId);
      this.state.nextFaults.delete(channelId);
    }
  }
  /** The next request to the channel gets one 429 (Retry-After and X-RateLimit-* headers). Keep the value small. */
  rateLimitNext(channelId: string, retryAfterSeconds = 0.05): void {
    this.queueFault(channelId, { status: 429, retryAfter: retryAfterSeconds });
  }
  /** The next `times` requests to the channel get 500. */
  serverErrorNext(channelId: string, times = 1): void {
    for (let i = 0; i < times; i++) this.queueFault(channelId, { status: 500 });
  }
  /** Puts `count` messages from another user in the channel's history directly, created at `at` (ms; default now). */
  seedMessages(channelId: string, count: number, at = Date.now()): void {
    const author = this.state.world.members.find((m) => m.user.id !== this.state.world.bot.id)!.user;
    for (let i = 0; i < count; i++)
      this.state.createMessage(channelId, { content: `chatter ${i}`, allowed_mentions: { parse: [] } }, [], { id: snowflake(at), author: structuredClone(author) });
  }
  private queueFault(channelId: string, fault: { status: number; retryAfter?: number }): void {
    const q = this.state.nextFaults.get(channelId) ?? [];
    q.push(fault);
    this.state.nextFaults.set(channelId, q);
  }

  // --- recordings ------------------------------------------------------------------------------
  /** Every REST request so far, optionally filtered by method and/or path (string = exact, RegExp = test). */
  requests(filter: { method?: string; path?: string | RegExp } = {}): RecordedRequest[] {
    return this.state.requests.filter(
      (r) =>
        (!filter.method || r.method === filter.method.toUpperCase()) &&
        (!filter.path || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path))),
    );
  }
  /** Requests no route handled (answered 404 {code:0}): a test can assert this is empty. */
  unexpectedRequests(): RecordedRequest[] {
    return this.state.requests.filter((r) => r.route === null);
  }
  /** The channel's messages as everyone sees them now (edits applied, deleted and ephemeral left out), oldest first. */
  messagesIn(channelId: string): PostedMessage[] {
    return this.state.messagesIn(channelId);
  }
  /** Any stored message by id (including ephemeral and deleted ones). */
  message(messageId: string): PostedMessage | undefined {
    const m = this.state.messages.get(messageId);
    return m && structuredClone(m);
  }
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return structuredClone(this.state.interactions.get(interactionId)?.responses ?? []);
  }
  /** Interaction callbacks/webhook calls the fake refused (400 limits, already acknowledged, too late...). */
  rejectedInteractionCalls(interactionId: string): InteractionState['rejected'] {
    return structuredClone(this.state.interactions.get(interactionId)?.rejected ?? []);
  }
  /** Registered commands: global without an argument, else the guild's. */
  commands(guildId?: string): ApiCommand[] {
    return structuredClone(this.state.commands.get(guildId ?? 'global') ?? []);
  }
  /** Per answered interaction: time from INTERACTION_CREATE sent to first callback received. */
  responseTimes(): ResponseTime[] {
    return responseTimesOf(this.state.interactions.values());
  }
  /** Nearest-rank percentiles of responseTimes() in ms. */
  responseTimeStats(): ResponseTimeStats {
    return percentiles(this.responseTimes());
  }
  /** REST requests counted and answered 429 by the rate limits (all zero when the fake has none). */
  rateLimitStats(): RateLimitStats {
    return { ...(this.limiter?.stats ?? { requests: 0, limitedGlobal: 0, limitedRoute: 0 }) };
  }
  /** Gateway connections, identifies, resumes, closes... in order. */
  gatewayEvents(): GatewayEvent[] {
    return structuredClone(this.gateway.events);
  }
  /** Heartbeats received (all ACKed). */
  get heartbeatCount(): number {
    return this.gateway.heartbeats;
  }

  // --- driving interactions --------------------------------------------------------------------
  /** Sends INTERACTION_CREATE type 2 (chat input). Queued until a client is connected if none is. */
  slashCommand(input: CommandInput): InteractionHandle {
    const built = buildSlashCommand(this.buildContext(), input);
    return this.sendInteraction('command', input.name, built, null);
  }
  /** Sends INTERACTION_CREATE type 4 and resolves to the choices the bot answers with. */
  async autocomplete(input: AutocompleteInput, timeoutMs?: number): Promise<Choice[]> {
    const built = buildAutocomplete(this.buildContext(), input);
    const handle = this.sendInteraction('autocomplete', input.name, built, null);
    const first = await handle.reply(timeoutMs);
    return first.choices ?? [];
  }
  /** Sends INTERACTION_CREATE type 3 for a button (component_type 2) on `message`. */
  button(input: ComponentInput): InteractionHandle {
    return this.component(input, { component_type: 2 });
  }
  /** Sends INTERACTION_CREATE type 3 for a string select (component_type 3). */
  select(input: ComponentInput & { values: string[] }): InteractionHandle {
    return this.component(input, { component_type: 3, values: input.values });
  }
  private component(input: ComponentInput, data: Record<string, unknown>): InteractionHandle {
    const ref = input.message;
    const stored = this.state.messages.get(typeof ref === 'string' ? ref : ref.id);
    if (!stored && typeof ref === 'string') throw new Error(`fake-discord: no message ${ref}`);
    const message: ApiMessage = stored ? toApiMessage(stored) : toApiMessage(ref as PostedMessage);
    const built = buildComponent(this.buildContext(), input, message, data);
    return this.sendInteraction('component', input.customId, built, message.id);
  }

  private buildContext() {
    return {
      world: this.state.world,
      applicationId: this.applicationId,
      findCommand: (name: string) =>
        [...(this.state.commands.get(this.guildId) ?? []), ...(this.state.commands.get('global') ?? [])].find((c) => c.name === name && c.type === 1),
    };
  }

  private sendInteraction(
    kind: InteractionKind,
    name: string,
    built: { id: string; token: string; user: ApiUser; channel: ApiChannel; payload: Record<string, unknown> },
    sourceMessageId: string | null,
  ): InteractionHandle {
    const it = newInteractionState(kind, name, built, sourceMessageId);
    this.state.registerInteraction(it);
    this.debug(`INTERACTION_CREATE ${kind} ${name} ${it.id}`);
    this.gateway.dispatch('INTERACTION_CREATE', built.payload, () => {
      it.sentAt = performance.now();
      this.state.changed();
    });
    return interactionHandle(it, this.state.events, this.replyTimeoutMs, () => this.unexpectedRequests().map((r) => `${r.method} ${r.path}`));
  }

  /**
   * Resolves with `check()`'s first non-undefined result, re-checking whenever the fake's state changes
   * (and every 10 ms, for conditions outside the fake such as client state); rejects if `check` throws
   * or after `timeoutMs`.
   */
  waitFor<T>(check: () => T | undefined, timeoutMs = this.replyTimeoutMs, what = 'a condition'): Promise<T> {
    return waitFor(this.state.events, check, timeoutMs, () => what);
  }

  // --- gateway control -------------------------------------------------------------------------
  /** Resolves once a client has identified or resumed and receives dispatches. */
  waitForClient(timeoutMs = this.replyTimeoutMs): Promise<true> {
    return this.waitFor(() => (this.gateway.readyCount > 0 ? true : undefined), timeoutMs, 'a ready gateway client');
  }
  /**
   * Closes every gateway connection with `code` (default 4000 "unknown error": discord.js resumes at
   * resume_gateway_url). Interactions sent meanwhile are queued and delivered after the client is back.
   * Note: with 1000 discord.js re-identifies, and its identify throttle then waits ~5-6.5 s.
   */
  disconnectClients(code = 4000, reason = 'fake-discord: disconnect'): Promise<void> {
    return this.gateway.disconnectAll(code, reason);
  }
  /** Sends op 7 RECONNECT (clients close and resume). */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }
  /** Sends op 9 INVALID_SESSION. */
  invalidateSessions(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  async close(): Promise<void> {
    await this.gateway.shutdown();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- HTTP ------------------------------------------------------------------------------------
  private debug(message: string): void {
    if (this.debugEnabled) process.stderr.write(`[fake-discord] ${message}\n`);
  }
}
