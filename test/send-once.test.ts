// The send-once cycle both the alert poster and the digest sender go through (src/discord/send-once.ts),
// against the local fake Discord: recorded before it goes, looked for when in doubt, never sent twice.
// The fake does NOT drop repeated nonces, so a second send would show as a second message.
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carries, sendOnce, type AttemptRecord, type SendOnceRequest } from '../src/discord/send-once.ts';
import type { FakeDiscord } from './support/fake-discord.ts';
import { startFakeDiscord } from './support/discord-app.ts';

let fake: FakeDiscord;
let rest: REST;
let log: string[];

beforeEach(async () => {
  fake = await startFakeDiscord();
  rest = new REST({ api: fake.apiUrl, retries: 0, timeout: 2_000 }).setToken(fake.token);
  log = [];
  fake.faults.onMessageCreated.add((_channel, id) => log.push(`created ${id}`));
});

afterEach(async () => {
  await fake.close();
});

const alerts = () => fake.channelId('alerts');
const NONCE = 'cw-test-1';

/** A record that writes what happens to `log`; `begin` answers `claimed`. */
function record(claimed = true): AttemptRecord {
  return {
    begin: () => {
      log.push('begin');
      return Promise.resolve(claimed);
    },
    sent: (messageId) => {
      log.push(`sent ${messageId}`);
      return Promise.resolve();
    },
    looked: () => log.push('looked'),
    inDoubt: () => log.push('in doubt'),
  };
}

function request(over: Partial<SendOnceRequest> = {}): SendOnceRequest {
  return {
    rest,
    channelId: alerts(),
    nonce: NONCE,
    isOurs: carries(NONCE, 'event #1'),
    record: record(),
    message: () => ({ body: { embeds: [{ title: 'An alert', footer: { text: 'Commitment Watch · event #1' } }], allowed_mentions: { parse: [] } } }),
    ...over,
  };
}

describe('send once', () => {
  it('records the attempt before the message is created, then records it as sent', async () => {
    const outcome = await sendOnce(request());
    const [message] = fake.messagesIn(alerts());
    expect(outcome).toEqual({ kind: 'sent', messageId: message!.id, found: false });
    expect(log).toEqual(['begin', `created ${message!.id}`, `sent ${message!.id}`]);
    expect(message!.nonce).toBe(NONCE);
  });

  it('a cut connection leaves the attempt in doubt; the next pass finds the message and sends nothing', async () => {
    const since = new Date().toISOString();
    fake.faults.dropAnswers(alerts(), 1);
    const first = await sendOnce(request());
    expect(first.kind).toBe('transient');
    expect(log.filter((l) => !l.startsWith('created'))).toEqual(['begin', 'in doubt']);

    log = [];
    const second = await sendOnce(request({ lookSince: since }));
    const messages = fake.messagesIn(alerts());
    expect(messages).toHaveLength(1);
    expect(second).toEqual({ kind: 'sent', messageId: messages[0]!.id, found: true });
    expect(log).toEqual(['looked', `sent ${messages[0]!.id}`]); // not begun again: nothing sent
  });

  it('in doubt but not there: looked for, then recorded and sent once', async () => {
    const outcome = await sendOnce(request({ lookSince: new Date().toISOString() }));
    expect(outcome.kind).toBe('sent');
    expect(fake.messagesIn(alerts())).toHaveLength(1);
    expect(log[0]).toBe('looked');
    expect(log[1]).toBe('begin');
  });

  it('a claim lost to another process: nothing is sent, nothing recorded', async () => {
    let built = false;
    const outcome = await sendOnce(request({ record: record(false), message: () => ((built = true), { body: {} }) }));
    expect(outcome).toEqual({ kind: 'taken' });
    expect(fake.messagesIn(alerts())).toHaveLength(0);
    expect(built).toBe(false);
    expect(log).toEqual(['begin']);
  });

  it('a channel the bot may not post in is gone, with Discord’s answer named', async () => {
    fake.failChannel(alerts(), 403);
    const outcome = await sendOnce(request());
    expect(outcome).toMatchObject({ kind: 'gone', during: 'posting', reason: expect.stringMatching(/^Discord answered 403 \(50013: .*\) when posting$/) });
    expect(fake.messagesIn(alerts())).toHaveLength(0);
  });

  it('a look that fails leaves the attempt as it was: not begun, nothing sent', async () => {
    fake.failChannel(alerts(), 404);
    const outcome = await sendOnce(request({ lookSince: new Date().toISOString() }));
    expect(outcome).toMatchObject({ kind: 'gone', during: 'looking', reason: expect.stringMatching(/when looking for an earlier post$/) });
    expect(log).toEqual([]);
  });
});
