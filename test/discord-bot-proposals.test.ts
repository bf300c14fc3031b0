// End to end against the local fake Discord: proposed status changes posted with Confirm/Dismiss buttons —
// only editors decide, a proposal is decided once, and every copy shows the decision.
import { databaseOf } from '../src/db/database.ts';
import { describe, expect, it } from 'vitest';
import { PERMS } from './support/fake-discord.ts';
import { fake, app, bot, clock, alerts, general, subscribe, useDiscordBot } from './support/discord-bot-session.ts';

useDiscordBot();

describe('proposals', () => {
  it('a proposal: a non-editor is refused, an editor confirms, the message shows who; a second press says decided', async () => {
    await subscribe(alerts());
    await app.outbox.record({
      type: 'status-proposal',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        from: 'stalled',
        to: 'in-progress',
        rule: 'bill-progress',
        reason: 'Modern Slavery Bill reached 2nd reading',
        item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
      },
      dedupeKey: 'p1',
      createdAt: clock.now().toISOString(),
    });
    await bot.poster.flush();
    const msg = () => fake.messagesIn(alerts())[0]!;
    const ids = msg().components[0]!.components!.map((c) => c.custom_id);
    expect(msg().components[0]!.components!.map((c) => c.label)).toEqual(['Confirm', 'Dismiss']);
    const refused = await fake.button({ customId: ids[0]!, message: msg(), user: 'bob' }).settled();
    expect(refused).toMatchObject({ ephemeral: true, content: expect.stringMatching(/Only editors/) });
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('stalled');

    const ok = await fake.button({ customId: ids[0]!, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(ok.type).toBe(7);
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('in-progress');
    const last = (await app.store.history('modern-slavery-penalties')).at(-1)!;
    expect(last).toMatchObject({
      actor: `discord:${fake.userId('carol')}`,
      reason: 'Modern Slavery Bill reached 2nd reading',
      evidence: ['https://bills.parliament.uk/2'],
    });
    expect(msg().components).toEqual([]);
    expect(JSON.stringify(msg().embeds)).toContain(`by <@${fake.userId('carol')}>`);
    expect(msg().pings).toEqual([]);

    const again = await fake.button({ customId: ids[1]!, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(again).toMatchObject({ ephemeral: true, content: expect.stringMatching(/already confirmed/) });
  });

  it('confirming a proposal the commitment has since moved past changes nothing: proposals only move forward', async () => {
    await subscribe(alerts());
    await app.outbox.record({
      type: 'status-proposal',
      commitmentId: 'modern-slavery-penalties',
      payload: {
        commitment: 'modern-slavery-penalties',
        from: 'stalled',
        to: 'in-progress',
        rule: 'bill-progress',
        reason: 'Modern Slavery Bill reached 2nd reading',
        item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
      },
      dedupeKey: 'p-behind',
      createdAt: clock.now().toISOString(),
    });
    await bot.poster.flush();
    // Meanwhile an editor records the commitment delivered.
    await app.store.changeStatus(
      { commitmentId: 'modern-slavery-penalties', to: 'delivered', reason: 'The penalties are in force.', evidence: [], actor: 'discord:123456789012345678' },
      clock.now().toISOString(),
    );
    const msg = () => fake.messagesIn(alerts()).at(-1)!;
    const confirm = msg().components[0]!.components![0]!.custom_id!;
    const pressed = await fake.button({ customId: confirm, message: msg(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(pressed.type).toBe(7);
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('delivered');
    expect(msg().embeds[0]!.fields!.at(-1)).toMatchObject({
      name: 'Decision',
      value: expect.stringMatching(/^✅ confirmed, but nothing changed: modern-slavery-penalties is now delivered; in-progress would move it back — by/),
    });
  });

  it('a proposal posted to two channels is decided once, and both messages show the decision without buttons', async () => {
    await subscribe(alerts());
    await subscribe(general());
    const proposal = async (key: string) =>
      app.outbox.record({
        type: 'status-proposal',
        commitmentId: 'modern-slavery-penalties',
        payload: {
          commitment: 'modern-slavery-penalties',
          from: 'stalled',
          to: 'in-progress',
          rule: 'bill-progress',
          reason: 'Bill reached 2nd reading',
          item: { title: 'Modern Slavery Bill', link: 'https://bills.parliament.uk/2' },
        },
        dedupeKey: key,
        createdAt: clock.now().toISOString(),
      });
    await proposal('p-two');
    expect(await bot.poster.flush()).toBe(2);
    const inAlerts = () => fake.messagesIn(alerts()).at(-1)!;
    const inGeneral = () => fake.messagesIn(general()).at(-1)!;
    const dismiss = inGeneral().components[0]!.components![1]!.custom_id!;
    const pressed = await fake.button({ customId: dismiss, message: inGeneral(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(pressed.type).toBe(7);
    // The other copy is edited after the press is answered.
    await fake.waitFor(() => (inAlerts().components.length === 0 ? true : undefined), 2_000, 'the copy in #alerts to be closed');
    for (const m of [inAlerts(), inGeneral()]) {
      expect(m.components).toEqual([]);
      expect(m.embeds[0]!.fields!.at(-1)).toMatchObject({
        name: 'Decision',
        value: expect.stringMatching(new RegExp(`^✖️ dismissed — by <@${fake.userId('carol')}>`)),
      });
      expect(m.allowed_mentions).toEqual({ parse: [] });
    }
    expect((await app.store.getCommitment('modern-slavery-penalties'))!.status).toBe('stalled');

    // A copy left with live buttons (the bot stopped before editing it) is closed when it is next pressed.
    const id = await proposal('p-stale');
    await bot.poster.flush();
    await databaseOf(app)
      .insertInto('discord_proposal_decisions')
      .values({
        event_id: id!,
        decision: 'confirmed',
        decided_by: `discord:${fake.userId('carol')}`,
        decided_at: clock.now().toISOString(),
        outcome: 'confirmed: now in-progress',
      })
      .execute();
    const confirm = inAlerts().components[0]!.components![0]!.custom_id!;
    const stale = await fake.button({ customId: confirm, message: inAlerts(), user: 'carol', permissions: PERMS.MANAGE_GUILD }).settled();
    expect(stale).toMatchObject({ ephemeral: true, content: expect.stringMatching(/already confirmed/) });
    await fake.waitFor(() => (inAlerts().components.length + inGeneral().components.length === 0 ? true : undefined), 2_000, 'both copies to be closed');
    for (const m of [inAlerts(), inGeneral()]) {
      expect(m.components).toEqual([]);
      expect(m.embeds[0]!.fields!.filter((f) => f.name === 'Decision')).toEqual([
        { name: 'Decision', value: expect.stringMatching(/^✅ confirmed: now in-progress — by/) },
      ]);
    }
  });
});
