// The fake REST routes (below /api/v10).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  apiError,
  BadBody,
  json,
  matchRoute,
  noContent,
  parseBody,
  readBody,
  send,
  type RecordedRequest,
  type Reply,
  type Route,
  type RouteContext,
} from './http.ts';
import { invalidFormBody } from './limits.ts';
import { guildObject, snowflake } from './model.ts';
import { toApiMessage, type ApiCommand, type ApiCommandOption } from './api.ts';
import type { FakeState } from './state.ts';
import type { MessageBody } from './limits.ts';
import type { FakeFaults } from './faults.ts';
import type { RateLimiter } from './rate-limits.ts';

export interface RestContext {
  state: FakeState;
  faults: FakeFaults;
  applicationId: string;
  gatewayUrl(): string;
  recommendedShards?: number;
  maxConcurrency?: number;
}

const unknownGuild = (): Reply => apiError(404, 10004, 'Unknown Guild');
const unknownChannel = (): Reply => apiError(404, 10003, 'Unknown Channel');
const unknownMessage = (): Reply => apiError(404, 10008, 'Unknown Message');

export function buildRoutes(ctx: RestContext): Route[] {
  const { state, faults, applicationId } = ctx;
  const { world } = state;
  const routes: Route[] = [];
  const add = (method: string, pattern: string, handle: Route['handle'], opts: { auth?: boolean; faultKey?: string } = {}): void => {
    routes.push({ method, pattern, handle, auth: opts.auth ?? true, ...(opts.faultKey ? { faultKey: opts.faultKey } : {}) });
  };

  // --- gateway, users, application -------------------------------------------------------------
  add('GET', '/gateway/bot', () =>
    json(200, {
      url: ctx.gatewayUrl(),
      shards: ctx.recommendedShards ?? 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: ctx.maxConcurrency ?? 1 },
    }),
  );
  add('GET', '/gateway', () => json(200, { url: ctx.gatewayUrl() }), { auth: false });
  add('GET', '/users/@me', () => json(200, { ...world.bot, verified: true, mfa_enabled: false, flags: 0 }));
  add('GET', '/users/:userId', ({ params }) => {
    const m = world.members.find((x) => x.user.id === params.userId);
    return m ? json(200, m.user) : apiError(404, 10013, 'Unknown User');
  });
  add('GET', '/applications/@me', () =>
    json(200, {
      id: applicationId,
      name: world.bot.username,
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      team: null,
      owner: world.members.find((m) => m.user.id === world.guild.owner_id)?.user ?? world.bot,
      bot: world.bot,
      approximate_guild_count: 1,
    }),
  );

  // --- application commands --------------------------------------------------------------------
  const commandScope = (params: Record<string, string>): { key: string; guildId?: string } | Reply => {
    if (params.app !== applicationId) return apiError(403, 50001, 'Missing Access');
    if (params.guildId === undefined) return { key: 'global' };
    if (params.guildId !== world.guild.id) return unknownGuild();
    return { key: params.guildId, guildId: params.guildId };
  };
  const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'status' in x;
  for (const prefix of ['/applications/:app', '/applications/:app/guilds/:guildId']) {
    add('GET', `${prefix}/commands`, ({ params }) => {
      const scope = commandScope(params);
      return isReply(scope) ? scope : json(200, state.commands.get(scope.key) ?? []);
    });
    add('PUT', `${prefix}/commands`, ({ params, body }) => {
      const scope = commandScope(params);
      if (isReply(scope)) return scope;
      if (!Array.isArray(body)) return json(400, invalidFormBody([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]));
      if (body.length > 100) return json(400, { code: 30032, message: 'Maximum number of application commands reached (100)' });
      const existing = state.commands.get(scope.key) ?? [];
      const out: ApiCommand[] = [];
      for (const [i, raw] of body.entries()) {
        const problem = checkCommand(raw as Partial<ApiCommand>, i, out);
        if (problem) return problem;
        out.push(materialise(raw as Partial<ApiCommand>, existing, applicationId, scope.guildId));
      }
      state.commands.set(scope.key, out);
      state.changed();
      return json(200, out);
    });
    add('POST', `${prefix}/commands`, ({ params, body }) => {
      const scope = commandScope(params);
      if (isReply(scope)) return scope;
      const list = state.commands.get(scope.key) ?? [];
      const raw = (body ?? {}) as Partial<ApiCommand>;
      const problem = checkCommand(raw, 0, []);
      if (problem) return problem;
      const cmd = materialise(raw, list, applicationId, scope.guildId);
      const others = list.filter((c) => c.id !== cmd.id);
      state.commands.set(scope.key, [...others, cmd]);
      state.changed();
      return json(others.length === list.length ? 201 : 200, cmd);
    });
    add('GET', `${prefix}/commands/:commandId`, ({ params }) => {
      const scope = commandScope(params);
      if (isReply(scope)) return scope;
      const cmd = state.commands.get(scope.key)?.find((c) => c.id === params.commandId);
      return cmd ? json(200, cmd) : apiError(404, 10063, 'Unknown application command');
    });
    add('PATCH', `${prefix}/commands/:commandId`, ({ params, body }) => {
      const scope = commandScope(params);
      if (isReply(scope)) return scope;
      const cmd = state.commands.get(scope.key)?.find((c) => c.id === params.commandId);
      if (!cmd) return apiError(404, 10063, 'Unknown application command');
      Object.assign(cmd, body as object, { id: cmd.id, application_id: applicationId, version: snowflake() });
      state.changed();
      return json(200, cmd);
    });
    add('DELETE', `${prefix}/commands/:commandId`, ({ params }) => {
      const scope = commandScope(params);
      if (isReply(scope)) return scope;
      const list = state.commands.get(scope.key) ?? [];
      if (!list.some((c) => c.id === params.commandId)) return apiError(404, 10063, 'Unknown application command');
      state.commands.set(
        scope.key,
        list.filter((c) => c.id !== params.commandId),
      );
      state.changed();
      return noContent();
    });
  }

  // --- guild -----------------------------------------------------------------------------------
  const guildRoute = (pattern: string, handle: (ctx: RouteContext) => Reply): void =>
    add('GET', pattern, (c) => (c.params.guildId === world.guild.id ? handle(c) : unknownGuild()));
  guildRoute('/guilds/:guildId', () => json(200, guildObject(world)));
  guildRoute('/guilds/:guildId/channels', () => json(200, structuredClone(world.channels)));
  guildRoute('/guilds/:guildId/roles', () => json(200, structuredClone(world.roles)));
  guildRoute('/guilds/:guildId/members', ({ query }) => json(200, structuredClone(world.members.slice(0, Number(query.limit ?? 1)))));
  guildRoute('/guilds/:guildId/members/:userId', ({ params }) => {
    const m = world.members.find((x) => x.user.id === params.userId);
    return m ? json(200, structuredClone(m)) : apiError(404, 10007, 'Unknown Member');
  });

  // --- channels and messages -------------------------------------------------------------------
  const channelRoute = (method: string, pattern: string, handle: (c: RouteContext) => Reply): void =>
    add(method, pattern, (c) => (state.channel(c.params.channelId!) ? handle(c) : unknownChannel()), { faultKey: 'channelId' });
  const locked = (channelId: string): Reply | null => (world.lockedChannels.has(channelId) ? apiError(403, 50013, 'Missing Permissions') : null);

  channelRoute('GET', '/channels/:channelId', ({ params }) => json(200, structuredClone(state.channel(params.channelId!))));
  channelRoute('POST', '/channels/:channelId/typing', ({ params }) => locked(params.channelId!) ?? noContent());
  channelRoute('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
    const denied = locked(params.channelId!);
    if (denied) return denied;
    const b = (body ?? {}) as MessageBody;
    if (faults.dedupeNonces && b.enforce_nonce === true && b.nonce !== undefined) {
      const earlier = state.messagesIn(params.channelId!).find((m) => m.nonce === b.nonce);
      if (earlier) return json(200, toApiMessage(earlier));
    }
    const created = state.createMessage(params.channelId!, b, files);
    if (created.message) faults.messageCreated(params.channelId!, created.message.id);
    return created.message ? json(200, toApiMessage(created.message)) : json(400, created.error);
  });
  channelRoute('GET', '/channels/:channelId/messages', ({ params, query }) => {
    const limit = Math.min(Number(query.limit ?? 50), 100);
    const all = state.messagesIn(params.channelId!).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)); // oldest first
    // As Discord: `after` gives the `limit` messages just after that id; either way, newest first.
    const after = typeof query.after === 'string' ? BigInt(query.after) : undefined;
    const page = after === undefined ? all.slice(-limit) : all.filter((m) => BigInt(m.id) > after).slice(0, limit);
    return json(200, page.reverse().map(toApiMessage));
  });
  const findMessage = (c: RouteContext) => {
    const m = state.messages.get(c.params.messageId!);
    return m && !m.deleted && !m.ephemeral && m.channel_id === c.params.channelId ? m : undefined;
  };
  channelRoute('GET', '/channels/:channelId/messages/:messageId', (c) => {
    const m = findMessage(c);
    return m ? json(200, toApiMessage(m)) : unknownMessage();
  });
  channelRoute('PATCH', '/channels/:channelId/messages/:messageId', (c) => {
    const m = findMessage(c);
    if (!m) return unknownMessage();
    if (m.author.id !== world.bot.id) return apiError(403, 50005, 'Cannot edit a message authored by another user');
    const error = state.editMessage(m, (c.body ?? {}) as MessageBody, c.files);
    return error ? json(400, error) : json(200, toApiMessage(m));
  });
  channelRoute('DELETE', '/channels/:channelId/messages/:messageId', (c) => {
    const m = findMessage(c);
    if (!m) return unknownMessage();
    m.deleted = true;
    state.changed();
    return noContent();
  });

  // --- interactions and their webhooks (no Authorization) --------------------------------------
  add(
    'POST',
    '/interactions/:interactionId/:token/callback',
    ({ params, body, files, query }) =>
      faults.takeCallbackFailure() ?? state.interactionCallback(params.interactionId!, params.token!, body, files, query.with_response === 'true'),
    { auth: false },
  );
  add('POST', '/webhooks/:app/:token', (c) => state.webhook('POST', c.params.app!, c.params.token!, null, c.body, c.files, c.query), {
    auth: false,
  });
  for (const method of ['GET', 'PATCH', 'DELETE']) {
    add(
      method,
      '/webhooks/:app/:token/messages/:messageId',
      (c) => state.webhook(method, c.params.app!, c.params.token!, c.params.messageId!, c.body, c.files, c.query),
      { auth: false },
    );
  }
  return routes;
}

