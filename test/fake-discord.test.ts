// The real discord.js Client against the local fake Discord (test/support/fake-discord.ts): logging in,
// the gateway (heartbeats, resume, invalid sessions) and the option helpers. Slash commands are in
// fake-discord-interactions.test.ts, channel messages and buttons in fake-discord-messages.test.ts.
import { Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { opt } from './support/fake-discord.ts';
import { rawDataText } from './support/fake-discord/gateway.ts';
import { fake, makeClient, loggedIn, onNextInteraction, useFakeDiscord } from './support/fake-discord-client.ts';

useFakeDiscord();

describe('login and gateway', () => {
  it('logs in, becomes ready with the guild, roles and channels cached, and heartbeats', async () => {
    const c = await loggedIn();
    expect(c.user?.id).toBe(fake.bot.id);
    expect(c.application?.id).toBe(fake.applicationId);
    const guild = c.guilds.cache.get(fake.guildId);
    expect(guild?.name).toBe(fake.guild.name);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((ch) => ch.name).sort()).toEqual(['alerts', 'general', 'locked']);
    expect(guild?.roles.cache.find((r) => r.name === 'Editors')?.id).toBe(fake.roleId('Editors'));
    expect(guild?.roles.everyone.id).toBe(fake.guildId);
    const locked = guild?.channels.cache.get(fake.channelId('locked'));
    expect(locked?.permissionsFor(c.user!)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(guild?.channels.cache.get(fake.channelId('alerts'))?.permissionsFor(c.user!)?.has(PermissionFlagsBits.SendMessages)).toBe(true);

    await fake.waitFor(() => (fake.heartbeatCount >= 2 ? true : undefined), 2_000);
    await fake.waitFor(() => (c.ws.ping >= 0 ? true : undefined), 1_000); // an ACK arrived
    const identify = fake.gatewayEvents().find((e) => e.type === 'identify');
    expect(identify?.detail).toMatchObject({ ok: true, intents: GatewayIntentBits.Guilds });
    expect(fake.requests({ path: '/gateway/bot' })[0]?.auth).toBe(true);
    expect(fake.requests({ path: '/gateway/bot' })[0]?.headers.authorization).toBe('[redacted]');
    expect(fake.unexpectedRequests()).toEqual([]);
  });

  it('rejects a bad token: 401 on REST makes login() reject, and IDENTIFY is closed with 4004', async () => {
    const c = makeClient();
    await expect(c.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests({ path: '/gateway/bot' })[0]?.status).toBe(401);

    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const msg = JSON.parse(rawDataText(data)) as { op: number; d: { heartbeat_interval: number } };
      expect(msg.op).toBe(10);
      expect(msg.d.heartbeat_interval).toBe(200);
      ws.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {}, shard: [0, 1] } }));
    });
    expect(await closed).toBe(4004);
  });

  it('resumes after disconnectClients() and still receives interactions sent meanwhile', async () => {
    const c = await loggedIn();
    const resumed = new Promise<void>((resolve) => c.once(Events.ShardResume, () => resolve()));
    c.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) void i.reply({ content: `pong ${i.channelId}` });
    });
    const before = fake.slashCommand({ name: 'ping' });
    await before.settled();

    await fake.disconnectClients();
    const during = fake.slashCommand({ name: 'ping' }); // queued until the client is back
    expect((await during.settled()).content).toBe(`pong ${fake.channelId('alerts')}`);
    await resumed;
    const types = fake.gatewayEvents().map((e) => e.type);
    expect(types.filter((t) => t === 'identify')).toHaveLength(1);
    expect(types).toContain('resume');
    expect(fake.requests({ path: '/gateway/bot' })).toHaveLength(1); // resumed at resume_gateway_url
  });

  it('re-identifies after an invalid session', async () => {
    // discord.js throttles identifies to one per 5 s; skip that wait in tests.
    const c = await loggedIn({ ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } });
    c.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) void i.reply({ content: 'still here' });
    });
    fake.invalidateSessions(false);
    const r = await fake.slashCommand({ name: 'ping' }).settled();
    expect(r.content).toBe('still here');
    expect(fake.gatewayEvents().filter((e) => e.type === 'identify')).toHaveLength(2);
    expect(c.guilds.cache.get(fake.guildId)?.available).toBe(true);
  });
});

describe('option helpers', () => {
  it('resolves channel and role options', async () => {
    const c = await loggedIn();
    const handled = onNextInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) return null;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      return [i.options.getChannel('where')?.id, i.options.getRole('who')?.name, i.options.getInteger('n'), i.options.getNumber('x')];
    });
    fake.slashCommand({
      name: 'pick',
      options: { where: opt.channel(fake.channelId('general')), who: opt.role(fake.roleId('Editors')), n: 3, x: opt.number(2) },
    });
    expect(await handled).toEqual([fake.channelId('general'), 'Editors', 3, 2]);
  });
});
