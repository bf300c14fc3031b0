// The real discord.js Client against the local fake Discord: slash commands — replies, defers, edits,
// follow-ups, Discord's limits and callback deadline, autocomplete and the response times the fake records.
import { EmbedBuilder, Events, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { MESSAGE_FLAGS, PERMS } from './support/fake-discord.ts';
import { fake, loggedIn, onNextInteraction, restartFake, useFakeDiscord } from './support/fake-discord-client.ts';

useFakeDiscord();

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
    await restartFake({ callbackDeadlineMs: 50 });
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
    // The handler makes one REST round trip before it answers, so its handling takes a time it can measure.
    let handling = NaN;
    c.on(Events.InteractionCreate, (i) => {
      if (!i.isAutocomplete()) return;
      void (async () => {
        const start = performance.now();
        await c.rest.get(Routes.gatewayBot());
        const typed = i.options.getFocused();
        handling = performance.now() - start;
        await i.respond(['C-1', 'C-12', 'C-2'].filter((id) => id.startsWith(typed)).map((id) => ({ name: id, value: id })));
      })();
    });
    const before = performance.now();
    const choices = await fake.autocomplete({ name: 'track', subcommand: 'add', options: { id: 'C-1' }, focused: 'id' });
    const exchange = performance.now() - before;
    expect(choices).toEqual([
      { name: 'C-1', value: 'C-1' },
      { name: 'C-12', value: 'C-12' },
    ]);
    const times = fake.responseTimes();
    expect(times).toHaveLength(1);
    expect(times[0]).toMatchObject({ kind: 'autocomplete', name: 'track' });
    // Sent → first callback: it spans the handler's work and lies within the whole exchange the test saw.
    expect(handling).toBeGreaterThan(0);
    expect(times[0]!.ms).toBeGreaterThanOrEqual(handling);
    expect(times[0]!.ms).toBeLessThanOrEqual(exchange);
    expect(fake.responseTimeStats().count).toBe(1);
  });
});
