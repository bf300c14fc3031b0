// The gateway split by shards: DISCORD_SHARDS and DISCORD_SHARD_COUNT checked at start, each process
// connecting only its shards to the local fake Discord (which routes like Discord: a server's dispatches go
// to the connection holding shard (id >> 22) % count), and posting reaching every server through REST.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { App } from '../src/app.ts';
import { manualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { shardOptions, type DiscordFrontEnd } from '../src/discord/client.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { loginCloseProblem } from '../src/discord/fatal.ts';
import { createLogger } from '../src/log.ts';
import { DISCORD_TOKEN, discordTestConfig, openDiscordApp } from './support/discord-app.ts';
import { FakeDiscord, PERMS, guildIdOnShard, opt, shardOfGuild } from './support/fake-discord.ts';
import { tempDir } from './support/register.ts';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  const r = loadConfig({ DATABASE_URL: ':memory:', DISCORD_TOKEN: 'x'.repeat(30), ...env });
  return r.ok ? [] : r.error;
};
const plan = (env: NodeJS.ProcessEnv) => {
  const r = loadConfig({ DATABASE_URL: ':memory:', DISCORD_TOKEN: 'x'.repeat(30), ...env });
  if (!r.ok) throw new Error(r.error.join('; '));
  return r.value.discord?.shards;
};

describe('DISCORD_SHARDS and DISCORD_SHARD_COUNT', () => {
  it('unset, one process holds every shard (discord.js’s default); set, each form means what it says', () => {
    expect(plan({})).toBeUndefined();
    expect(plan({ DISCORD_SHARDS: '', DISCORD_SHARD_COUNT: ' ' })).toBeUndefined();
    expect(shardOptions(plan({}))).toEqual({});
    expect(plan({ DISCORD_SHARDS: 'auto' })).toEqual({ kind: 'auto' });
    expect(shardOptions({ kind: 'auto' })).toEqual({ shards: 'auto' });
    expect(plan({ DISCORD_SHARDS: '2, 0', DISCORD_SHARD_COUNT: '4' })).toEqual({ kind: 'list', ids: [2, 0], count: 4 });
    expect(shardOptions({ kind: 'list', ids: [2, 0], count: 4 })).toEqual({ shards: [2, 0], shardCount: 4 });
    expect(plan({ DISCORD_SHARD_COUNT: '3' })).toEqual({ kind: 'all', count: 3 });
    expect(shardOptions({ kind: 'all', count: 3 })).toEqual({ shardCount: 3 });
  });

  it('refuses what cannot work, naming the variable and what was expected', () => {
    expect(problems({ DISCORD_SHARDS: '0,1' })).toEqual([
      'DISCORD_SHARDS: a list of shard ids needs DISCORD_SHARD_COUNT, the total number of shards across every process',
    ]);
    expect(problems({ DISCORD_SHARDS: '1,2', DISCORD_SHARD_COUNT: '2' })).toEqual([
      'DISCORD_SHARDS: shard 2 does not exist with DISCORD_SHARD_COUNT=2; expected ids from 0 to 1',
    ]);
    expect(problems({ DISCORD_SHARDS: '1,0,1', DISCORD_SHARD_COUNT: '2' })).toEqual(['DISCORD_SHARDS: shard 1 is listed twice; expected each shard id once']);
    for (const bad of ['one', '0;1', '0,,1', '-1', '1.5', 'auto,0'])
      expect(problems({ DISCORD_SHARDS: bad, DISCORD_SHARD_COUNT: '2' }), bad).toEqual([
        'DISCORD_SHARDS: expected auto, or a comma-separated list of shard ids such as 0,1',
      ]);
    for (const bad of ['0', '-2', '2.5', 'two'])
      expect(problems({ DISCORD_SHARD_COUNT: bad }), bad).toEqual([
        'DISCORD_SHARD_COUNT: expected the total number of shards across every process, a whole number of 1 or more, such as 2',
      ]);
    expect(problems({ DISCORD_SHARDS: 'auto', DISCORD_SHARD_COUNT: '2' })).toEqual([
      expect.stringMatching(/^DISCORD_SHARD_COUNT: not used with DISCORD_SHARDS=auto/),
    ]);
    // Reported with the other problems, all at once.
    expect(problems({ DISCORD_SHARDS: '0', LOG_LEVEL: 'loud' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^LOG_LEVEL: /), expect.stringMatching(/^DISCORD_SHARDS: a list of shard ids needs DISCORD_SHARD_COUNT/)]),
    );
  });
});

// Two servers, one on each shard of two.
const MAIN = guildIdOnShard(0, 2, 1);
const OTHER = guildIdOnShard(1, 2, 2);

