// The real discord.js Client against the local fake Discord (test/support/fake-discord.ts).
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ClientOptions,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord, MESSAGE_FLAGS, PERMS, opt } from './support/fake-discord.ts';

let fake: FakeDiscord;
let client: Client | undefined;

function makeClient(extra: Partial<ClientOptions> = {}): Client {
  client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl, version: '10', timeout: 5_000, ...extra.rest },
    waitGuildTimeout: 1_000,
    ...(extra.ws ? { ws: extra.ws } : {}),
  });
  return client;
}

async function loggedIn(extra: Partial<ClientOptions> = {}): Promise<Client> {
  const c = makeClient(extra);
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(fake.token);
  await ready;
  return c;
}

/** Runs `fn` on the next interaction the client receives and resolves/rejects with its outcome. */
function onNextInteraction<T>(c: Client, fn: (i: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => c.once(Events.InteractionCreate, (i) => void fn(i).then(resolve, reject)));
}

async function textChannel(c: Client, name: string): Promise<TextChannel> {
  const ch = await c.channels.fetch(fake.channelId(name));
  if (!ch || !ch.isTextBased() || ch.isDMBased()) throw new Error(`no text channel ${name}`);
  return ch as TextChannel;
}

beforeEach(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: 200 });
});

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake.close();
});

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
      const msg = JSON.parse(data.toString()) as { op: number; d: { heartbeat_interval: number } };
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

describe('slash commands', () => {
  it('registers guild commands and records an ephemeral reply with allowed_mentions', async () => {
    const c = await loggedIn();
    const track = new SlashCommandBuilder()
      .setName('track')
      .setDescription('Track a commitment')
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
      .addSubcommand((s) =>
        s
          .setName('add')
          .setDescription('Add')
          .addStringOption((o) => o.setName('id').setDescription('Commitment id').setRequired(true).setAutocomplete(true))
          .addNumberOption((o) => o.setName('weight').setDescription('Weight'))
          .addBooleanOption((o) => o.setName('quiet').setDescription('Quiet'))
          .addChannelOption((o) => o.setName('channel').setDescription('Where')),
      );
    await c.application!.commands.set([track.toJSON()], fake.guildId);
    const [registered] = fake.commands(fake.guildId);
    expect(registered).toMatchObject({ name: 'track', guild_id: fake.guildId, default_member_permissions: '32' });
    expect(registered?.id).toMatch(/^\d+$/);
    expect(fake.commands()).toEqual([]);

    const handled = onNextInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      const admin = i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
      const summary = [
        i.commandName,
        i.options.getSubcommand(),
        i.options.getString('id', true),
        i.options.getNumber('weight'),
        i.options.getBoolean('quiet'),
        i.options.getChannel('channel')?.name,
        admin ? 'admin' : 'member',
        i.user.username,
      ].join(' ');
      await i.reply({ content: `${summary} @everyone`, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      return i.commandId;
    });
    const cmd = fake.slashCommand({
      name: 'track',
      subcommand: 'add',
      options: { id: 'C-12', weight: 5, quiet: true, channel: fake.channelId('general') },
    });
    const first = await cmd.reply();
    expect(await handled).toBe(registered!.id);
    expect(first).toMatchObject({
      kind: 'callback',
      type: 4,
      ephemeral: true,
      content: 'track add C-12 5 true general member alice @everyone',
      allowed_mentions: { parse: [] },
      pings: [],
    });
    expect(first.flags & MESSAGE_FLAGS.EPHEMERAL).toBe(64);
    expect(await cmd.settled()).toEqual(first);
    expect(fake.messagesIn(fake.channelId('alerts'))).toEqual([]); // ephemeral: not in the channel

    const adminHandled = onNextInteraction(c, async (i) => (i.isChatInputCommand() ? i.reply(String(i.memberPermissions?.has('ManageGuild'))) : null));
    const asAdmin = fake.slashCommand({ name: 'track', subcommand: 'add', options: { id: 'C-1' }, user: 'bob', permissions: PERMS.MANAGE_GUILD });
    await adminHandled;
    expect((await asAdmin.reply()).content).toBe('true');
  });

  it('supports deferReply + editReply + followUp, and fetchReply', async () => {
    const c = await loggedIn();
    const done = onNextInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply({ content: 'done', embeds: [new EmbedBuilder().setTitle('Result').setDescription('ok')] });
      const fetched = await i.fetchReply();
      await i.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
      return fetched.content;
    });
    const cmd = fake.slashCommand({ name: 'status' });
    expect(await cmd.reply()).toMatchObject({ type: 5, ephemeral: false });
    const final = await cmd.settled();
    expect(final).toMatchObject({ kind: 'edit-original', content: 'done', embeds: [{ title: 'Result', description: 'ok' }] });
    expect(await done).toBe('done');
    const responses = fake.interactionResponses(cmd.id);
    expect(responses.map((r) => r.kind)).toEqual(['callback', 'edit-original', 'followup']);
    expect(responses[2]).toMatchObject({ content: 'more', ephemeral: true });
    const visible = fake.messagesIn(fake.channelId('alerts'));
    expect(visible).toHaveLength(1);
    expect(visible[0]).toMatchObject({ content: 'done', interaction_id: cmd.id, flags: 0 });
  });

  it('answers with_response=true callbacks, fetches and deletes replies', async () => {
    const c = await loggedIn();
    const handled = onNextInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) return null;
      const response = await i.reply({ content: 'hello', withResponse: true });
      const message = response.resource?.message;
      const fetched = await i.fetchReply();
      await i.deleteReply();
      return [response.interaction.id, response.interaction.responseMessageId, message?.content, fetched.id];
    });
    const cmd = fake.slashCommand({ name: 'hello' });
    const [interactionId, messageId, content, fetchedId] = (await handled)!;
    expect(interactionId).toBe(cmd.id);
    expect(content).toBe('hello');
    expect(fetchedId).toBe(messageId);
    expect(fake.interactionResponses(cmd.id).map((r) => r.kind)).toEqual(['callback', 'delete-original']);
    expect(fake.messagesIn(fake.channelId('alerts'))).toEqual([]);
    expect(fake.message(messageId!)?.deleted).toBe(true);
    expect(fake.requests({ path: /^\/interactions\// })[0]).toMatchObject({ auth: false, query: { with_response: 'true' } });
  });

  it('refuses responses over Discord limits and callbacks after the deadline', async () => {
    await fake.close();
    fake = await FakeDiscord.start({ callbackDeadlineMs: 50 });
    const c = await loggedIn();
    const tooLong = onNextInteraction(c, async (i) => (i.isChatInputCommand() ? i.reply('x'.repeat(2001)) : null));
    const cmd = fake.slashCommand({ name: 'long' });
    await expect(tooLong).rejects.toMatchObject({ code: 50035, status: 400 });
    await expect(cmd.reply()).rejects.toThrow(/refused/);
    expect(fake.rejectedInteractionCalls(cmd.id)[0]?.status).toBe(400);

    const late = onNextInteraction(c, async (i) => {
      await new Promise((r) => setTimeout(r, 100)); // longer than the 50 ms deadline
      return i.isChatInputCommand() ? i.reply('late') : null;
    });
    fake.slashCommand({ name: 'slow' });
    await expect(late).rejects.toMatchObject({ code: 10062, status: 404 });
  });

  it('records autocomplete choices and response times', async () => {
    const c = await loggedIn();
    c.on(Events.InteractionCreate, (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      void i.respond(['C-1', 'C-12', 'C-2'].filter((id) => id.startsWith(typed)).map((id) => ({ name: id, value: id })));
    });
    const choices = await fake.autocomplete({ name: 'track', subcommand: 'add', options: { id: 'C-1' }, focused: 'id' });
    expect(choices).toEqual([
      { name: 'C-1', value: 'C-1' },
      { name: 'C-12', value: 'C-12' },
    ]);
    const times = fake.responseTimes();
    expect(times).toHaveLength(1);
    expect(times[0]).toMatchObject({ kind: 'autocomplete', name: 'track' });
    expect(times[0]!.ms).toBeGreaterThanOrEqual(0);
    expect(fake.responseTimeStats().count).toBe(1);
  });
});

