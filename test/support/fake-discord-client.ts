// For the tests of the fake Discord itself (test/fake-discord*.test.ts): a fresh fake per test and the
// real discord.js Client logged into it. `useFakeDiscord()` registers the hooks; `fake` is a live binding
// (ES modules), so a test reads the current test's fake.
import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction, type TextChannel } from 'discord.js';
import { afterEach, beforeEach } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions } from './fake-discord.ts';

export let fake: FakeDiscord;
let client: Client | undefined;

export function useFakeDiscord(): void {
  beforeEach(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 200 });
  });

  afterEach(async () => {
    await client?.destroy();
    client = undefined;
    await fake.close();
  });
}

/** Closes this test's fake and starts another with `options` (closed after the test in its place). */
export async function restartFake(options: FakeDiscordOptions): Promise<void> {
  await fake.close();
  fake = await FakeDiscord.start(options);
}

/** A discord.js Client pointed at the fake, destroyed after the test. */
export function makeClient(extra: Partial<ClientOptions> = {}): Client {
  client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl, version: '10', timeout: 5_000, ...extra.rest },
    waitGuildTimeout: 1_000,
    ...(extra.ws ? { ws: extra.ws } : {}),
  });
  return client;
}

export async function loggedIn(extra: Partial<ClientOptions> = {}): Promise<Client> {
  const c = makeClient(extra);
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(fake.token);
  await ready;
  return c;
}

/** Runs `fn` on the next interaction the client receives and resolves/rejects with its outcome. */
export function onNextInteraction<T>(c: Client, fn: (i: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => c.once(Events.InteractionCreate, (i) => void fn(i).then(resolve, reject)));
}

export async function textChannel(c: Client, name: string): Promise<TextChannel> {
  const ch = await c.channels.fetch(fake.channelId(name));
  if (!ch || !ch.isTextBased() || ch.isDMBased()) throw new Error(`no text channel ${name}`);
  return ch as TextChannel;
}
