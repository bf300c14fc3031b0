// The real discord.js Client against the local fake Discord: channel messages (send, edit, errors, retries,
// nonces, seeded history), a button press, and what the fake says about unanswered or unknown requests.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, DiscordAPIError, EmbedBuilder } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { fake, loggedIn, onNextInteraction, textChannel, useFakeDiscord } from './support/fake-discord-client.ts';

useFakeDiscord();

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