describe('channel messages', () => {
  it('posts with channel.send (JSON and multipart), edits, and shows the result in messagesIn', async () => {
    const c = await loggedIn();
    const alerts = await textChannel(c, 'alerts');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('ack:C-12').setLabel('Acknowledge').setStyle(ButtonStyle.Primary),
    );
    const sent = await alerts.send({
      content: 'Commitment C-12 moved <@123> @here',
      embeds: [new EmbedBuilder().setTitle('C-12').addFields({ name: 'Status', value: 'Delivered' })],
      components: [row],
      allowedMentions: { parse: [] },
    });
    expect(sent.author.id).toBe(fake.bot.id);
    expect(sent.channelId).toBe(alerts.id);
    await sent.edit({ content: 'Commitment C-12 delivered' });
    const refetched = await alerts.messages.fetch({ message: sent.id, force: true });
    expect(refetched.content).toBe('Commitment C-12 delivered');
    expect(refetched.editedTimestamp).not.toBeNull();
    await alerts.send({ content: 'with a file', files: [{ attachment: Buffer.from('hello'), name: 'note.txt' }] });
    await alerts.send('pings <@123>');

    const [first, second, third] = fake.messagesIn(alerts.id);
    expect(first).toMatchObject({
      id: sent.id,
      content: 'Commitment C-12 delivered',
      edit_count: 1,
      allowed_mentions: { parse: [] },
      pings: [],
      embeds: [{ title: 'C-12', fields: [{ name: 'Status', value: 'Delivered' }] }],
      components: [{ type: 1, components: [{ custom_id: 'ack:C-12' }] }],
    });
    expect(second?.attachments).toMatchObject([{ filename: 'note.txt', size: 5 }]);
    expect(fake.requests({ method: 'POST', path: `/channels/${alerts.id}/messages` })[1]?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(third?.pings).toEqual(['<@123>']); // no allowedMentions: it would ping
  });

  it('rejects sends to a failing channel with the Discord error codes', async () => {
    const c = await loggedIn();
    const general = await textChannel(c, 'general');
    fake.failChannel(general.id, 403);
    const err = await general.send('hello').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ code: 50013, status: 403 });

    fake.failChannel(general.id, 404);
    await expect(general.send('hello')).rejects.toMatchObject({ code: 10003, status: 404 });
    fake.clearFaults();
    await general.send('hello');

    const locked = await textChannel(c, 'locked');
    await expect(locked.send('hello')).rejects.toMatchObject({ code: 50013 });
    expect(fake.messagesIn(locked.id)).toEqual([]);

    const huge = new EmbedBuilder().setDescription('d'.repeat(4000));
    await expect(general.send({ embeds: [huge, huge] })).rejects.toMatchObject({ code: 50035, status: 400 });
    expect(fake.messagesIn(general.id)).toHaveLength(1);
  });

  it('lets discord.js retry a 429 and a 500, posting the message once', async () => {
    const c = await loggedIn();
    const alerts = await textChannel(c, 'alerts');
    fake.rateLimitNext(alerts.id, 0.05);
    await alerts.send('after rate limit');
    const posts = fake.requests({ method: 'POST', path: `/channels/${alerts.id}/messages` });
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messagesIn(alerts.id).map((m) => m.content)).toEqual(['after rate limit']);

    fake.serverErrorNext(alerts.id);
    await alerts.send('after 500'); // default retries: 3
    expect(fake.messagesIn(alerts.id)).toHaveLength(2);
  });

  it('repeats a nonce as a new message unless dedupeNonces is on; seeded history is listed in id order', async () => {
    const c = await loggedIn({ rest: { retries: 0 } });
    const alerts = await textChannel(c, 'alerts');
    const send = () => c.rest.post(`/channels/${alerts.id}/messages`, { body: { content: 'once', nonce: 'n-1', enforce_nonce: true } }) as Promise<{ id: string }>;
    const [a, b] = [await send(), await send()];
    expect(a.id).not.toBe(b.id);
    fake.faults.dedupeNonces = true;
    expect((await send()).id).toBe(a.id);
    fake.seedMessages(alerts.id, 3, Date.now() - 60_000);
    const listed = (await c.rest.get(`/channels/${alerts.id}/messages`, { query: new URLSearchParams({ limit: '10', after: '0' }) })) as Array<{ content: string }>;
    expect(listed.map((m) => m.content)).toEqual(['once', 'once', 'chatter 2', 'chatter 1', 'chatter 0']);
  });

  it('surfaces a 500 when retries are off', async () => {
    const c = await loggedIn({ rest: { retries: 0 } });
    const alerts = await textChannel(c, 'alerts');
    fake.serverErrorNext(alerts.id);
    await expect(alerts.send('x')).rejects.toMatchObject({ status: 500 });
    expect(fake.messagesIn(alerts.id)).toEqual([]);
  });

  it('a button press updates the message it is on', async () => {
    const c = await loggedIn();
    const alerts = await textChannel(c, 'alerts');
    await alerts.send({
      content: 'C-12 moved',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('ack:C-12').setLabel('Acknowledge').setStyle(ButtonStyle.Primary)),
      ],
    });
    const handled = onNextInteraction(c, async (i) => {
      if (!i.isButton()) throw new Error('expected a button');
      await i.update({ content: `Acknowledged by ${i.user.username}`, components: [] });
      return [i.customId, i.message.content] as const;
    });
    const press = fake.button({ customId: 'ack:C-12', message: fake.messagesIn(alerts.id)[0]!, user: 'bob' });
    expect(await press.settled()).toMatchObject({ type: 7, content: 'Acknowledged by bob' });
    expect(await handled).toEqual(['ack:C-12', 'C-12 moved']);
    expect(fake.messagesIn(alerts.id)).toMatchObject([{ content: 'Acknowledged by bob', components: [], edit_count: 1 }]);
  });

  it('explains an interaction nobody answered', async () => {
    // No client logged in: the interaction is queued, never sent, and reply() says so.
    await expect(fake.slashCommand({ name: 'status' }).reply(50)).rejects.toThrow(/never sent: no client is connected/);
  });

  it('records unexpected routes', async () => {
    const c = await loggedIn();
    await expect(c.rest.get(`/guilds/${fake.guildId}/bans`)).rejects.toMatchObject({ status: 404, code: 0 });
    expect(fake.unexpectedRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /guilds/${fake.guildId}/bans`]);
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