interface Process {
  app: App;
  bot: DiscordFrontEnd;
  /** Interactions this process's client received. */
  interactions: string[];
  logs: () => string;
}

let fake: FakeDiscord | undefined;
const running: Process[] = [];

afterEach(async () => {
  for (const p of running.splice(0)) {
    await p.bot.stop();
    await p.app.close();
  }
  await fake?.close();
  fake = undefined;
});

async function startFake(options: { recommendedShards?: number; maxConcurrency?: number; maxGuildsPerShard?: number } = {}): Promise<FakeDiscord> {
  fake = await FakeDiscord.start({ token: DISCORD_TOKEN, heartbeatIntervalMs: 200, guildId: MAIN, otherGuilds: [{ id: OTHER, name: 'Other' }], ...options });
  return fake;
}

async function startProcess(f: FakeDiscord, dbFile: string, env: NodeJS.ProcessEnv): Promise<Process> {
  let logs = '';
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  const { app, bot } = await openDiscordApp(discordTestConfig(f, dbFile, env), manualClock('2024-06-01T12:00:00Z'), { logger: createLogger('info', sink) });
  const p: Process = { app, bot, interactions: [], logs: () => logs };
  bot.client.on(Events.InteractionCreate, (i) => p.interactions.push(i.id));
  running.push(p);
  return p;
}

const channelIn = (f: FakeDiscord, guildId: string) => f.channels.find((c) => c.guild_id === guildId && c.name === 'alerts')!.id;
const identifiedShards = (f: FakeDiscord) =>
  f
    .gatewayEvents()
    .filter((e) => e.type === 'identify' && e.detail.ok === true)
    .map((e) => e.detail.shard);