function checkCommand(c: Partial<ApiCommand>, index: number, earlier: ApiCommand[]): Reply | null {
  const type = c.type ?? 1;
  const problems: Array<{ path: Array<string | number>; code: string; message: string }> = [];
  const name = typeof c.name === 'string' ? c.name : '';
  if (type === 1 && !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(name)) {
    problems.push({ path: [index, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
  }
  if (type === 1 && (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100)) {
    problems.push({ path: [index, 'description'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
  }
  const checkOptions = (opts: ApiCommandOption[] | undefined, path: Array<string | number>): void => {
    if (!opts) return;
    if (opts.length > 25) problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    opts.forEach((o, i) => {
      if ((o.choices?.length ?? 0) > 25) {
        problems.push({ path: [...path, i, 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      }
      checkOptions(o.options, [...path, i, 'options']);
    });
  };
  checkOptions(c.options, [index, 'options']);
  if (earlier.some((e) => e.name === name && e.type === type)) {
    problems.push({ path: [index, 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
  }
  return problems.length ? json(400, invalidFormBody(problems)) : null;
}

function materialise(raw: Partial<ApiCommand>, existing: ApiCommand[], applicationId: string, guildId: string | undefined): ApiCommand {
  const type = raw.type ?? 1;
  const previous = existing.find((e) => e.name === raw.name && e.type === type);
  return {
    description: '',
    default_member_permissions: null,
    nsfw: false,
    contexts: null,
    integration_types: [0],
    ...structuredClone(raw),
    name: String(raw.name),
    type,
    id: previous?.id ?? snowflake(),
    application_id: applicationId,
    ...(guildId ? { guild_id: guildId } : {}),
    version: snowflake(),
  };
}

/** The HTTP request listener: records every request, then routes, checks auth and injected faults. */
export function requestListener(o: {
  routes: Route[];
  state: FakeState;
  faults: FakeFaults;
  token: string;
  /** Discord's rate limits, when the fake was started with them. */
  limiter?: RateLimiter | null;
  debug(message: string): void;
}) {
  const handle = async (req: IncomingMessage, record: RecordedRequest, url: URL, authHeader: string | null): Promise<Reply> => {
    const raw = await readBody(req);
    try {
      const parsed = await parseBody(req.headers['content-type'] ?? '', raw);
      record.body = parsed.body;
      record.files = parsed.files;
    } catch (err) {
      if (err instanceof BadBody) return apiError(400, 50109, err.message);
      throw err;
    }
    const match = /^\/api\/v10\//.test(url.pathname) ? matchRoute(o.routes, record.method, record.path) : null;
    if (!match) return apiError(404, 0, `404: Not Found (fake-discord has no route for ${record.method} ${url.pathname})`);
    record.route = match.route.pattern;
    if (match.route.auth && (authHeader !== `Bot ${o.token}` || o.faults.tokenRevoked)) return apiError(401, 0, '401: Unauthorized');
    const limit = o.limiter?.check(record.method, match.route.pattern, match.params) ?? { headers: {} };
    if ('refused' in limit) return limit.refused;
    const faultKey = match.route.faultKey;
    const fault = faultKey ? o.state.takeFault(match.params[faultKey]!) : null;
    const reply = fault ?? (await match.route.handle({ params: match.params, query: record.query, body: record.body, files: record.files, auth: authHeader }));
    return { ...reply, headers: { ...limit.headers, ...reply.headers } };
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
    const authHeader = req.headers.authorization ?? null;
    if (authHeader !== null) headers.authorization = '[redacted]';
    const record: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname.replace(/^\/api(\/v10)?(?=\/)/, ''),
      url: req.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      headers,
      auth: authHeader !== null,
      body: null,
      files: [],
      route: null,
      status: 0,
      at: performance.now(),
    };
    o.state.requests.push(record);
    let reply: Reply;
    try {
      reply = await handle(req, record, url, authHeader);
    } catch (err) {
      o.debug(`error handling ${record.method} ${record.path}: ${(err as Error).stack}`);
      reply = apiError(500, 0, `fake-discord internal error: ${(err as Error).message}`);
    }
    record.status = reply.status;
    o.debug(`${record.method} ${record.url} -> ${reply.status}`);
    const faultChannel = record.route?.startsWith('/channels/:channelId') ? /^\/channels\/(\d+)/.exec(record.path)?.[1] : undefined;
    if (o.faults.takeDrop(faultChannel)) return void res.destroy();
    const delay = o.faults.takeDelay(faultChannel);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (res.destroyed) return; // the client gave up waiting
    send(res, reply);
    o.state.changed();
  };
  // For http.Server's 'request' event, which ignores a returned promise: a failure outside `handle`
  // (reading the body, sending) resets the connection, so the client sees it, and says why on stderr.
  return (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((err: unknown) => {
      process.stderr.write(`[fake-discord] ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}\n`);
      res.destroy();
    });
  };
}