describe('two processes, one shard each', () => {
  it('each process receives only its servers, and a command in a server is answered once, by the process holding its shard', async () => {
    expect([shardOfGuild(MAIN, 2), shardOfGuild(OTHER, 2)]).toEqual([0, 1]);
    const f = await startFake();
    const dbFile = join(tempDir('cw-shards-'), 'cw.sqlite');
    await deployCommands(discordTestConfig(f, dbFile), () => undefined);
    const zero = await startProcess(f, dbFile, { DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '2' });
    const one = await startProcess(f, dbFile, { DISCORD_SHARDS: '1', DISCORD_SHARD_COUNT: '2' });
    expect(identifiedShards(f)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...zero.bot.client.guilds.cache.keys()]).toEqual([MAIN]);
    expect([...one.bot.client.guilds.cache.keys()]).toEqual([OTHER]);
    expect(zero.logs()).toContain('holding shard 0 of 2');
    expect(one.logs()).toContain('holding shard 1 of 2');

    const inOther = f.slashCommand({ name: 'help', channelId: channelIn(f, OTHER) });
    expect((await inOther.settled()).embeds?.[0]?.title).toBe('Commitment Watch');
    const inMain = f.slashCommand({ name: 'help', channelId: channelIn(f, MAIN) });
    await inMain.settled();
    expect(one.interactions).toEqual([inOther.id]);
    expect(zero.interactions).toEqual([inMain.id]);
    for (const id of [inOther.id, inMain.id]) {
      expect(f.interactionResponses(id)).toHaveLength(1);
      expect(f.rejectedInteractionCalls(id)).toEqual([]);
    }
    expect(f.unexpectedRequests()).toEqual([]);
  });

  it('a process posts to a server it does not hold (posting goes through REST, not the gateway’s cache)', async () => {
    const f = await startFake();
    const dbFile = join(tempDir('cw-shards-'), 'cw.sqlite');
    await deployCommands(discordTestConfig(f, dbFile), () => undefined);
    const zero = await startProcess(f, dbFile, { DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '2' });
    const one = await startProcess(f, dbFile, { DISCORD_SHARDS: '1', DISCORD_SHARD_COUNT: '2' });
    const target = channelIn(f, OTHER);
    const subscribed = await f
      .slashCommand({
        name: 'alerts',
        subcommand: 'subscribe',
        options: { channel: opt.channel(target) },
        channelId: target,
        user: 'carol',
        permissions: PERMS.MANAGE_GUILD,
      })
      .settled();
    expect(subscribed.content).toMatch(/^Subscribed/);
    expect(one.interactions).toHaveLength(1);
    expect(zero.bot.client.guilds.cache.has(OTHER)).toBe(false);
    await zero.app.outbox.record({
      type: 'evidence',
      commitmentId: 'modern-slavery-penalties',
      payload: { commitment: 'modern-slavery-penalties', item: { title: 'Penalties consultation', link: 'https://www.gov.uk/penalties' }, feed: 'govuk' },
      dedupeKey: 'evidence:modern-slavery-penalties:https://www.gov.uk/penalties',
      createdAt: '2024-06-01T12:00:00.000Z',
    });
    expect(await zero.bot.poster.flush()).toBe(1);
    const posted = f.messagesIn(target);
    expect(posted.map((m) => m.embeds[0]?.title)).toEqual(['New evidence: modern-slavery-penalties']);
    expect(posted[0]!.allowed_mentions).toEqual({ parse: [] });
    expect(f.unexpectedRequests()).toEqual([]);
    expect(f.requests({ path: /^\/guilds\// })).toEqual([]); // nothing about the server asked by REST either
  });
});

describe('auto', () => {
  it('takes the count Discord recommends and holds every shard in one process', async () => {
    // max_concurrency 2: both shards identify at once (with 1, discord.js waits 5 s between identifies).
    const f = await startFake({ recommendedShards: 2, maxConcurrency: 2 });
    const dbFile = join(tempDir('cw-shards-'), 'cw.sqlite');
    await deployCommands(discordTestConfig(f, dbFile), () => undefined);
    const p = await startProcess(f, dbFile, { DISCORD_SHARDS: 'auto' });
    expect(
      identifiedShards(f)
        .map((s) => JSON.stringify(s))
        .sort(),
    ).toEqual(['[0,2]', '[1,2]']);
    expect([...p.bot.client.guilds.cache.keys()].sort()).toEqual([MAIN, OTHER].sort());
    expect(p.logs()).toContain('holding shards 0, 1 of 2');
    const inOther = f.slashCommand({ name: 'help', channelId: channelIn(f, OTHER) });
    await inOther.settled();
    expect(p.interactions).toEqual([inOther.id]);
    expect(f.interactionResponses(inOther.id)).toHaveLength(1);
  });
});

describe('one process holding every shard', () => {
  for (const [env, shards, log] of [
    [{}, ['[0,1]'], 'holding shard 0 of 1'],
    [{ DISCORD_SHARD_COUNT: '2' }, ['[0,2]', '[1,2]'], 'holding shards 0, 1 of 2'],
  ] as const)
    it(`${JSON.stringify(env)}: every server, and their commands`, async () => {
      const f = await startFake({ maxConcurrency: 2 });
      const dbFile = join(tempDir('cw-shards-'), 'cw.sqlite');
      await deployCommands(discordTestConfig(f, dbFile), () => undefined);
      const p = await startProcess(f, dbFile, env);
      expect(
        identifiedShards(f)
          .map((s) => JSON.stringify(s ?? [0, 1]))
          .sort(),
      ).toEqual(shards);
      expect([...p.bot.client.guilds.cache.keys()].sort()).toEqual([MAIN, OTHER].sort());
      expect(p.logs()).toContain(log);
      const inOther = f.slashCommand({ name: 'help', channelId: channelIn(f, OTHER) });
      await inOther.settled();
      expect(p.interactions).toEqual([inOther.id]);
    });
});

describe('the fake gateway refuses a shard that cannot exist, as Discord does', () => {
  it('closes with 4010 Invalid shard', async () => {
    const f = await startFake();
    for (const shard of [[2, 2], [-1, 2], [0, 0], [0.5, 2], [0]]) {
      const ws = new WebSocket(`${f.gatewayUrl}?v=10&encoding=json`);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.once('message', () => ws.send(JSON.stringify({ op: 2, d: { token: DISCORD_TOKEN, intents: 1, shard, properties: {} } })));
      expect(await closed, JSON.stringify(shard)).toBe(4010);
    }
    expect(f.gatewayEvents().filter((e) => e.type === 'identify' && e.detail.ok === true)).toEqual([]);
  });

  it('a bot in too many servers for one shard is refused (4011), and the bot says which variables to set', async () => {
    const f = await startFake({ maxGuildsPerShard: 1 });
    const dbFile = join(tempDir('cw-shards-'), 'cw.sqlite');
    const started = startProcess(f, dbFile, {});
    await expect(started).rejects.toThrow(
      /sharding is required \(set DISCORD_SHARDS=auto, or split the shards between processes with DISCORD_SHARDS and DISCORD_SHARD_COUNT\)/,
    );
    // Split in two, each process holds one server: accepted.
    await startProcess(f, dbFile, { DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '2' });
    await startProcess(f, dbFile, { DISCORD_SHARDS: '1', DISCORD_SHARD_COUNT: '2' });
    expect(identifiedShards(f)).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });
  it('every close for good while logging in is named by its code, not as a generic login failure', () => {
    const errors = ['Invalid shard', 'Sharding is required', 'Used an invalid API version', 'Used invalid intents', 'Used disallowed intents'];
    expect(errors.map((m) => loginCloseProblem(new Error(m))?.code)).toEqual([4010, 4011, 4012, 4013, 4014]);
    expect(loginCloseProblem(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeUndefined();
  });
});
